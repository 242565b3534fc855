# Every command that is not a workflow step, tried by every role: the
# roles the daemon's table allows succeed, the others are refused with
# exit 77 and leave the database as it was.  (Workflow steps: workflow.sh.)
. tests/sh/tap.env
need_root

. tests/sh/daemon.env
trap cg_stop EXIT
db=schema/citygrid-db
# A fingerprint of what the commands below can change.
state() {
	$db psql -At -c "SELECT (SELECT count(*) FROM operator WHERE active) || '/' ||
	    (SELECT count(*) FROM department) || '/' || (SELECT count(*) FROM cases) || '/' ||
	    (SELECT string_agg(roles::text, ',' ORDER BY id) FROM operator) || '/' ||
	    (SELECT max(loaded_at) FROM calendar_year)"
}
users="seat1 super1 disp1 huanwei1 admin1"
grid=$($db psql -At -c "SELECT code FROM grid ORDER BY code DESC LIMIT 1")
$db psql -q -c "INSERT INTO operator (unix_user, name, roles) VALUES ('roles_t$$', '角色测试', '{seat}')"

# command | users allowed | arguments (@ stands for a fresh number)
while IFS='|' read -r cmd allowed args; do
	[ -n "$cmd" ] || continue
	for u in $users; do
		a=$(echo "$args" | sed "s/@/$$/g")
		before=$(state)
		# shellcheck disable=SC2086
		eval "as $u $cmd $a" >/dev/null 2>"$cg_run/err"
		rc=$?
		case " $allowed " in
		*" $u "*)
			if [ $rc -eq 0 ]; then ok "$u may $cmd"; else nok "$u may $cmd: exit $rc $(cat "$cg_run/err")"; fi
			;;
		*)
			if [ $rc -eq 77 ] && [ "$(state)" = "$before" ]; then
				ok "$u may not $cmd (77, nothing changed)"
			else
				nok "$u may not $cmd: exit $rc $(cat "$cg_run/err")"
			fi
			;;
		esac
	done
done <<EOF
operator list|super1 admin1|
operator add|admin1|rt@ --name 新人 --roles seat --department JDZX
operator role|admin1|roles_t$$ --roles seat,supervisor
operator del|admin1|rt@
dept add|admin1|RT@ 测试单位@ --kind unit
dept list|seat1 super1 disp1 huanwei1 admin1|
calendar load|admin1|tests/vectors/holiday-cn/2026.json
calendar show|seat1 super1 disp1 huanwei1 admin1|2026
calendar deadline|seat1 super1 disp1 huanwei1 admin1|2026-09-30T16:00 1 工作日
task list|seat1 super1 admin1|
case new|seat1 super1|--kind event --class 0102 --source hotline --description 角色测试 --grid $grid --client-ref roles-@
case list|seat1 super1 disp1 huanwei1 admin1|
ping|seat1 super1 disp1 huanwei1 admin1|
geo search|seat1 super1 disp1 huanwei1 admin1|东四北大街23号
geo at|seat1 super1 disp1 huanwei1 admin1|116.417 39.935
geo code|seat1 super1 disp1 huanwei1 admin1|110101002001014
class list|seat1 super1 disp1 huanwei1 admin1|--kind event
EOF
echo "1..$n"
