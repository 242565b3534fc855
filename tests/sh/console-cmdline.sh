# The : command line of the consoles, in the dispatcher's console at
# 80x24 in a detached tmux, read with capture-pane: a workflow verb alone
# urges a case (in the database), Tab completes a verb, an unknown
# command and a usage error are said on the bottom line without leaving
# the console, and a user's keymap (XDG_CONFIG_HOME) binds urge to U.
# Run by tests/run from the repo top, with the check cluster running.
. tests/sh/tap.env
need_root
command -v tmux >/dev/null || { echo "1..0 # SKIP no tmux"; exit 0; }
. tests/sh/daemon.env
db=schema/citygrid-db
tm="tmux -u -L citygrid-cmdline-$$"
sess=cmdline0
. tests/sh/console.env
cleanup() { $tm kill-server 2>/dev/null; cg_stop; }
trap cleanup EXIT
mkdir -p "$cg_run/keymaps" "$cg_run/xdg-none" "$cg_run/xdg/citygrid"
cp keymaps/dispatch.ini "$cg_run/keymaps/"
printf '[keys]\nurge = U\n' >"$cg_run/xdg/citygrid/dispatch.ini"
chmod -R a+rX "$cg_run"

urges() { $db psql -At -c "SELECT count(*) FROM case_log l JOIN cases c ON c.id = l.case_id
    WHERE c.case_no = '$1' AND l.action = 'urge'"; }
file_case() {
	c=$(as seat1 --json case new --kind event --class "$1" --source hotline \
	    --description "$2" --lon 116.417 --lat 39.935 |
	    sed -n 's/.*"case_no": "\([^"]*\)".*/\1/p')
	as super1 case file "$c" >/dev/null 2>&1 && echo "$c"
}
# console XDG_DIR: the dispatcher's console, with that config directory.
# The new session starts before the old one is killed: a tmux server
# with no session left exits, and a new-session racing it can fail.
console() {
	old=$sess
	sess=cmdline$((${sess#cmdline} + 1))
	$tm new-session -d -s "$sess" -x 80 -y 24 \
	    "runuser -u disp1 -- env CITYGRID_KEYMAPS=$cg_run/keymaps XDG_CONFIG_HOME=$1 TERM=screen $cg_run/citygrid -S $cg_socket dispatch; sleep 60"
	$tm kill-session -t "$old" 2>/dev/null
	on_screen '\| 已连接' 5 >/dev/null
}

C1=$(file_case 0102 东四北大街路口有暴露垃圾)
if [ "$(urges "$C1")" = 0 ]; then ok "a filed case, not urged: $C1"; else nok "a filed case, not urged ($C1)"; fi

console "$cg_run/xdg-none"
shows "the console is up" "citygrid 派遣.*|已连接"
$tm send-keys -t "$sess" :
shows ": opens the command line" "^:_"
$tm send-keys -t "$sess" -l "urge $C1 --reason 请加快"
$tm send-keys -t "$sess" Enter
shows ":urge CASE --reason 请加快 says it is done" "$C1: 督办完成"
if [ "$(urges "$C1")" = 1 ]; then ok "the case is urged in the database"; else nok "the case is urged in the database ($(urges "$C1"))"; fi
reason=$($db psql -At -c "SELECT l.reason FROM case_log l JOIN cases c ON c.id = l.case_id
    WHERE c.case_no = '$C1' AND l.action = 'urge'")
if [ "$reason" = 请加快 ]; then ok "with its reason"; else nok "with its reason ('$reason')"; fi

$tm send-keys -t "$sess" : "case dis" Tab
shows ":case dis<Tab> completes to case dispatch" "^:case dispatch _"
$tm send-keys -t "$sess" C-u "case d" Tab Tab
shows "a second Tab lists the candidates" "^:case d_ .*dispatch deny"
$tm send-keys -t "$sess" Escape
if gone "^:case"; then ok "Escape closes the line"; else nok "Escape closes the line"; fi

$tm send-keys -t "$sess" : frobnicate Enter
shows "an unknown command is an error on the bottom line" "没有命令 frobnicate"
shows "and the console stays" "citygrid 派遣"
$tm send-keys -t "$sess" : "case urge" Enter
shows "a usage error shows the usage" "缺少 CASE.*usage: citygrid case urge CASE"
$tm send-keys -t "$sess" : "urge E0000000000000000" Enter
shows "the daemon's error is on the bottom line" "case urge 未完成: "

# Photo files given to --photos or --attachments go to the store first:
# one that cannot be read stops the command before it is sent; a real
# one is stored even when the daemon then refuses the step (the case is
# not being handled, and a dispatcher may not feed back).
$tm send-keys -t "$sess" :
$tm send-keys -t "$sess" -l "checked $C1 --result passed --photos $cg_run/none.jpg"
$tm send-keys -t "$sess" Enter
shows "a photo file that is not there stops the command" "case checked 未发出: 照片 .*none.jpg 无法打开"
cp tests/data/manhole.png "$cg_run/p.png"
chmod 644 "$cg_run/p.png"
psha=$(sha256sum "$cg_run/p.png" | cut -c1-64)
$db psql -qAt -c "DELETE FROM media WHERE sha256 = '$psha'"
$tm send-keys -t "$sess" :
$tm send-keys -t "$sess" -l "feedback $C1 --reason 完成 --attachments $cg_run/p.png"
$tm send-keys -t "$sess" Enter
shows "a real photo is sent, then the daemon judges the step" "case feedback 未完成: .*(无权|不能处置)"
if [ "$($db psql -At -c "SELECT count(*) FROM media WHERE sha256 = '$psha'")" = 1 ]; then ok "the photo was stored first"; else nok "the photo was stored first"; fi

# The user's keymap binds urge to U; u no longer urges.
C2=$(file_case 0101 钱粮胡同有私搭乱建)
console "$cg_run/xdg"
shows "the console with the user's keymap is up" "$C2"
$tm send-keys -t "$sess" g
on_screen '^>' >/dev/null
sel=$(grep '^>' "$cg_run/screen" | grep -Eo '[CE][0-9]{16}' | head -1)
before=$(urges "$sel")
$tm send-keys -t "$sess" u
shows "u is unbound by the user's file" "按键 u 未绑定"
$tm send-keys -t "$sess" U
shows "U urges the selected case: the screen says so" "$sel 督办完成"
if [ "$(urges "$sel")" = $((before + 1)) ]; then ok "U urged $sel in the database"; else nok "U urged $sel in the database"; fi

$tm send-keys -t "$sess" q
echo "1..$n"
