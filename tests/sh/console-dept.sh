# citygrid dept end to end, as the department (环卫中心, huanwei1) sees
# it: the console in a detached tmux at 80x24, the screen read with
# capture-pane.  A case dispatched to HWZX with the CLI is listed; in its
# detail pane it is accepted and fed back with typed keys (the database
# shows it handled, the log has accept and feedback, and the pane shows
# both log lines); a case dispatched meanwhile appears with no key
# pressed; at 200x60 more columns show.  zhifa1, of another department,
# does not see HWZX's case.
# Run by tests/run from the repo top, with the check cluster running.
. tests/sh/tap.env
need_root
command -v tmux >/dev/null || { echo "1..0 # SKIP no tmux"; exit 0; }
. tests/sh/daemon.env
db=schema/citygrid-db
tm="tmux -u -L citygrid-dept-$$"
sess=dept
cleanup() { $tm kill-server 2>/dev/null; cg_stop; }
trap cleanup EXIT
mkdir -p "$cg_run/keymaps"
cp keymaps/dept.ini "$cg_run/keymaps/"

screen() { $tm capture-pane -p -t "${2:-$sess}" >"$cg_run/screen"; }
# on_screen PATTERN [SECONDS [SESSION]]: the pattern shows in time (2 s).
on_screen() {
	i=0
	while :; do
		screen "" "${3:-$sess}"
		grep -Eq -- "$1" "$cg_run/screen" && return 0
		i=$((i + 1))
		[ $i -gt $(( ${2:-2} * 20 )) ] && return 1
		sleep 0.05
	done
}
shows() { if on_screen "$2" "${3:-2}"; then ok "$1"; else nok "$1: $(sed 's/^/# /' "$cg_run/screen")"; fi; }
sql() { $db psql -At -c "$1"; }
state() { sql "SELECT state FROM cases WHERE case_no = '$1'"; }
now_ms() { date +%s%3N; }
# dispatched TEXT: a hotline case registered, filed and dispatched to HWZX.
dispatched() {
	c=$(as seat1 --json case new --kind event --class 0102 --source hotline \
	    --description "$1" --lon 116.417 --lat 39.935 |
	    sed -n 's/.*"case_no": "\([^"]*\)".*/\1/p')
	as super1 case file "$c" >/dev/null 2>&1 &&
	    as disp1 case dispatch "$c" --department HWZX >/dev/null 2>&1 && echo "$c"
}
row() { echo "^[> ](急|  ) $1 "; }
# select CASE: move the selection down from the first row to the case.
select_case() {
	$tm send-keys -t "$sess" g
	sleep 0.2
	k=0
	while [ $k -lt 300 ]; do
		screen
		grep -q "^>.*$1" "$cg_run/screen" && return 0
		was=$(grep '^>' "$cg_run/screen")
		$tm send-keys -t "$sess" j
		j=0
		while screen; [ "$(grep '^>' "$cg_run/screen")" = "$was" ]; do
			j=$((j + 1)); [ $j -gt 20 ] && return 1; sleep 0.05
		done
		k=$((k + 1))
	done
	return 1
}
console() {	# SESSION USER COLS ROWS
	$tm new-session -d -s "$1" -x "$3" -y "$4" \
	    "runuser -u $2 -- env CITYGRID_KEYMAPS=$cg_run/keymaps TERM=screen $cg_run/citygrid -S $cg_socket dept; sleep 60"
}

C1=$(dispatched 东四北大街垃圾桶满溢待清运)
if [ "$(state "$C1")" = dispatched ]; then ok "a case dispatched to HWZX: $C1"; else nok "a case dispatched to HWZX ($C1)"; fi

console "$sess" huanwei1 80 24
shows "80x24: the title and the operator" "citygrid 专业部门.*|\\(huanwei1\\).*\\| 已连接"
if select_case "$C1"; then ok "80x24: the dispatched case is listed"; else nok "80x24: the dispatched case is listed: $(sed 's/^/# /' "$cg_run/screen")"; fi
shows "80x24: with its state and class" "$(row "$C1")(待接收|已派遣|[^ ]+) .*暴露垃圾"
if [ "$(wc -L <"$cg_run/screen")" -le 80 ]; then ok "80x24: nothing wider than the screen"; else nok "80x24: a line wider than 80"; fi

# Another department's operator does not see it.
console other zhifa1 80 24
if on_screen "\\(zhifa1\\).*已连接" 3 other; then
	sleep 0.5
	screen "" other
	if grep -q "$C1" "$cg_run/screen"; then nok "zhifa1 does not see HWZX's case"; else ok "zhifa1 does not see HWZX's case"; fi
else
	nok "zhifa1's console connects: $(sed 's/^/# /' "$cg_run/screen")"
fi
if as zhifa1 case list --state dispatched | grep -q "$C1"; then
	nok "nor does zhifa1's case list"
else
	ok "nor does zhifa1's case list"
fi

# The detail pane: Enter opens it on the selected case.
$tm send-keys -t "$sess" Enter
shows "Enter opens the detail pane of the case" "案卷 $C1"
shows "with the place: grid, community and street" "单元网格 +[0-9]{15}"
$tm send-keys -t "$sess" G
shows "G scrolls to the end: the log's 派遣" "  派遣 → "

# Accept from the pane: the pane reads the case again.
t0=$(now_ms)
$tm send-keys -t "$sess" a
shows "a accepts it: the pane's log shows 接收" "  接收 → "
st=$(state "$C1")
if [ "$st" = handling ]; then ok "the case is handling in the database"; else nok "the case is handling in the database ('$st')"; fi

# Feedback: the result text, then the photos.  A file that is not a
# photo stops it with the reason; a real photo is sent first, then drawn
# in the pane under the feedback's log line (chafa, in the 8 colours of
# TERM=screen: block symbols and coloured cells).
cp tests/data/manhole.jpg "$cg_run/after.jpg"
printf 'not a photo\n' >"$cg_run/note.jpg"
chmod 644 "$cg_run/after.jpg" "$cg_run/note.jpg"
sha=$(sha256sum "$cg_run/after.jpg" | cut -c1-64)
feedback() {
	$tm send-keys -t "$sess" f
	shows "f asks for the result${2:+ ($2)}" "处置结果: _"
	$tm send-keys -t "$sess" -l "已清运完毕"
	$tm send-keys -t "$sess" Enter
	shows "then for the photos${2:+ ($2)}" "照片文件.*_"
	$tm send-keys -t "$sess" -l "$1"
	$tm send-keys -t "$sess" Enter
}
feedback "$cg_run/note.jpg" "not a photo"
shows "a file that is not a photo: the feedback is not sent, and why" "处置反馈未发出: .*不是照片"
st=$(state "$C1")
if [ "$st" = handling ]; then ok "the case is still handling"; else nok "the case is still handling ('$st')"; fi
feedback "$cg_run/after.jpg"
shows "the feedback is sent: the pane's log shows 处置反馈" "  处置反馈 → "
shows "with the result text" "已清运完毕"
st=$(state "$C1")
if [ "$st" = handled ]; then ok "the case is handled in the database"; else nok "the case is handled in the database ('$st')"; fi
log=$(sql "SELECT string_agg(l.action, ',' ORDER BY l.id) FROM case_log l JOIN cases c ON c.id = l.case_id WHERE c.case_no = '$C1'")
case $log in
*accept,feedback) ok "the log has accept then feedback: $log" ;;
*) nok "the log has accept then feedback: $log" ;;
esac
row=$(sql "SELECT l.reason || ' ' || array_to_string(l.attachments, ',') FROM case_log l JOIN cases c ON c.id = l.case_id WHERE c.case_no = '$C1' AND l.action = 'feedback'")
if [ "$row" = "已清运完毕 $sha" ]; then ok "the feedback's text, and the photo attached by its hash"; else nok "the feedback's text and photo: $row"; fi
if [ "$(sql "SELECT bytes FROM media WHERE sha256 = '$sha'")" = "$(wc -c <"$cg_run/after.jpg")" ]; then ok "the photo is in the store"; else nok "the photo is in the store"; fi
$tm send-keys -t "$sess" G
shows "the pane names the photo: type, size, pixels" "照片 $(echo "$sha" | cut -c1-16)…  image/jpeg, 4 KB, 160x120"
# The rows under it: block symbols, several colours.
screen
awk -v h="照片 $(echo "$sha" | cut -c1-16)" 'f && c++ < 10 { print } index($0, h) { f = 1 }' \
    "$cg_run/screen" >"$cg_run/photo"
blocks=$(grep -oP '[\x{2580}-\x{259F}]' "$cg_run/photo" | wc -l)
rows=$(wc -l <"$cg_run/photo")
if [ "$rows" -eq 10 ] && [ "$blocks" -ge 10 ]; then ok "the photo is drawn: $rows rows, $blocks block symbols"; else nok "the photo is drawn: $rows rows, $blocks block symbols: $(sed 's/^/# /' "$cg_run/screen")"; fi
$tm capture-pane -e -p -t "$sess" >"$cg_run/screen-e"
colours=$(grep -o '\[[0-9;]*m' "$cg_run/screen-e" | grep -o '4[0-7]' | sort -u | wc -l)
if [ "$colours" -ge 3 ]; then ok "in colour: $colours background colours"; else nok "in colour: $colours background colours"; fi

# q closes the pane, not the console; the handled case has left the list.
$tm send-keys -t "$sess" q
shows "q closes the pane" "剩余工时"
screen
if grep -Eq "$(row "$C1")" "$cg_run/screen"; then nok "the handled case leaves the list"; else ok "the handled case leaves the list"; fi

# Pushed: no key between the dispatch and the screen.
C2=$(dispatched 钱粮胡同口垃圾散落)
t0=$(now_ms)
if on_screen "$(row "$C2")|新到: $C2" 2; then
	ok "a case dispatched meanwhile arrives, no key pressed ($(( $(now_ms) - t0 )) ms)"
else
	nok "a case dispatched meanwhile arrives: $(sed 's/^/# /' "$cg_run/screen")"
fi

# The first check again at 200x60: the new case listed, more columns.
$tm resize-window -t "$sess" -x 200 -y 60
if select_case "$C2"; then ok "200x60: the pushed case is listed"; else nok "200x60: the pushed case is listed: $(sed 's/^/# /' "$cg_run/screen")"; fi
shows "200x60: with the description column" "问题描述"
shows "200x60: and its text" "$(row "$C2").*钱粮胡同口垃圾散落"
if [ "$(wc -l <"$cg_run/screen")" -ge 59 ]; then ok "200x60: the console fills 60 lines"; else nok "200x60: the console fills 60 lines"; fi

# ? lists the department's actions.
$tm send-keys -t "$sess" '?'
shows "? shows the keys of the department's actions" "f +feedback"
$tm send-keys -t "$sess" Escape
sleep 0.3

$tm send-keys -t "$sess" q
sleep 0.3
screen
if grep -q 'citygrid 专业部门' "$cg_run/screen"; then nok "q quits"; else ok "q quits"; fi
echo "1..$n"
