# The closed loop end to end: 110 cases driven through every path
# of the workflow by the right operators with the CLI: closed, rejected,
# returned and redispatched, extended, extension denied, postponed,
# reworked then closed, suspended, merged.  Every action is first tried
# by every other role: each is refused (exit 77) and changes nothing.
# Each case's log must tell its whole story, every stage that ended must
# carry its verdict, and a watcher must have seen every step.
. tests/sh/tap.env
need_root

. tests/sh/daemon.env
trap 'kill $watcher 2>/dev/null; cg_stop' EXIT
tmp=$cg_run
db=schema/citygrid-db
sql() { $db psql -At -c "$1"; }

# One operator per role; department users by department code.
roles="seat1 super1 disp1 huanwei1 admin1"
who() {
	case $1 in
	verify|verified|check|checked|merge) echo seat1 ;;
	file|reject|close|rework) echo super1 ;;
	dispatch|approve|deny|resume|suspend|urge) echo disp1 ;;
	*) echo "$dept_user" ;;
	esac
}
dept_user=huanwei1
# Who else may take an action (the transition table gives it two roles).
also() {
	case $1 in
	urge) echo super1 ;;
	merge) echo super1 ;;
	esac
}

as super1 --json watch --scope all >"$tmp/watch.jsonl" 2>"$tmp/watch.err" &
watcher=$!
sleep 0.5

version() { sql "SELECT row_version FROM cases WHERE case_no = '$1'"; }
state() { sql "SELECT state FROM cases WHERE case_no = '$1'"; }

# Every role but the right one tries first: refused, and the case unchanged.
tried=" "
bad=0
try_others() {
	action=$1 c=$2 right=$3
	shift 3
	case $tried in *" $action "*) return 0 ;; esac
	tried="$tried$action "
	v=$(version "$c")
	for tu in $roles zhifa1; do
		[ "$tu" = "$right" ] || [ "$tu" = "$(also "$action")" ] && continue
		as "$tu" case "$action" "$c" "$@" >/dev/null 2>"$tmp/err"
		rc=$?
		if [ $rc -ne 77 ] || [ "$(version "$c")" != "$v" ]; then
			echo "# $tu did $action on $c: exit $rc, version $v -> $(version "$c"): $(cat "$tmp/err")"
			bad=$((bad + 1))
		fi
	done
}

fails=0
step() {
	action=$1 c=$2
	shift 2
	u=$(who "$action")
	try_others "$action" "$c" "$u" "$@"
	if ! as "$u" case "$action" "$c" "$@" >"$tmp/out" 2>&1; then
		echo "# $u $action $c $*: $(cat "$tmp/out")"
		fails=$((fails + 1))
	fi
}

grids=$(sql "SELECT code FROM grid g WHERE NOT EXISTS (SELECT 1 FROM cases c WHERE c.grid = g.code) ORDER BY md5(code || 'workflow') LIMIT 100")
i=0
# The functions set c, the case they made: no subshells, so counts add up.
newcase() {
	i=$((i + 1))
	g=$(echo "$grids" | sed -n "${i}p")
	c=$(as seat1 --json case new --kind event --class 0102 --source hotline \
	    --description "东城区暴露垃圾 第${i}件" --grid "$g" --reporter-name 测试 \
	    --reporter-phone 13800000000 --client-ref "wf-$$-$i" |
	    sed -n 's/.*"case_no": *"\([^"]*\)".*/\1/p')
}
front() {	# report, verify, file, dispatch, accept
	newcase
	step verify "$c"
	step verified "$c" --result confirmed --note 现场确认
	step file "$c"
	step dispatch "$c" --department "${1:-HWZX}"
	step accept "$c"
}
back() {	# feed back, check, close
	step feedback "$1" --reason 已清运完毕
	step check "$1"
	step checked "$1" --result passed
	step close "$1"
}
expect() {	# group name, cases, the log's actions
	name=$1 cases=$2 want=$3
	good=0 total=0
	for c in $cases; do
		total=$((total + 1))
		got=$(sql "SELECT string_agg(l.action, ',' ORDER BY l.id) FROM case_log l
		           JOIN cases c ON c.id = l.case_id WHERE c.case_no = '$c'")
		if [ "$got" = "$want" ]; then
			good=$((good + 1))
		else
			echo "# $c: $got"
		fi
	done
	check "$name: $total cases, each log is $want" test "$good" -eq "$total" -a "$total" -gt 0
}

closed= rejected= returned= extended= denied= postponed= reworked= suspended= merged= urged=
k=0
while [ $k -lt 10 ]; do
	front; back "$c"; closed="$closed $c"
	front; step urge "$c" --reason 请尽快处置; back "$c"; urged="$urged $c"

	newcase; step verify "$c"; step verified "$c" --result not_found
	step reject "$c" --reason 现场未发现问题; rejected="$rejected $c"

	dept_user=yuanlin1; front YLJ
	step return "$c" --reason 不属本部门职责; dept_user=huanwei1
	step dispatch "$c" --department HWZX; step accept "$c"; back "$c"; returned="$returned $c"

	front; step extend "$c" --amount 2 --reason 需要调运大型车辆
	step approve "$c"; back "$c"; extended="$extended $c"

	front; step extend "$c" --amount 5 --reason 人手不足
	step deny "$c" --reason 可以按时完成; back "$c"; denied="$denied $c"

	front; step postpone "$c" --reason 等待产权单位确认
	step approve "$c"; step resume "$c"; back "$c"; postponed="$postponed $c"

	front; step feedback "$c" --reason 已清运; step check "$c"
	step checked "$c" --result failed --note 仍有残留; step rework "$c" --reason 清理不彻底
	step accept "$c"; back "$c"; reworked="$reworked $c"

	front; step suspend "$c" --reason "涉及拆迁, 暂缓处置"
	step resume "$c"; back "$c"; suspended="$suspended $c"

	# A second report of the same problem at the same place.
	newcase
	orig=$c
	dup=$(as seat1 --json case new --kind event --class 0102 --source public \
	    --description "重复上报 第${i}件" --grid "$g" --client-ref "wf-$$-dup-$k")
	echo "$dup" | grep -q "\"likely_duplicate\": *\"$orig\"" ||
	    { echo "# no duplicate hint: $dup"; fails=$((fails + 1)); }
	d=$(echo "$dup" | sed -n 's/.*"case_no": *"\([^"]*\)".*/\1/p')
	step merge "$d" --duplicate-of "$orig"; merged="$merged $d"
	k=$((k + 1))
done

check "all 110 cases were registered" test "$(sql "SELECT count(*) FROM cases WHERE client_ref LIKE 'wf-$$-%'")" -eq 110
check "every step by the right operator succeeded" test "$fails" -eq 0
check "every action by every other role was refused (77) and changed nothing" test "$bad" -eq 0
check "all 20 actions were tried by the wrong roles" test "$(echo $tried | wc -w)" -eq 20
happy="report,verify,verified,file,dispatch,accept,feedback,check,checked,close"
expect "closed" "$closed" "$happy"
expect "urged" "$urged" "report,verify,verified,file,dispatch,accept,urge,feedback,check,checked,close"
expect "rejected" "$rejected" "report,verify,verified,reject"
expect "returned and redispatched" "$returned" "report,verify,verified,file,dispatch,accept,return,dispatch,accept,feedback,check,checked,close"
expect "extended" "$extended" "report,verify,verified,file,dispatch,accept,extend,approve,feedback,check,checked,close"
expect "extension denied" "$denied" "report,verify,verified,file,dispatch,accept,extend,deny,feedback,check,checked,close"
expect "postponed" "$postponed" "report,verify,verified,file,dispatch,accept,postpone,approve,resume,feedback,check,checked,close"
expect "reworked then closed" "$reworked" "report,verify,verified,file,dispatch,accept,feedback,check,checked,rework,accept,feedback,check,checked,close"
expect "suspended" "$suspended" "report,verify,verified,file,dispatch,accept,suspend,resume,feedback,check,checked,close"
expect "merged" "$merged" "report,merge"

all="$closed $urged $rejected $returned $extended $denied $postponed $reworked $suspended $merged"
list=$(echo $all | sed "s/\([^ ]*\)/'\1'/g; s/ /,/g")
check "all 100 cases on a path have finished: closed, rejected or merged" test \
    "$(sql "SELECT count(*) FROM cases WHERE case_no IN ($list) AND state IN ('closed','rejected','merged')")" -eq 100
check "merged cases point at the case they duplicate" test \
    "$(sql "SELECT count(*) FROM cases c JOIN cases o ON o.id = c.duplicate_of WHERE c.state = 'merged' AND c.case_no IN ($list)")" -eq 10
check "every stage of a finished case has ended with its verdict" test \
    "$(sql "SELECT count(*) FROM case_stage s JOIN cases c ON c.id = s.case_id
            WHERE c.case_no IN ($list) AND (s.ended_at IS NULL OR s.on_time IS NULL)")" -eq 0
check "a closed case went through all eight timed stages (核实派发 and 核查派发 too)" test \
    "$(sql "SELECT count(DISTINCT s.stage) FROM case_stage s JOIN cases c ON c.id = s.case_id
            WHERE c.case_no = '$(echo $closed | cut -d' ' -f1)'")" -eq 8
check "rework opened a second handling stage" test \
    "$(sql "SELECT count(*) FROM case_stage s JOIN cases c ON c.id = s.case_id
            WHERE c.case_no = '$(echo $reworked | cut -d' ' -f1)' AND s.stage = 'handle'")" -eq 2
check "an approved extension moved the handling deadline" test \
    "$(sql "SELECT count(*) FROM case_stage s JOIN cases c ON c.id = s.case_id
            WHERE c.case_no IN ($(echo $extended | sed "s/\([^ ]*\)/'\1'/g; s/ /,/g"))
            AND s.stage = 'handle' AND s.deadline > s.started_at + interval '1 day'")" -eq 10
check "postponement and suspension were recorded as pauses" test \
    "$(sql "SELECT count(DISTINCT p.kind) FROM case_pause p JOIN case_stage s ON s.id = p.stage_id
            JOIN cases c ON c.id = s.case_id WHERE c.case_no IN ($list) AND p.ended_at IS NOT NULL")" -eq 2
check "tasks: 90 verifications and 90 checks done, none left open" test \
    "$(sql "SELECT count(*) FILTER (WHERE t.kind = 'verify' AND t.state = 'done') || ',' ||
                   count(*) FILTER (WHERE t.kind = 'check' AND t.state = 'done') || ',' ||
                   count(*) FILTER (WHERE t.state = 'open')
            FROM task t JOIN cases c ON c.id = t.case_id WHERE c.case_no IN ($list)")" = "90,90,0"

sleep 1
steps=$(sql "SELECT count(*) FROM case_log l JOIN cases c ON c.id = l.case_id WHERE c.case_no IN ($list)")
seen=$(grep -c '"event": *"step"' "$tmp/watch.jsonl")
missing=0
for id in $(sql "SELECT l.id FROM case_log l JOIN cases c ON c.id = l.case_id WHERE c.case_no IN ($list)"); do
	grep -q "\"event\": *\"step\".*\"id\": *$id[,}]" "$tmp/watch.jsonl" ||
	    grep -q "\"id\": *$id,.*\"event\": *\"step\"" "$tmp/watch.jsonl" ||
	    missing=$((missing + 1))
done
echo "# $steps steps in the log, $seen step events seen by the watcher, $missing missing"
check "the watcher saw every one of the $steps steps" test "$missing" -eq 0 -a "$steps" -gt 900
echo "1..$n"
