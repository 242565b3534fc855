# The closed loop across the four consoles, each in its own tmux session
# at the same time, as the people at them see it:
#   seat1     citygrid seat       registers a hotline call with the form
#                                 (class by pinyin blj → 暴露垃圾, place by
#                                 the address search 东四北大街23号);
#   super1    citygrid supervise  files it;
#   disp1     citygrid dispatch   shows it within a second, no key
#                                 pressed, and dispatches it;
#   huanwei1  citygrid dept       shows it, accepts it, reports the result;
#   seat1                         sends the check (c), records it passed (p);
#   super1                        closes it.
# After each step every console's list, the supervisor's counts and feed
# and the database (state, the log's actions) are checked.  The whole
# loop runs at 80x24, then again at 200x60 with a fresh case.
# Run by tests/run from the repo top, with the check cluster running.
. tests/sh/tap.env
need_root
command -v tmux >/dev/null || { echo "1..0 # SKIP no tmux"; exit 0; }
. tests/sh/daemon.env
db=schema/citygrid-db
tm="tmux -u -L citygrid-loop-$$"
cleanup() {
	for t in 80 200; do tmux -L citygrid-loop-$$-$t kill-server 2>/dev/null; done
	cg_stop
}
trap cleanup EXIT
mkdir -p "$cg_run/keymaps"
cp keymaps/*.ini "$cg_run/keymaps/"

# Sessions are named after the console: seat, supervise, dispatch, dept.
scr() { echo "$cg_run/screen.$1"; }
screen() { $tm capture-pane -p -t "$1" >"$(scr "$1")"; }
# on_screen SESSION PATTERN [SECONDS]: the pattern shows in time (3 s).
on_screen() {
	i=0
	while :; do
		screen "$1"
		grep -Eq -- "$2" "$(scr "$1")" && return 0
		i=$((i + 1))
		[ $i -gt $(( ${3:-3} * 20 )) ] && return 1
		sleep 0.05
	done
}
# gone SESSION PATTERN: the pattern leaves the screen within 3 s.
gone() {
	i=0
	while screen "$1"; grep -Eq -- "$2" "$(scr "$1")"; do
		i=$((i + 1)); [ $i -gt 60 ] && return 1; sleep 0.05
	done
}
dump() { sed 's/^/# /' "$(scr "$1")"; }
shows() { if on_screen "$2" "$3" "${4:-3}"; then ok "$1"; else nok "$1: $(dump "$2")"; fi; }
hides() { if gone "$2" "$3"; then ok "$1"; else nok "$1: $(dump "$2")"; fi; }
keys() { s=$1; shift; $tm send-keys -t "$s" "$@"; }
sql() { $db psql -At -c "$1"; }
state() { sql "SELECT state FROM cases WHERE case_no = '$1'"; }
actions() {
	sql "SELECT string_agg(l.action, ',' ORDER BY l.id) FROM case_log l
	    JOIN cases c ON c.id = l.case_id WHERE c.case_no = '$1'"
}
# in_db NAME CASE STATE LOG: the state (it may lag the screen a little)
# and the log's actions in order.
in_db() {
	i=0
	while [ "$(state "$2")" != "$3" ] && [ $i -lt 20 ]; do i=$((i + 1)); sleep 0.1; done
	st=$(state "$2") lg=$(actions "$2")
	if [ "$st" = "$3" ] && [ "$lg" = "$4" ]; then ok "$1: $st, log $lg"
	else nok "$1: state '$st' (want $3), log '$lg' (want $4)"; fi
}
row() { echo "^[> ](急|  ) $1 "; }
# select_case SESSION CASE: walk from the last row up (a new case sorts
# late), then from the first down, until the case is selected.
# Pushes keep coming while we walk; the selection must still be on the
# case a moment later, so that no step is ever taken on another case.
select_case() {
	for try in 1 2 3; do
		walk "$1" "$2" G k || walk "$1" "$2" g j || return 1
		sleep 0.3
		screen "$1"
		grep -Eq "^>(急|  ) $2 " "$(scr "$1")" && return 0
	done
	return 1
}
walk() {	# SESSION CASE START STEP
	keys "$1" "$3"
	sleep 0.1
	while :; do
		screen "$1"
		grep -Eq "^>(急|  ) $2 " "$(scr "$1")" && return 0
		was=$(grep '^>' "$(scr "$1")")
		keys "$1" "$4"
		j=0
		while screen "$1"; [ "$(grep '^>' "$(scr "$1")")" = "$was" ]; do
			j=$((j + 1)); [ $j -gt 10 ] && return 1	# the end of the list
			sleep 0.02
		done
	done
}
# said NAME SESSION CASE LABEL: the bottom line reports "CASE LABEL完成"
# (at 80 columns too: the right part of the line gives way to it).
said() {
	i=0
	while :; do
		screen "$2"
		m=$(tail -1 "$(scr "$2")" | sed -n "s/^$3 \\([^ ]*\\).*/\\1/p")
		if [ "$m" = "$4完成" ]; then ok "$1"; return; fi
		i=$((i + 1))
		[ $i -gt 60 ] && { nok "$1: $(dump "$2")"; return; }
		sleep 0.05
	done
}
# selects NAME SESSION CASE: the case is selected; false if not, and then
# no step is taken on whatever is selected instead.
selects() { if select_case "$2" "$3"; then ok "$1"; else nok "$1: $(dump "$2")"; return 1; fi; }
# count SESSION LABEL: the supervisor's count of a state: 0 if not shown,
# "cut" if the line is cut before it (80 columns, many states open).
count() {
	screen "$1"
	l=$(grep -m1 '^超时 ' "$(scr "$1")" | sed 's/ *$//')
	c=$(echo "$l" | grep -Eo " $2 [0-9]+" | grep -Eo '[0-9]+$')
	case $c$l in *" |") ;; "") ;; *) [ -z "$c" ] && c=cut ;; esac
	echo "${c:-0}"
}
# counts NAME LABEL STATE: the supervisor's count of a state is the
# database's.
counts() {
	set -- "$1" "$2" "$(sql "SELECT count(*) FROM cases WHERE state = '$3'")"
	i=0
	while [ "$(count supervise "$2")" != "$3" ] && [ $i -lt 40 ]; do i=$((i + 1)); sleep 0.05; done
	got=$(count supervise "$2")
	if [ "$got" = "$3" ]; then ok "$1: $2 $got"
	elif [ "$got" = cut ] || [ "$3" = cut ]; then ok "$1 # SKIP the counts line is cut before $2"
	else nok "$1: $2 $got, want $3: $(dump supervise)"; fi
}
fits() {	# COLS: no line of any console wider than the screen
	for s in seat supervise dispatch dept; do
		screen $s
		if [ "$(wc -L <"$(scr $s)")" -gt "$1" ]; then nok "$s: a line wider than $1: $(dump $s)"; return; fi
	done
	ok "no console writes a line wider than $1"
}
now_ms() { date +%s%3N; }
console() {	# SESSION USER COLS ROWS
	$tm new-session -d -s "$1" -x "$3" -y "$4" \
	    "runuser -u $2 -- env CITYGRID_KEYMAPS=$cg_run/keymaps TERM=screen LANG=C.UTF-8 $cg_run/citygrid -S $cg_socket $1; sleep 60"
}

want_grid=$(as seat1 --json geo search 东四北大街23号 | sed -n 's/.*"grid": "\([0-9]*\)".*/\1/p' | head -1)
if [ ${#want_grid} -eq 15 ]; then ok "the address is in grid $want_grid"; else nok "the address has a grid ($want_grid)"; fi
hwzx=$(sql "SELECT department FROM operator WHERE unix_user = 'huanwei1'")

# loop COLS ROWS: the whole loop on four fresh consoles of that size.
loop() {
	W=$1 H=$2 at="${1}x$2"
	# A tmux server of its own: the last loop's may still be going away.
	tm="tmux -u -L citygrid-loop-$$-$W"
	console seat seat1 "$W" "$H"
	console supervise super1 "$W" "$H"
	console dispatch disp1 "$W" "$H"
	console dept huanwei1 "$W" "$H"
	shows "$at: the seat is connected" seat "\\(seat1\\) 受理员 \\| 已连接"
	shows "$at: the supervisor is connected" supervise "\\(super1\\) 值班长 \\| 已连接"
	shows "$at: the dispatcher is connected" dispatch "\\(disp1\\) 派遣员 \\| 已连接"
	shows "$at: the department is connected" dept "\\(huanwei1\\).*\\| 已连接"
	# 1. The seat registers the call through the form.
	keys seat n
	shows "$at: n opens the report form" seat "新登记 热线来电"
	keys seat -l "王建国"; keys seat Enter
	keys seat -l "1391111$W"; keys seat Enter
	keys seat -l "东四北大街23号门口垃圾堆放无人清理 $at"; keys seat Enter
	keys seat -l blj
	shows "$at: blj finds 暴露垃圾" seat "^> 事件 0102 暴露垃圾"
	keys seat Enter
	keys seat -l "东四北大街23号"; keys seat Enter
	shows "$at: the address search lists 东四北大街23号" seat "^> 北京市东城区东四北大街23号 +网格 $want_grid"
	keys seat Enter
	shows "$at: the place is picked" seat "位置 +东四北大街23号 → 网格 $want_grid"
	t0=$(now_ms)
	keys seat Enter
	shows "$at: the form registers the case" seat "已登记 [CE][0-9]{16}"
	C=$(grep -Eo '已登记 [CE][0-9]{16}' "$(scr seat)" | grep -Eo '[CE][0-9]{16}' | head -1)
	# A likely duplicate (an earlier run at the same door) waits for m or
	# any other key: leave it.
	if grep -q "已登记 $C; 可能与" "$(scr seat)"; then
		keys seat Escape
		shows "$at: a likely duplicate is left alone" seat "$C 不合并"
	fi
	row=$(sql "SELECT class_code, grid, source, reporter_name FROM cases WHERE case_no = '$C'")
	if [ "$row" = "0102|$want_grid|hotline|王建国" ]; then ok "$at: $C in the database: 0102, grid, hotline, caller"
	else nok "$at: $C in the database: 0102 in grid $want_grid ('$row')"; fi
	in_db "$at: registered" "$C" reported report
	selects "$at: the seat's queue has it" seat "$C" || return
	shows "$at: 待受理" seat "^>(急|  ) $C +待受理"
	shows "$at: the supervisor's feed shows the report, no key pressed" supervise "王秀英 上报 $C -→待受理" 1
	selects "$at: the supervisor's list has it" supervise "$C" || return
	shows "$at: 待受理, 暴露垃圾" supervise "^>(急|  ) $C +待受理 +暴露垃圾"
	counts "$at: the supervisor's count of reported cases goes up" 待受理 reported

	# 2. The supervisor files it.
	selects "$at: the supervisor selects it" supervise "$C" || return
	t0=$(now_ms)
	keys supervise f
	# The dispatcher's screen first: it must follow within a second of the
	# key, with no key pressed there.
	if on_screen dispatch "$(row "$C").*暴露垃圾|新到: $C 待派遣 暴露垃圾" 1; then
		ok "$at: the dispatcher's list shows it within 1 s, no key pressed ($(( $(now_ms) - t0 )) ms)"
	else
		nok "$at: the dispatcher's list shows it within 1 s: $(dump dispatch)"
	fi
	said "$at: f files it" supervise "$C" 立案
	in_db "$at: filed" "$C" filed report,file
	shows "$at: the feed shows the filing" supervise "张建国 立案 $C 待受理→待派遣"
	hides "$at: the supervisor's list loses it" supervise "$(row "$C")"
	counts "$at: the count of reported cases follows" 待受理 reported
	counts "$at: the count of filed cases follows" 待派遣 filed
	hides "$at: the seat's queue loses it" seat "$(row "$C")"

	# 3. The dispatcher (who saw it come) dispatches it.
	selects "$at: the dispatcher selects it" dispatch "$C" || return
	keys dispatch d
	said "$at: d dispatches it" dispatch "$C" 派遣
	in_db "$at: dispatched" "$C" dispatched report,file,dispatch
	dep=$(sql "SELECT department FROM cases WHERE case_no = '$C'")
	if [ "$dep" = "$hwzx" ]; then ok "$at: to huanwei1's department"; else nok "$at: to huanwei1's department ($dep, want $hwzx)"; fi
	hides "$at: the dispatcher's list loses it" dispatch "$(row "$C")"
	shows "$at: the feed shows the dispatch" supervise "刘洋 派遣 $C 待派遣→待接收"
	counts "$at: the count of filed cases follows" 待派遣 filed
	counts "$at: the count of dispatched cases follows" 待接收 dispatched

	# 4. The department sees it (pushed), accepts it, reports the result.
	shows "$at: the department's list shows it, no key pressed" dept "$(row "$C")待接收 .*暴露垃圾|新到: $C 待接收"
	selects "$at: the department selects it" dept "$C" || return
	keys dept a
	said "$at: a accepts it" dept "$C" 接收
	in_db "$at: accepted" "$C" handling report,file,dispatch,accept
	shows "$at: the department's list shows it 处置中" dept "$(row "$C")处置中 "
	shows "$at: the feed shows the acceptance" supervise "陈海燕 接收 $C 待接收→处置中"
	counts "$at: the count of handling cases follows" 处置中 handling
	keys dept f
	shows "$at: f asks for the result" dept "处置结果: _"
	keys dept -l "已清运完毕"; keys dept Enter
	shows "$at: then for the photos" dept "照片文件.*_"
	keys dept Enter
	in_db "$at: handled" "$C" handled report,file,dispatch,accept,feedback
	hides "$at: the department's list loses it" dept "$(row "$C")"
	shows "$at: the feed shows the feedback" supervise "陈海燕 处置反馈 $C 处置中→待核查"
	counts "$at: the count of handling cases follows" 处置中 handling
	counts "$at: the count of handled cases follows" 待核查 handled
	selects "$at: the seat's queue has it again" seat "$C" || return
	shows "$at: 待核查" seat "^>(急|  ) $C +待核查"

	# 5. The seat sends the check and records it passed.
	selects "$at: the seat selects it" seat "$C" || return
	keys seat c
	said "$at: c sends the check" seat "$C" 派核查
	in_db "$at: checking" "$C" checking report,file,dispatch,accept,feedback,check
	shows "$at: the seat's queue shows 核查中" seat "$C +核查中"
	shows "$at: the feed shows the check" supervise "王秀英 核查派发 $C 待核查→核查中"
	selects "$at: still selected" seat "$C" || return
	keys seat p
	said "$at: p records it passed" seat "$C" 核查通过
	in_db "$at: checked" "$C" checked report,file,dispatch,accept,feedback,check,checked
	pass=$(sql "SELECT t.result FROM task t JOIN cases c ON c.id = t.case_id WHERE c.case_no = '$C' AND t.kind = 'check'")
	if [ "$pass" = passed ]; then ok "$at: the check task passed"; else nok "$at: the check task passed ('$pass')"; fi
	hides "$at: the seat's queue loses it" seat "$(row "$C")"
	shows "$at: the feed shows the check's result" supervise "王秀英 核查反馈 $C 核查中→待结案"
	selects "$at: the supervisor's list has it again" supervise "$C" || return
	shows "$at: 待结案" supervise "^>(急|  ) $C +待结案"
	counts "$at: the count of checked cases follows" 待结案 checked
	counts "$at: the count of checking cases follows" 核查中 checking

	# 6. The supervisor closes it.
	selects "$at: the supervisor selects it" supervise "$C" || return
	keys supervise c
	said "$at: c closes it" supervise "$C" 结案
	in_db "$at: closed" "$C" closed report,file,dispatch,accept,feedback,check,checked,close
	shows "$at: the feed shows the closing" supervise "张建国 结案 $C 待结案→已结案"
	hides "$at: the supervisor's list loses it" supervise "$(row "$C")"
	counts "$at: the count of checked cases follows" 待结案 checked
	counts "$at: the count of reported cases follows" 待受理 reported
	for s in seat dispatch dept; do
		screen $s
		if grep -Eq "$(row "$C")" "$(scr $s)"; then nok "$at: $s no longer shows it: $(dump $s)"; else ok "$at: $s no longer shows it"; fi
	done
	fits "$W"
	for s in seat supervise dispatch dept; do keys $s q; done
}

loop 80 24
loop 200 60
echo "1..$n"
