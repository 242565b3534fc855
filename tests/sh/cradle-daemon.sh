# The daemon's side of the cradle without a handheld: the [cradle] keys
# refused with a message naming them; configured pseudo-terminal paths
# (socat pairs) opened with termios at the configured line settings
# when they appear, several at once; noise and frames out of turn
# answered and survived; a path that vanishes closed, and opened again
# when it comes back; the scan of real ports with libserialport; and the
# daemon answering clients throughout.
. tests/sh/tap.env
need_root

tmp=$(mktemp -d /tmp/citygrid-cradle.XXXXXX)

# --- configuration errors: citygridd -n exits 1 and names the key ---
conf_check() {
	printf '[cradle]\n%s\n' "$1" >"$tmp/c.conf"
	daemon/citygridd -n -f "$tmp/c.conf" >"$tmp/c.out" 2>&1
}
bad_conf() {
	name=$1 line=$2 word=$3
	conf_check "$line"
	rc=$?
	if [ $rc -eq 1 ] && grep -q -- "$word" "$tmp/c.out"; then
		ok "refused: $name"
	else
		nok "refused: $name (exit $rc: $(cat "$tmp/c.out"))"
	fi
}
bad_conf "a USB id of 3 hex digits" "match = 1a86:752" "cradle:match: 1a86:752 is not a USB id"
bad_conf "a USB id not in hex" "match = 1a86:zz23" "cradle:match: 1a86:zz23"
bad_conf "a relative port path" "ports = tmp/cradle" "cradle:ports: tmp/cradle is not an absolute path"
bad_conf "a port path twice" "ports = /tmp/a, /tmp/a" "cradle:ports: /tmp/a is listed twice"
bad_conf "a baud rate the driver lacks" "baud = 12345" "cradle:baud: 12345"
bad_conf "a baud rate out of range" "baud = 300" "cradle:baud: 300 is not a number"
bad_conf "an unknown flow control" "flow = hardware" "cradle:flow: hardware is not none or rtscts"
bad_conf "software flow control on binary frames" "flow = xonxoff" "xonxoff would swallow bytes"
bad_conf "a rescan of 0 s" "rescan = 0" "cradle:rescan: 0"
bad_conf "a timeout of 1 s" "timeout = 1" "cradle:timeout: 1"
bad_conf "enabled = 2" "enabled = 2" "cradle:enabled: 2"
bad_conf "an unknown cradle key" "speed = 9600" "unknown key cradle:speed"
conf_check "$(printf 'match = 1a86:7523, ttyACM*\nports = /tmp/x /tmp/y\nbaud = 9600\nflow = rtscts')"
if [ $? -eq 0 ] && grep -q '^match = 1a86:7523, ttyACM\*$' "$tmp/c.out" &&
    grep -q '^baud = 9600$' "$tmp/c.out" && grep -q '^flow = rtscts$' "$tmp/c.out"; then
	ok "a good [cradle] section is printed back by citygridd -n"
else
	nok "a good [cradle] section: $(cat "$tmp/c.out")"
fi

# --- a daemon with two configured pseudo-terminal paths ---
cg_extra_conf="[cradle]
ports = $tmp/cradle-a, $tmp/cradle-b
match = ttyCITYGRIDNONE*
baud = 57600
rescan = 1
timeout = 5"
. tests/sh/daemon.env
socats=
trap 'kill $socats $reader 2>/dev/null; cg_stop; rm -rf "$tmp"' EXIT

# Wait up to 5 s for a log line (a fixed string) to appear n times.
log_count() { grep -cF -- "$1" "$cg_log"; }
pair() {	# pair NAME: a socat pty pair, $tmp/cradle-NAME and $tmp/dev-NAME
	socat pty,raw,echo=0,link="$tmp/cradle-$1" pty,raw,echo=0,link="$tmp/dev-$1" \
	    2>>"$tmp/socat.err" &
	eval "socat_$1=$!"
	socats="$socats $!"
	i=0
	until [ -e "$tmp/dev-$1" ] || [ $i -gt 50 ]; do i=$((i + 1)); sleep 0.1; done
}
alive() { "$cg_run/citygrid" -S "$cg_socket" ping >/dev/null 2>&1; }

check "the daemon starts with cradle paths that do not exist yet" alive
check "it says what it looks for" wait_log "cradle: looking for cradles every 1 s: 1 rules, 2 paths"
# libserialport scans the machine's real ports; the rule takes none.
check "the scan of real ports runs, every second" wait_log "cradle: scan:" 2
if grep -q "cradle $tmp/cradle-a" "$cg_log"; then
	nok "nothing opened before the path exists"
else
	ok "nothing opened before the path exists"
fi

pair a
check "a path that appears is opened within the rescan" \
    wait_log "cradle $tmp/cradle-a: opened as /dev/pts/"
check "as a pseudo-terminal, with termios, 57600 baud 8N1" \
    wait_log "(pseudo-terminal, termios), 57600 baud 8N1, flow none"
pts=$(sed -n "s|.*cradle $tmp/cradle-a: opened as \(/dev/pts/[0-9]*\).*|\1|p" "$cg_log" | tail -1)
stty -F "$pts" -a >"$tmp/stty" 2>&1
if grep -q 'speed 57600 baud' "$tmp/stty" && grep -q -- '-parenb' "$tmp/stty" &&
    grep -q 'cs8' "$tmp/stty" && grep -q -- '-cstopb' "$tmp/stty" &&
    grep -q -- '-crtscts' "$tmp/stty" && grep -q -- '-icanon' "$tmp/stty" &&
    grep -q -- '-echo ' "$tmp/stty"; then
	ok "the line is set: 57600, 8 bits, no parity, 1 stop bit, raw"
else
	nok "the line: $(cat "$tmp/stty")"
fi
pair b
check "a second path is opened beside the first" \
    wait_log "cradle $tmp/cradle-b: opened as /dev/pts/"

# What the daemon sends the handheld on a, from here on.
cat "$tmp/dev-a" >"$tmp/from-a" 2>/dev/null &
reader=$!
sleep 0.2

# Noise: 4 KB of random bytes, then frames out of turn.  The frames are
# the examples of citygrid-cradle(7): a goodbye before any hello (not
# now: ERROR 3), and TASKS_DONE, which only the daemon sends (ERROR 2).
head -c 4096 /dev/urandom >"$tmp/dev-a"
printf '\000\003\001\013\002\001\002\001\005\111\140\247\257\000' >"$tmp/dev-a"
printf '\000\005\001\011\001\002\002\002\006\003\040\027\013\216\000' >"$tmp/dev-a"
check "a goodbye before hello is answered ERROR (not now)" \
    wait_log "cradle $tmp/cradle-a: bye (seq 1): 须先发送 hello"
check "a message only the daemon sends is answered ERROR (type)" \
    wait_log "cradle $tmp/cradle-a: tasks_done (seq 258): 不接受的消息类型 9"
sleep 0.3
# Each answer is a frame of type 13 (ERROR): 00, the COBS code, 01 0d.
errors=$(od -An -v -tx1 "$tmp/from-a" | tr -d '\n' | grep -o ' 00 0[0-9a-f] 01 0d' | wc -l)
if [ "$errors" -eq 2 ]; then
	ok "the handheld got both ERROR frames, after 4 KB of noise"
else
	nok "ERROR frames on the line: $errors ($(od -An -tx1 "$tmp/from-a" | head -3))"
fi
check "the port stays open through noise" sh -c "! grep -q 'cradle $tmp/cradle-a: closed' '$cg_log'"
check "the daemon answers clients meanwhile" alive

# A silent line: the session ends after cradle:timeout, the port stays.
sleep 5.5
if ! grep -q "cradle $tmp/cradle-a: closed" "$cg_log" && alive; then
	ok "a silent line keeps its port"
else
	nok "a silent line keeps its port"
fi

# The cable is pulled: socat goes, the paths vanish.
kill $socat_a $reader 2>/dev/null
wait $socat_a $reader 2>/dev/null
check "a port whose other side goes is closed" wait_log "cradle $tmp/cradle-a: closed:"
check "the other port stays open" sh -c "! grep -q 'cradle $tmp/cradle-b: closed' '$cg_log'"
check "the daemon lives on" alive

# And plugged in again: the same path, a new pseudo-terminal.
pair a
check "a path that comes back is opened again" \
    wait_log "cradle $tmp/cradle-a: opened as /dev/pts/" 2

# A path removed while its port is open (the link alone goes).
rm -f "$tmp/cradle-b"
check "a path that is removed is closed at the next scan" \
    wait_log "cradle $tmp/cradle-b: closed: the port is gone"
check "the daemon still answers" alive

# SIGHUP with the paths gone from the configuration closes the ports.
sed -i "s|^ports = .*|ports =|" "$cg_conf"
kill -HUP $cg_pid
check "a reload without the paths closes them" \
    wait_log "cradle $tmp/cradle-a: closed: the port is gone" 1
check "and keeps scanning by the rule" wait_log "cradle: looking for cradles every 1 s: 1 rules, 0 paths"
if grep -q 'citygridd error\|fatal' "$cg_log"; then
	nok "no errors in the log: $(grep 'error\|fatal' "$cg_log" | head -3)"
else
	ok "no errors in the log"
fi
echo "1..$n"
