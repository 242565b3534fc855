# citygrid(1) end to end: one hotline case through its whole life, each
# step by the operator whose role it is; wrong roles, departments and
# users refused without a change; usage errors, exit statuses, --json,
# watch, the calendar, operators and departments; the man page's
# commands the same as the command table.
# Run by tests/run from the repo top, with the check cluster running.
. tests/sh/tap.env

need_root
. tests/sh/daemon.env
trap cg_stop EXIT
tmp=$cg_run
cg=$cg_run/citygrid
db=schema/citygrid-db

# run CMD...: its exit status in $rc, its output in $tmp/out and $tmp/err.
run() { "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?; }
# status NAME WANT CMD...: the command exits WANT.
status() {
	name=$1 want=$2
	shift 2
	run "$@"
	if [ "$rc" -eq "$want" ]; then ok "$name"; else nok "$name (exit $rc, want $want: $(head -c 300 "$tmp/err"))"; fi
}
# jget JSON PATH: a field of a JSON text, read by PostgreSQL; fails if
# the text is not JSON.  PATH is a jsonb path: log,0,action.
jget() { echo "SELECT (:'j'::jsonb) #>> '{$2}'" | $db psql -At -v ON_ERROR_STOP=1 -v j="$1"; }
# is NAME GOT WANT: nothing got is never right.
is() {
	if [ -n "$2" ] && [ "$2" = "$3" ]; then ok "$1"; else nok "$1 (got '$2', want '$3')"; fi
}
# Wait up to 5 s for a line in a file.
wait_for() { i=0; until grep -q -- "$2" "$1"; do i=$((i + 1)); [ $i -gt 50 ] && return 1; sleep 0.1; done; }

# The man page's command list is generated from the command table.
sed -n '/^\.\\" BEGIN COMMANDS/,/^\.\\" END COMMANDS/p' man/citygrid.1 | grep -v '^\.\\"' >"$tmp/man.cmds"
"$cg" help --mdoc >"$tmp/table.cmds"
check "the commands in citygrid.1 are those of the table (citygrid help --mdoc)" cmp "$tmp/man.cmds" "$tmp/table.cmds"
check "the man page lints clean" sh -c "! command -v mandoc || [ -z \"\$(mandoc -Tlint -Wwarning man/citygrid.1)\" ]"
for w in "case new" "case merge" "task list" watch "operator role" "calendar deadline" ping; do
	check "citygrid --help lists $w" sh -c "'$cg' --help | grep -q '^  $w '"
done

# Usage errors: 64, with a message, before anything is sent.
status "no command is a usage error" 64 "$cg"
status "an unknown command is a usage error" 64 "$cg" frobnicate
status "a noun without a verb is a usage error" 64 "$cg" case
status "an unknown verb is a usage error" 64 "$cg" case frobnicate
status "a missing case number is a usage error" 64 "$cg" -S /nonexistent case dispatch
check "it says what is missing" grep -q '缺少 CASE' "$tmp/err"
status "an unknown option is a usage error" 64 "$cg" -S /nonexistent case dispatch E1 --no-such 1
check "it names the option" grep -q '未知选项 --no-such' "$tmp/err"
check "it prints the usage" grep -q '^usage: citygrid case dispatch CASE' "$tmp/err"
status "a missing required option is a usage error" 64 "$cg" -S /nonexistent case verified E1
check "it names the option" grep -q '缺少选项 --result' "$tmp/err"
status "a value outside the choices is a usage error" 64 "$cg" -S /nonexistent case verified E1 --result maybe
status "a number that is not one is a usage error" 64 "$cg" -S /nonexistent case list --limit ten
status "an extra argument is a usage error" 64 "$cg" -S /nonexistent case show E1 E2
status "an option without its value is a usage error" 64 "$cg" -S /nonexistent case reject E1 --reason
status "case dispatch --help exits 0" 0 "$cg" case dispatch --help
check "and shows the options" grep -q -- '--department CODE' "$tmp/out"
status "citygrid help case exits 0" 0 "$cg" help case
check "and shows every verb" sh -c "[ \$(grep -c '^usage: citygrid case ' '$tmp/out') -eq 24 ]"

# Connections.
status "no daemon: exit 69" 69 "$cg" -S "$tmp/no-such.sock" ping
check "it says the daemon is not running" grep -q 'citygridd 没有运行' "$tmp/err"
status "CITYGRID_SOCKET names the socket" 0 env CITYGRID_SOCKET="$cg_socket" "$cg" ping
status "an unknown Unix user is refused: exit 77" 77 runuser -u nobody -- "$cg" -S "$cg_socket" ping
check "the refusal names the user" grep -q 'nobody 不是 citygrid 操作员' "$tmp/err"
status "ping as seat1" 0 as seat1 ping
check "ping names the operator" grep -q '王秀英 (seat1)' "$tmp/out"

# A watcher for the whole run, as JSON lines, and one for people.
"$cg" -S "$cg_socket" --json watch >"$tmp/watch.json" 2>"$tmp/watch.err" &
wjson=$!
"$cg" -S "$cg_socket" watch --scope role --value dispatcher >"$tmp/watch.txt" 2>"$tmp/watch.err2" &
wtext=$!
sleep 0.5

# A hotline report, by a seat.
status "seat1 registers a hotline case" 0 as seat1 --json case new --kind event --class 0102 \
    --source hotline --description 东四北大街路口有暴露垃圾 --lon 116.417 --lat 39.935 \
    --reporter-name 张先生 --reporter-phone 13800000000
C=$(jget "$(cat "$tmp/out")" case_no)
check "the --json result parses and has a case number" sh -c "echo '$C' | grep -Eq '^E0102[0-9]{12}\$'"
show() { as root --json case show "$C" >"$tmp/show.json"; jget "$(cat "$tmp/show.json")" "$1"; }
is "the case is reported" "$(show state)" reported
is "the log has the report" "$(show log,0,action)" report

status "a supervisor cannot send it for verification: 77" 77 as super1 case verify "$C"
status "seat1 sends it for verification" 0 as seat1 case verify "$C"
check "the step is printed" grep -q "案卷 $C: 核实派发完成, 状态 verifying" "$tmp/out"
status "seat1 records it confirmed" 0 as seat1 case verified "$C" --result confirmed --note 属实
status "--at is sent, and refused without workflow:backdating: 65" 65 as super1 case file "$C" --at 2026-01-01T08:30
check "the refusal names the setting" grep -q 'workflow:backdating' "$tmp/err"
status "super1 files it" 0 as super1 case file "$C"
is "the case is filed" "$(show state)" filed

v=$(show row_version)
status "a seat cannot dispatch: 77" 77 as seat1 case dispatch "$C"
check "the refusal names the role it takes" grep -q '无权派遣, 需要角色: 派遣员' "$tmp/err"
is "the refused dispatch changed nothing (row_version)" "$(show row_version)" "$v"
is "the refused dispatch left the state" "$(show state)" filed
status "a stale --version is a conflict: 75" 75 as disp1 case dispatch "$C" --version $((v - 1))
is "the conflict changed nothing" "$(show row_version)" "$v"

status "disp1 dispatches it to the default department" 0 as disp1 case dispatch "$C" --reason 请当日处置
is "it went to sanitation (the class's default)" "$(show department_name)" 东城区环境卫生服务中心
as root --json dept list >"$tmp/depts.json"
hw=$(echo "SELECT d->>'id' FROM jsonb_array_elements(:'j'::jsonb) d WHERE d->>'code' = 'HWZX'" |
    $db psql -At -v j="$(cat "$tmp/depts.json")")
is "case show --json names the department's id" "$(show department)" "$hw"
is "the handling stage belongs to it" "$(show stages,-1,stage)" handle

v=$(show row_version)
status "another department cannot accept it: 77" 77 as shizheng1 case accept "$C"
is "the refused accept changed nothing" "$(show row_version)" "$v"
status "huanwei1 accepts it" 0 as huanwei1 case accept "$C"
status "feedback without a result is a usage error" 64 as huanwei1 case feedback "$C"
status "huanwei1 reports it handled" 0 as huanwei1 case feedback "$C" --reason 已清运
status "seat1 sends it for checking" 0 as seat1 case check "$C"
status "seat1 records the check passed" 0 as seat1 case checked "$C" --result passed
status "a dispatcher cannot close: 77" 77 as disp1 case close "$C"
status "super1 closes it" 0 as super1 case close "$C"
is "the case is closed" "$(show state)" closed
is "the log has the ten steps" "$(show log,9,action)" close
status "closing again is refused: 65" 65 as super1 case close "$C"
status "an unknown case: 66" 66 as root case show E0102209901010001

# What people read.
status "case show" 0 as root case show "$C"
for s in "状态          已结案" "处置部门      东城区环境卫生服务中心" "^时限" "^任务" "^日志" \
    "刘洋    派遣      待接收  东城区环境卫生服务中心  请当日处置" "陈海燕  处置反馈  待核查"; do
	check "case show prints: $s" grep -q "$s" "$tmp/out"
done
status "case log" 0 as huanwei1 case log "$C"
check "case log has a line a step" sh -c "[ \$(grep -c '^20' '$tmp/out') -eq 10 ]"
status "case list --closed" 0 as root case list --closed
check "case list shows the case and its state" grep -q "^$C  已结案" "$tmp/out"
status "task list" 0 as seat1 task list
check "task list shows its two tasks" sh -c "[ \$(grep -c '$C' '$tmp/out') -eq 2 ]"

# The watchers saw the steps as they came.
check "watch --json saw the dispatch" wait_for "$tmp/watch.json" "\"case_no\":\"$C\",\"at\":[0-9]*,\"actor_name\":\"刘洋\",\"action\":\"dispatch\""
check "watch --json lines parse" jget "$(head -1 "$tmp/watch.json")" event
check "watch prints a readable line" wait_for "$tmp/watch.txt" "步骤 $C 刘洋 派遣: filed -> dispatched"
kill -INT $wjson $wtext
wait $wjson
is "watch ends with 0 on SIGINT" $? 0
wait $wtext

# The working-time calendar.  From Wednesday 2026-09-30 16:00 one
# working day (7.5 h of 08:30-12:00, 13:30-17:30) is 1.5 h that day,
# then 10-01..10-07 are the National Day holidays (schema/data/
# holiday-cn.csv), then 3.5 + 2.5 h on Thursday 10-08: 16:00.
status "calendar deadline" 0 as seat1 calendar deadline 2026-09-30T16:00 1 工作日
check "one working day before National Day ends 2026-10-08 16:00" grep -q '^期限  2026-10-08 16:00$' "$tmp/out"
status "calendar deadline --json" 0 as seat1 --json calendar deadline 2026-09-30T16:00 7.5 work_hour
is "7.5 working hours is the same deadline" "$(jget "$(cat "$tmp/out")" deadline)" "2026-10-08 16:00:00"
status "an unknown unit is the daemon's E_INVALID: 65" 65 as seat1 calendar deadline 2026-09-30T16:00 1 fortnight
status "calendar show" 0 as seat1 calendar show 2026
check "calendar show has the holidays" grep -q '^2026-10-01  放假      国庆节$' "$tmp/out"
check "calendar show has the make-up working days" grep -q '^2026-10-10  调休上班  国庆节$' "$tmp/out"
status "a seat cannot load the calendar: 77" 77 as seat1 calendar load tests/vectors/holiday-cn/2026.json
status "a file that is not there: 66" 66 as root calendar load "$tmp/no-such.json"
status "a year without its notice is refused: 65" 65 as root calendar load tests/vectors/holiday-cn/2027.json
status "root loads 2026 again" 0 as root calendar load tests/vectors/holiday-cn/2026.json
check "it says what it loaded" grep -q '^已载入 2026 年的节假日安排' "$tmp/out"

# Operators and departments (names of this run: the check database may be reused).
ou=clitest$$
status "a seat cannot add operators: 77" 77 as seat1 operator add $ou --name 测试员 --roles seat
status "root adds an operator" 0 as root operator add $ou --name 测试员 --roles seat --department JDZX
status "root gives it two roles" 0 as root operator role $ou --roles seat,supervisor
check "the roles are shown by name" grep -q '^角色  受理员、值班长$' "$tmp/out"
status "operator list" 0 as root operator list
check "operator list shows it" grep -q "^[0-9]* *$ou *测试员" "$tmp/out"
status "root retires it" 0 as root operator del $ou
check "it is no longer active" grep -q '^在用  否$' "$tmp/out"
status "an unknown role is refused: 65" 65 as root operator add x$ou --name x --roles mayor
status "root adds a department" 0 as root dept add CLIT$$ 测试部门$$ --kind unit
status "dept list" 0 as seat1 dept list
check "dept list shows it" grep -q "CLIT$$  *测试部门$$  *权属单位" "$tmp/out"

echo "1..$n"
