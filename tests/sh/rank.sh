# rank.departments, today's department ranking: two cases handled on
# time by HWZX (huanwei1) add 2 to its 处置 and 按时处置; a department
# with a case dispatched and nothing handled shows a null rate, not 0;
# a bad day is refused.  Asked with raw frames as super1.  Then in the
# supervise console (tmux, 80x24) r shows the ranking with HWZX at its rate.
# Run by tests/run from the repo top, with the check cluster running.
. tests/sh/tap.env
need_root
command -v jq >/dev/null || { echo "1..0 # SKIP no jq"; exit 0; }
command -v socat >/dev/null || { echo "1..0 # SKIP no socat"; exit 0; }
. tests/sh/daemon.env
tmp=$cg_run
tm="tmux -u -L citygrid-rank-$$"
sess=rank
cleanup() { $tm kill-server 2>/dev/null; cg_stop; }
trap cleanup EXIT
db=schema/citygrid-db
hello='{"id":1,"op":"hello","args":{"proto":1}}'

# rank [ARGS-JSON]: the reply's result (or error), as JSON.
rank() {
	args=${1:-"{}"}
	{ frame "$hello"; frame '{"id":2,"op":"rank.departments","args":'"$args"'}'; sleep 1; } |
	    runuser -u super1 -- socat -t 1 - "UNIX-CONNECT:$cg_socket" 2>/dev/null |
	    tr -d '\000-\010\016-\037' | grep -ao '{"id":2,.*' | head -1
}
field() { jq -r --arg d "$1" '.result[] | select(.department == $d) | .'"$2" 2>/dev/null; }
ok_step() {
	u=$1 a=$2 k=$3
	shift 3
	as "$u" case "$a" "$k" "$@" >"$tmp/out" 2>&1 || echo "# $u $a $k: $(cat "$tmp/out")"
}

grids=$($db psql -At -c "SELECT code FROM grid g WHERE NOT EXISTS (SELECT 1 FROM cases c WHERE c.grid = g.code) ORDER BY md5(code || 'rank') LIMIT 3")
i=0
# dispatched DEPT: a new case reported, verified, filed and dispatched; sets c.
dispatched() {
	i=$((i + 1))
	c=$(as seat1 --json case new --kind event --class 0102 --source hotline \
	    --description "排名测试暴露垃圾 第${i}件" --grid "$(echo "$grids" | sed -n "${i}p")" \
	    --reporter-name 测试 --reporter-phone 13800000000 --client-ref "rank-$$-$i" |
	    sed -n 's/.*"case_no": *"\([^"]*\)".*/\1/p')
	ok_step seat1 verify "$c"
	ok_step seat1 verified "$c" --result confirmed --note 现场确认
	ok_step super1 file "$c"
	ok_step disp1 dispatch "$c" --department "$1"
}

before=$(rank)
h0=$(echo "$before" | field HWZX handled); h0=${h0:-0}
t0=$(echo "$before" | field HWZX on_time); t0=${t0:-0}
for k in 1 2; do
	dispatched HWZX
	ok_step huanwei1 accept "$c"
	ok_step huanwei1 feedback "$c" --reason 已清运完毕
	done_cases="$done_cases $c"
done
state=$($db psql -At -c "SELECT string_agg(state, ',') FROM cases WHERE case_no IN ('$(echo $done_cases | sed "s/ /','/g")')")
if [ "$state" = "handled,handled" ]; then ok "two cases handled by HWZX"; else nok "two cases handled by HWZX ($state)"; fi

as root dept add RANK$$ 排名测试部门$$ --kind unit >/dev/null 2>&1
dispatched RANK$$

after=$(rank)
echo "$after" >"$tmp/after.json"
h1=$(echo "$after" | field HWZX handled)
t1=$(echo "$after" | field HWZX on_time)
rate=$(echo "$after" | field HWZX rate)
if [ "$h1" = $((h0 + 2)) ]; then ok "HWZX: 处置 up by 2 ($h0 -> $h1)"; else nok "HWZX: 处置 up by 2 ($h0 -> '$h1'): $after"; fi
if [ "$t1" = $((t0 + 2)) ]; then ok "HWZX: 按时处置 up by 2"; else nok "HWZX: 按时处置 up by 2 ($t0 -> '$t1')"; fi
# 按时处置率 is 按时处置数 / 应处置数 (处置数 + 超期未处置数), citygrid-evaluation(7).
d1=$(echo "$after" | field HWZX due)
o1=$(echo "$after" | field HWZX overdue)
want=$(echo "$t1 $d1" | awk '{ printf "%.4f", $1 / $2 }')
if [ "$d1" = $((h1 + o1)) ]; then ok "HWZX: 应处置 = 处置 + 超期未处置 ($d1)"; else nok "HWZX: 应处置 = 处置 + 超期未处置 ($d1, $h1, $o1)"; fi
if [ "$(printf '%.4f' "$rate")" = "$want" ]; then ok "HWZX: 按时处置率 $rate = $t1 / $d1"; else nok "HWZX: 按时处置率 $t1 / $d1 (got '$rate')"; fi
if [ "$(echo "$after" | field "RANK$$" handled)" = 0 ] && [ "$(echo "$after" | field "RANK$$" rate)" = null ]; then
	ok "a department with nothing handled: 处置 0, rate null (no data)"
else
	nok "a department with nothing handled: rate null: $after"
fi
if [ "$(echo "$after" | field "RANK$$" due)" = 0 ]; then ok "and nothing due yet"; else nok "and nothing due yet"; fi
last=$(echo "$after" | jq -r '.result[-1].rate')
if [ "$last" = null ]; then ok "no data ranks last"; else nok "no data ranks last: $after"; fi
ranks=$(echo "$after" | jq -r '[.result[].rank] == [range(1; (.result | length) + 1)]')
if [ "$ranks" = true ]; then ok "ranks run 1, 2, ..."; else nok "ranks run 1, 2, ...: $after"; fi
y=$(TZ=Asia/Shanghai date -d yesterday +%F)
old=$(rank '{"day":"'"$y"'"}')
if echo "$old" | jq -e '.ok == true and ([.result[] | select(.department == "RANK'$$'")] | length) == 0' >/dev/null; then
	ok "yesterday: the new department is not ranked"
else
	nok "yesterday: the new department is not ranked: $old"
fi
if rank '{"day":"2026-13-45"}' | grep -q '"E_INVALID"'; then ok "a bad day is refused"; else nok "a bad day is refused"; fi
if rank '{"day":"yesterday"}' | grep -q '"E_INVALID"'; then ok "a day not YYYY-MM-DD is refused"; else nok "a day not YYYY-MM-DD is refused"; fi

# The supervise console: r shows the ranking in place of the steps.
if ! command -v tmux >/dev/null; then
	echo "1..$n"
	exit 0
fi
mkdir -p "$cg_run/keymaps"
cp keymaps/supervise.ini "$cg_run/keymaps/"
screen() { $tm capture-pane -p -t "$sess" >"$cg_run/screen"; }
on_screen() {
	j=0
	while :; do
		screen
		grep -Pq -- "$1" "$cg_run/screen" && return 0
		j=$((j + 1))
		[ $j -gt $(( ${2:-2} * 20 )) ] && return 1
		sleep 0.05
	done
}
shows() { if on_screen "$2" "${3:-2}"; then ok "$1"; else nok "$1: $(sed 's/^/# /' "$cg_run/screen")"; fi; }
name=$(echo "$after" | field HWZX department_name)
$tm new-session -d -s "$sess" -x 80 -y 24 \
    "runuser -u super1 -- env CITYGRID_KEYMAPS=$cg_run/keymaps TERM=screen $cg_run/citygrid -S $cg_socket supervise; sleep 60"
shows "the console is up" "已连接"
shows "the feed's pane first" "步骤动态"
$tm send-keys -t "$sess" r
shows "r: the ranking's pane" "今日部门排名"
pct=$(printf '%.0f' "$(echo "$rate" | awk '{ print $1 * 100 }')")
shows "HWZX's name at its rate ($pct%)" "$name.* $pct% "
shows "the department with no data shows 无数据" "排名测试部门$$.*无数据"
if [ "$(wc -L <"$cg_run/screen")" -le 80 ]; then ok "nothing wider than the screen"; else nok "a line wider than 80"; fi
$tm send-keys -t "$sess" r
shows "r again: back to the steps" "步骤动态"
echo "1..$n"
