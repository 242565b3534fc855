#!/bin/sh
# Benchmarks of a console (make bench-console): not pass/fail.  The
# dispatcher's console runs under tmux as disp1 on a cluster of its own
# (var/bench, as run-daemon.sh) and is measured at 80x24 and 200x60:
#   key       keypress to screen: tmux send-keys j or k, poll capture-pane
#             until the selection has moved; p50 over 20 tries, against
#             the same measurement on a pane running cat (tmux's own
#             round trip and the polling, the floor of the method)
#   bytes     what the console writes to the terminal, recorded with
#             tmux pipe-pane: per pushed change (one case registered and
#             filed with the CLI, waited for on the screen), against a
#             full redraw (the redraw key, C-l) as a ratio
# BENCH_N changes are made per size (15: they must fit the 80x24 list).
set -u
cd "$(dirname "$0")/../.."
[ "$(id -u)" = 0 ] || { echo "run as root (it acts as the demo operators)"; exit 1; }
command -v tmux >/dev/null || { echo "needs tmux"; exit 1; }
export LC_ALL=C.UTF-8 TZ=Asia/Shanghai
export CITYGRID_PGDATA=$PWD/var/bench/pg CITYGRID_DBNAME=citygrid_bench CITYGRID_PGFAST=1
log=$PWD/var/bench/log
export log
mkdir -p "$log"
N=${BENCH_N:-15}
db=schema/citygrid-db
$db start >/dev/null || exit 1
$db demo >/dev/null 2>&1
. tests/sh/daemon.env
tm="tmux -u -L citygrid-bench-$$"
trap '$tm kill-server 2>/dev/null; cg_stop; $db stop >/dev/null' EXIT
mkdir -p "$cg_run/keymaps"
cp keymaps/dispatch.ini "$cg_run/keymaps/"
out=$cg_run/out

now_us() { date +%s%6N; }
screen() { $tm capture-pane -p -t "$1"; }
size() { stat -c %s "$out"; }
# p50 of the numbers on stdin.
p50() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# wait_for SESSION PATTERN: poll until it shows (10 s at most).
wait_for() {
	i=0
	until screen "$1" | grep -Eq -- "$2"; do
		i=$((i + 1))
		if [ $i -gt 2000 ]; then echo "timed out waiting for $2" >&2; exit 1; fi
	done
}
# file_case: a case registered by seat1 and filed by super1; its number.
file_case() {
	c=$(as seat1 --json case new --kind event --class 0102 --source hotline \
	    --description "基准测试 $1" --lon 116.417 --lat 39.935 |
	    sed -n 's/.*"case_no": "\([^"]*\)".*/\1/p')
	as super1 case file "$c" >/dev/null && echo "$c"
}
# Clear the dispatcher's list: dispatch what is waiting.
clear_list() {
	for c in $($db psql -At -c "SELECT case_no FROM cases WHERE state IN ('filed', 'returned')"); do
		as disp1 case dispatch "$c" >/dev/null 2>&1 || true
	done
}
# key SESSION: the time in µs from j (or k) to the moved selection.
key() {
	was=$(screen "$1" | grep -n '^>' | cut -d: -f1)
	k=j; [ "$was" -ge 5 ] && k=k
	t0=$(now_us)
	$tm send-keys -t "$1" $k
	while [ "$(screen "$1" | grep -n '^>' | cut -d: -f1)" = "$was" ]; do :; done
	echo $(( $(now_us) - t0 ))
}
# The floor: a pane running cat echoes a typed character.
catkey() {
	t0=$(now_us)
	$tm send-keys -t cat x
	while [ "$(screen cat | tr -cd x | wc -c)" -le "$1" ]; do :; done
	echo $(( $(now_us) - t0 ))
}

for sz in 80x24 200x60; do
	W=${sz%x*} H=${sz#*x}
	clear_list
	for i in 1 2 3 4 5 6; do file_case "$sz 预置 $i" >/dev/null; done
	$tm new-session -d -s "d$W" -x "$W" -y "$H" \
	    "runuser -u disp1 -- env CITYGRID_KEYMAPS=$cg_run/keymaps TERM=screen LANG=C.UTF-8 $cg_run/citygrid -S $cg_socket dispatch; sleep 60"
	s=d$W
	wait_for "$s" '已连接'
	wait_for "$s" '^>'
	echo "== $sz"

	t=$(for i in $(seq 20); do key "$s"; done | p50)
	$tm new-session -d -s cat -x "$W" -y "$H" "stty raw -echo; cat"
	sleep 0.3
	c=$(for i in $(seq 20); do catkey $((i - 1)); done | p50)
	$tm kill-session -t cat
	echo "key to screen, p50 of 20: $((t / 1000)).$(( t % 1000 / 100 )) ms (cat in tmux: $((c / 1000)).$(( c % 1000 / 100 )) ms)"

	: >"$out"
	$tm pipe-pane -o -t "$s" "cat >> $out"
	sleep 0.5
	# The full redraw: C-l, five times, each once the output is quiet.
	red=$(for i in 1 2 3 4 5; do
		b0=$(size); $tm send-keys -t "$s" C-l; sleep 0.4; echo $(( $(size) - b0 ))
	done | p50)
	b0=$(size); t0=$(now_us)
	for i in $(seq "$N"); do
		c=$(file_case "$sz 增量 $i")
		wait_for "$s" "$c"
	done
	sleep 0.4
	b=$(( $(size) - b0 )) t=$(( $(now_us) - t0 ))
	$tm pipe-pane -t "$s"
	echo "full redraw (C-l), p50 of 5: $red bytes"
	echo "pushed changes: $N in $((t / 1000)) ms, $b bytes, $((b / N)) bytes a change"
	echo "ratio change/full redraw: $(echo "$b $N $red" | awk '{ printf "%.2f", $1 / $2 / $3 }')"
	$tm kill-session -t "$s"
done
