# citygrid seat end to end, as the call-centre seat sees it: the console
# runs as seat1 in a detached tmux at 80x24, the screen is read with
# capture-pane.  A hotline call is registered through the form, keys
# only: the caller, a description, the class found by its pinyin
# initials (blj: 暴露垃圾), the place by an address search (the first
# result for 东四北大街23号); the new case is in the queue and in the
# database with class 0102 and the address's grid.  The verify key sends
# it to verification (state verifying in the database and on the
# screen).  The queue's first screen again at 200x60.
# Run by tests/run from the repo top, with the check cluster running.
. tests/sh/tap.env
need_root
command -v tmux >/dev/null || { echo "1..0 # SKIP no tmux"; exit 0; }
. tests/sh/daemon.env
db=schema/citygrid-db
tm="tmux -u -L citygrid-seat-$$"
sess=seat
wait=3
. tests/sh/console.env
cleanup() { $tm kill-server 2>/dev/null; cg_stop; }
trap cleanup EXIT
mkdir -p "$cg_run/keymaps"
cp keymaps/seat.ini "$cg_run/keymaps/"

keys() { $tm send-keys -t "$sess" "$@"; }
sql() { $db psql -At -c "$1"; }

# The grid of the address, as the daemon's search gives it.
want_grid=$(as seat1 --json geo search 东四北大街23号 | sed -n 's/.*"grid": "\([0-9]*\)".*/\1/p' | head -1)
if [ ${#want_grid} -eq 15 ]; then ok "the address is in grid $want_grid"; else nok "the address has a grid ($want_grid)"; fi

$tm new-session -d -s "$sess" -x 80 -y 24 \
    "runuser -u seat1 -- env CITYGRID_KEYMAPS=$cg_run/keymaps TERM=screen LANG=C.UTF-8 $cg_run/citygrid -S $cg_socket seat; sleep 60"
shows "80x24: the seat's title" "citygrid 受理"
shows "80x24: seat1, connected" "\\(seat1\\) 受理员 \\| 已连接"
shows "80x24: the queue's columns" "案卷号 +状态 +剩余工时 +类别"

keys n
shows "n opens the report form" "新登记 热线来电"
keys -l "王建国"; keys Enter
keys -l "13911112222"; keys Enter
keys -l "东四北大街23号门口垃圾堆放无人清理"; keys Enter
keys -l blj
shows "the class picker finds 暴露垃圾 by blj" "^> 事件 0102 暴露垃圾"
keys Enter
shows "Enter picks the class" "类别 +blj → 事件 0102 暴露垃圾"
keys -l "东四北大街23号"; keys Enter
shows "the address search lists 东四北大街23号" "^> 北京市东城区东四北大街23号 +网格 $want_grid"
keys Enter
shows "Enter picks the place: the grid, community and street" "位置 +东四北大街23号 → 网格 $want_grid .*社区"
keys Enter
shows "the form registers the case" "已登记 [CE][0-9]{16}"
case_no=$(grep -Eo '已登记 [CE][0-9]{16}' "$cg_run/screen" | grep -Eo '[CE][0-9]{16}' | head -1)
row=$(sql "SELECT class_code, kind, grid, source, state, reporter_name, reporter_phone FROM cases WHERE case_no = '$case_no'")
if [ "$row" = "0102|event|$want_grid|hotline|reported|王建国|13911112222" ]; then
	ok "in the database: event 0102, grid $want_grid, hotline, reported, the caller"
else
	nok "in the database: event 0102 in grid $want_grid ('$row')"
fi
shows "the new case is in the queue with its class" "$case_no +待受理.*暴露垃圾"

# Select it and send it to verification.
i=0
until grep -q "^>.*$case_no" "$cg_run/screen" || [ $i -gt 30 ]; do
	keys j; i=$((i + 1)); sleep 0.05; screen
done
keys v
# the message has priority over the right of the status line at 80 columns
shows "v sends it to verification: the screen says so" "$case_no 派核实完成"
st=$(sql "SELECT state FROM cases WHERE case_no = '$case_no'")
if [ "$st" = verifying ]; then ok "the case is verifying in the database"; else nok "the case is verifying in the database ('$st')"; fi
shows "and in the queue (pushed)" "$case_no +核实中"
task=$(sql "SELECT count(*) FROM task t JOIN cases c ON c.id = t.case_id WHERE c.case_no = '$case_no' AND t.kind = 'verify' AND t.state = 'open'")
if [ "$task" = 1 ]; then ok "one verification task is open"; else nok "one verification task is open ('$task')"; fi
if [ "$(wc -L <"$cg_run/screen")" -le 80 ]; then ok "80x24: nothing wider than the screen"; else nok "80x24: a line wider than 80"; fi

# The same first screen, bigger.
$tm resize-window -t "$sess" -x 200 -y 60
shows "200x60: the case in the queue, with its class" "$case_no +核实中.*暴露垃圾"
shows "200x60: with the address and grid columns" "网格 +地址"
if [ "$(wc -l <"$cg_run/screen")" -ge 59 ]; then ok "200x60: the console fills 60 lines"; else nok "200x60: the console fills 60 lines"; fi

keys q
sleep 0.3
screen
if grep -q 'citygrid 受理' "$cg_run/screen"; then nok "q quits"; else ok "q quits"; fi
echo "1..$n"
