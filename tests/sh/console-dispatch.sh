# citygrid dispatch end to end, as the dispatcher sees it: the console
# runs in a detached tmux at 80x24, the screen is read with
# capture-pane.  A filed case is on the screen with its Chinese class
# name; a case filed meanwhile appears within a second with no key
# pressed (pushed, not polled); the dispatch key dispatches the selected
# case (in the database and on the screen); ? shows the bindings; a
# resize to 200x60 shows more columns; a lost daemon shows the banner and
# the console connects again by itself.
# Run by tests/run from the repo top, with the check cluster running.
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }

[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root to act as several users"; exit 0; }
command -v tmux >/dev/null || { echo "1..0 # SKIP no tmux"; exit 0; }
. tests/sh/daemon.env
db=schema/citygrid-db
tm="tmux -u -L citygrid-console-$$"
sess=dispatch
. tests/sh/console.env
cleanup() { $tm kill-server 2>/dev/null; cg_stop; }
trap cleanup EXIT
# The user cannot enter the checkout; the default keys go with the client.
mkdir -p "$cg_run/keymaps"
cp keymaps/dispatch.ini "$cg_run/keymaps/"

state() { $db psql -At -c "SELECT state FROM cases WHERE case_no = '$1'"; }
now_ms() { date +%s%3N; }
# file_case CLASS TEXT: a hotline case, registered by seat1 and filed by
# super1; its number on stdout.
file_case() {
	c=$(as seat1 --json case new --kind event --class "$1" --source hotline \
	    --urgent --description "$2" --lon 116.417 --lat 39.935 |
	    sed -n 's/.*"case_no": "\([^"]*\)".*/\1/p')
	as super1 case file "$c" >/dev/null 2>&1 && echo "$c"
}
# A list row: the gutter, the urgent mark, the number.
row() { echo "^[> ](急|  ) $1 "; }

C1=$(file_case 0102 东四北大街路口有暴露垃圾)
if [ "$(state "$C1")" = filed ]; then ok "a filed case to dispatch: $C1"; else nok "a filed case to dispatch ($C1)"; fi

$tm new-session -d -s "$sess" -x 80 -y 24 \
    "runuser -u disp1 -- env CITYGRID_KEYMAPS=$cg_run/keymaps TERM=screen $cg_run/citygrid -S $cg_socket dispatch; sleep 60"
shows "80x24: the title and the operator are on the screen" "citygrid 派遣.*|刘洋 \\(disp1\\) 派遣员 \\| 已连接"
shows "80x24: the filed case is in the list" "$(row "$C1")"
shows "80x24: with its class name 暴露垃圾" "$(row "$C1").*暴露垃圾"
if grep -q '地址' "$cg_run/screen"; then nok "80x24: no address column"; else ok "80x24: no address column"; fi
if [ "$(wc -L <"$cg_run/screen")" -le 80 ]; then ok "80x24: nothing wider than the screen"; else nok "80x24: a line wider than 80"; fi

# Pushed: no key is pressed between the filing and the screen.
C2=$(file_case 0101 钱粮胡同有私搭乱建)
t0=$(now_ms)
if on_screen "$(row "$C2").*私搭乱建" 1; then
	ok "a case filed meanwhile appears within 1 s, no key pressed ($(( $(now_ms) - t0 )) ms)"
else
	nok "a case filed meanwhile appears within 1 s: $(sed 's/^/# /' "$cg_run/screen")"
fi

# The dispatch key, on the first row.
$tm send-keys -t "$sess" g
on_screen '^>' >/dev/null
sel=$(grep '^>' "$cg_run/screen" | grep -Eo '[CE][0-9]{16}' | head -1)
if [ -n "$sel" ]; then ok "a case is selected: $sel"; else nok "a case is selected"; fi
t0=$(now_ms)
$tm send-keys -t "$sess" d
if on_screen "$sel 派遣完成"; then
	ok "d dispatches it: the screen says so ($(( $(now_ms) - t0 )) ms from the key)"
else
	nok "d dispatches it: the screen says so: $(sed 's/^/# /' "$cg_run/screen")"
fi
if gone "$(row "$sel")"; then ok "the dispatched case leaves the list"; else nok "the dispatched case leaves the list"; fi
st=$(state "$sel")
if [ "$st" = dispatched ]; then ok "the case is dispatched in the database"; else nok "the case is dispatched in the database (state '$st')"; fi
dept=$($db psql -At -c "SELECT d.name FROM cases c JOIN department d ON d.id = c.department WHERE c.case_no = '$sel'")
if [ -n "$dept" ]; then ok "to the default department: $dept"; else nok "to the default department"; fi
other=$C1
[ "$sel" = "$C1" ] && other=$C2
shows "the other case stays" "$(row "$other")"

# ? lists the bindings by action name; any key closes it.
$tm send-keys -t "$sess" '?'
shows "? shows the keys of every action" "d +dispatch"
shows "and deny with its key" "x +deny"
$tm send-keys -t "$sess" Escape
if gone "d +dispatch"; then ok "any key closes the help"; else nok "any key closes the help"; fi

# Deny asks for a reason; Escape gives it up and nothing is sent.
$tm send-keys -t "$sess" x
shows "x asks for the reason on the bottom line" "理由: _"
$tm send-keys -t "$sess" Escape
shows "Escape gives it up" "驳回已取消"

# A bigger screen shows more: the first check again at 200x60.
$tm resize-window -t "$sess" -x 200 -y 60
shows "200x60: the case and its class name are on the screen" "$(row "$other").*(暴露垃圾|私搭乱建)"
shows "200x60: with the address column" "地址"
if [ "$(wc -l <"$cg_run/screen")" -ge 59 ]; then ok "200x60: the console fills 60 lines"; else nok "200x60: the console fills 60 lines"; fi

# The daemon goes away and comes back.
kill $cg_pid; wait $cg_pid 2>/dev/null
shows "a lost daemon shows the banner" "与 citygridd 的连接已断开"
daemon/citygridd -d -f "$cg_conf" >>"$cg_log" 2>&1 &
cg_pid=$!
shows "the console connects again by itself" "\\| 已连接" 10
if gone "连接已断开"; then ok "and the banner goes"; else nok "and the banner goes"; fi
C3=$(file_case 0102 东直门内大街有暴露垃圾)
shows "pushes come again after the reconnection" "$(row "$C3")"

$tm send-keys -t "$sess" q
sleep 0.3
screen
if grep -q 'citygrid 派遣' "$cg_run/screen"; then nok "q quits"; else ok "q quits"; fi
echo "1..$n"
