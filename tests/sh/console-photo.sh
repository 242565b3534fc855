# Photos in the detail pane, as the supervisor sees them: a case fed
# back with two photos (a real PNG, and a file that starts like a JPEG
# but is not one) and checked with a third (a JPEG) is opened in the
# supervisor's console
# in a terminal with 8 colours (TERM=screen) and in one without colours
# (TERM=vt100), 130 lines tall so that the whole pane shows.  The real
# photos are drawn with block symbols: in colour
# in the first, as shapes alone in the second; the broken one is listed
# by its hash with the reason it cannot be shown.
# Run by tests/run from the repo top, with the check cluster running.
. tests/sh/tap.env
need_root
command -v tmux >/dev/null || { echo "1..0 # SKIP no tmux"; exit 0; }
. tests/sh/daemon.env
db=schema/citygrid-db
tm="tmux -u -L citygrid-photo-$$"
sess=colour
. tests/sh/console.env
cleanup() { $tm kill-server 2>/dev/null; cg_stop; }
trap cleanup EXIT
mkdir -p "$cg_run/keymaps"
cp keymaps/supervise.ini "$cg_run/keymaps/"
cp tests/data/manhole.png "$cg_run/a.png"
cp tests/data/manhole.jpg "$cg_run/c.jpg"
{ printf '\377\330\377\340'; head -c 2000 /dev/zero; } >"$cg_run/broken.jpg"
chmod -R a+rX "$cg_run"
sha() { sha256sum "$1" | cut -c1-64; }
a=$(sha "$cg_run/a.png") b=$(sha "$cg_run/broken.jpg") c=$(sha "$cg_run/c.jpg")

C=$(as seat1 --json case new --kind event --class 0102 --source hotline \
    --description 照片测试垃圾 --lon 116.417 --lat 39.935 |
    sed -n 's/.*"case_no": "\([^"]*\)".*/\1/p')
as super1 case file "$C" >/dev/null && as disp1 case dispatch "$C" --department HWZX >/dev/null &&
    as huanwei1 case accept "$C" >/dev/null &&
    as huanwei1 case feedback "$C" --reason 已清运 --attachments "$cg_run/a.png,$cg_run/broken.jpg" >/dev/null &&
    as seat1 case check "$C" >/dev/null &&
    as seat1 case checked "$C" --result passed --photos "$cg_run/c.jpg" >/dev/null
st=$($db psql -At -c "SELECT state FROM cases WHERE case_no = '$C'")
if [ "$st" = checked ]; then ok "a case with three photos, checked: $C"; else nok "a case with three photos ($C: $st)"; fi

console() {	# SESSION TERM
	$tm new-session -d -s "$1" -x 100 -y 130 \
	    "runuser -u super1 -- env CITYGRID_KEYMAPS=$cg_run/keymaps TERM=$2 $cg_run/citygrid -S $cg_socket supervise; sleep 60"
}
# open SESSION: select the case in the supervisor's list and open its pane.
open_case() {
	sess=$1
	on_screen "$C" 3 || return 1
	$tm send-keys -t "$sess" g
	k=0
	while screen; ! grep -q "^>.*$C" "$cg_run/screen"; do
		k=$((k + 1)); [ $k -gt 50 ] && return 1
		$tm send-keys -t "$sess" j
		sleep 0.1
	done
	$tm send-keys -t "$sess" Enter
	on_screen "案卷 $C" 2
}
# rows SHA: the 10 lines under the photo's line.
rows() {
	awk -v h="照片 $(echo "$1" | cut -c1-16)…  " 'f && c++ < 10 { print } index($0, h) { f = 1 }' \
	    "$cg_run/screen"
}
blocks() { rows "$1" | grep -oP '[\x{2580}-\x{259F}\x{2800}-\x{28FF}]' | wc -l; }

for term in screen vt100; do
	console "$term" "$term"
	if open_case "$term"; then ok "$term: the case's pane is open"; else nok "$term: the case's pane: $(sed 's/^/# /' "$cg_run/screen")"; fi
	shows "$term: the feedback's PNG is named with its size" "照片 $(echo "$a" | cut -c1-16)…  image/png, 2 KB, 160x120"
	shows "$term: the check's JPEG too, under the task" "照片 $(echo "$c" | cut -c1-16)…  image/jpeg, 4 KB, 160x120"
	shows "$term: the broken one is listed by its hash" "照片 $b\$"
	shows "$term: with why below" "^ +无法显示: 无法解码: "

	screen
	n1=$(blocks "$a") n2=$(blocks "$c")
	if [ "$n1" -ge 10 ] && [ "$n2" -ge 10 ]; then ok "$term: both photos drawn ($n1, $n2 symbols)"; else nok "$term: both photos drawn ($n1, $n2 symbols): $(sed 's/^/# /' "$cg_run/screen")"; fi
	$tm capture-pane -e -p -t "$term" >"$cg_run/screen-e"
	colours=$(grep -o '\[[0-9;]*m' "$cg_run/screen-e" | grep -oE '(^|;|\[)4[0-7](;|m)' | sort -u | wc -l)
	if [ "$term" = screen ]; then
		if [ "$colours" -ge 3 ]; then ok "screen: in colour ($colours background colours)"; else nok "screen: in colour ($colours)"; fi
	else
		if [ "$colours" = 0 ]; then ok "vt100: no colours, the shapes alone"; else nok "vt100: no colours ($colours)"; fi
	fi
done
echo "1..$n"
