# citygrid supervise end to end, as the shift supervisor sees it: the
# console runs in a detached tmux at 80x24 as super1.  A case reported
# by seat1 with the CLI is in the list; f files it (in the database, and
# the feed shows the step); a case reported meanwhile shows in the feed
# within a second with no key pressed (pushed, not polled); m shows the
# braille map; at 200x60 the list, the feed and the map are side by side.
# Run by tests/run from the repo top, with the check cluster running.
. tests/sh/tap.env
need_root
command -v tmux >/dev/null || { echo "1..0 # SKIP no tmux"; exit 0; }
. tests/sh/daemon.env
db=schema/citygrid-db
tm="tmux -u -L citygrid-supervise-$$"
sess=supervise
cleanup() { $tm kill-server 2>/dev/null; cg_stop; }
trap cleanup EXIT
mkdir -p "$cg_run/keymaps"
cp keymaps/supervise.ini "$cg_run/keymaps/"

screen() { $tm capture-pane -p -t "$sess" >"$cg_run/screen"; }
# on_screen PATTERN [SECONDS]: the pattern shows within the time (2 s).
# Braille with at least one dot raised (U+2801..U+28FF).
braille='[\x{2801}-\x{28ff}]'
on_screen() {
	i=0
	while :; do
		screen
		grep -Pq -- "$1" "$cg_run/screen" && return 0
		i=$((i + 1))
		[ $i -gt $(( ${2:-2} * 20 )) ] && return 1
		sleep 0.05
	done
}
shows() { if on_screen "$2" "${3:-2}"; then ok "$1"; else nok "$1: $(sed 's/^/# /' "$cg_run/screen")"; fi; }
state() { $db psql -At -c "SELECT state FROM cases WHERE case_no = '$1'"; }
now_ms() { date +%s%3N; }
# report CLASS TEXT: an urgent hotline case registered by seat1; its number.
report() {
	as seat1 --json case new --kind event --class "$1" --source hotline \
	    --urgent --description "$2" --lon 116.417 --lat 39.935 |
	    sed -n 's/.*"case_no": "\([^"]*\)".*/\1/p'
}
row() { echo "^[> ](急|  ) $1 "; }

C1=$(report 0102 东四北大街路口有暴露垃圾)
if [ "$(state "$C1")" = reported ]; then ok "a reported case: $C1"; else nok "a reported case ($C1)"; fi

$tm new-session -d -s "$sess" -x 80 -y 24 \
    "runuser -u super1 -- env CITYGRID_KEYMAPS=$cg_run/keymaps TERM=screen $cg_run/citygrid -S $cg_socket supervise; sleep 60"
shows "80x24: the title and the operator are on the screen" "citygrid 监督指挥.*|张建国 \\(super1\\) 值班长 \\| 已连接"
shows "80x24: the reported case is in the list" "$(row "$C1").*待受理 +暴露垃圾"
shows "80x24: the counts by state" "^超时 [0-9]+ 预警 [0-9]+ \\| 待办 [0-9]+ \\|.*待受理 [0-9]+"
shows "80x24: the feed's pane" "步骤动态"
if [ "$(wc -L <"$cg_run/screen")" -le 80 ]; then ok "80x24: nothing wider than the screen"; else nok "80x24: a line wider than 80"; fi

# select CASE: urgent cases of this run sort by deadline, and other
# tests' cases may be open too, so look for it.
select_case() {
	i=0
	$tm send-keys -t "$sess" g
	while on_screen "^[> ]" >/dev/null; ! grep -Eq "^>(急|  ) $1 " "$cg_run/screen" && [ $i -lt 200 ]; do
		$tm send-keys -t "$sess" j; i=$((i + 1)); sleep 0.02
	done
	grep -Eq "^>(急|  ) $1 " "$cg_run/screen"
}
if select_case "$C1"; then ok "the case is selected"; else nok "the case is selected: $(sed 's/^/# /' "$cg_run/screen")"; fi
t0=$(now_ms)
$tm send-keys -t "$sess" f
shows "f files it: the screen says so" "$C1 立案完"
i=0; while [ "$(state "$C1")" != filed ] && [ $i -lt 20 ]; do i=$((i + 1)); sleep 0.1; done
st=$(state "$C1")
if [ "$st" = filed ]; then ok "the case is filed in the database ($(( $(now_ms) - t0 )) ms)"; else nok "the case is filed in the database (state '$st')"; fi
shows "the feed shows the step: who, what, which case, from and to" "张建国 立案 $C1 待受理→待派遣"

# Pushed: no key between the registration and the screen.
C2=$(report 0101 钱粮胡同有私搭乱建)
t0=$(now_ms)
if on_screen "王秀英 上报 $C2 -→待受理" 1; then
	ok "a case reported meanwhile is in the feed within 1 s, no key pressed ($(( $(now_ms) - t0 )) ms)"
else
	nok "a case reported meanwhile is in the feed within 1 s: $(sed 's/^/# /' "$cg_run/screen")"
fi
shows "and in the list" "$(row "$C2")"

# Reject asks for a reason; Escape gives it up.
select_case "$C2" || nok "C2 is selected: $(sed 's/^/# /' "$cg_run/screen")"
$tm send-keys -t "$sess" x
shows "x asks for the reason on the bottom line" "理由: _"
$tm send-keys -t "$sess" Escape
shows "Escape gives it up" "不予立案已取消"

# The map, on its own screen at 80x24.
$tm send-keys -t "$sess" m
shows "m shows the map in braille" "$braille"
shows "with the busiest grids under it" "案卷多的网格"
$tm send-keys -t "$sess" + + l k
sleep 0.3
screen
if grep -Pq "$braille" "$cg_run/screen"; then ok "zoomed and panned, still a map"; else nok "zoomed and panned, still a map"; fi
$tm send-keys -t "$sess" - - h j m
shows "m again: back to the list" "步骤动态"

# 200x60: the list, the feed and the map side by side.
$tm resize-window -t "$sess" -x 200 -y 60
shows "200x60: the new case is in the list" "$(row "$C2").*私搭乱建"
shows "200x60: the feed beside it shows the filing" "│.*张建国 立案 $C1 待受理→待派遣"
shows "200x60: the map pane beside them" "│─ 地图 ─"
if grep -Pq "│.*│.*$braille" "$cg_run/screen"; then ok "200x60: braille right of both panes"; else nok "200x60: braille right of both panes: $(sed 's/^/# /' "$cg_run/screen")"; fi
if [ "$(wc -l <"$cg_run/screen")" -ge 59 ]; then ok "200x60: the console fills 60 lines"; else nok "200x60: the console fills 60 lines"; fi

$tm send-keys -t "$sess" q
sleep 0.3
screen
if grep -q 'citygrid 监督指挥' "$cg_run/screen"; then nok "q quits"; else ok "q quits"; fi
echo "1..$n"
