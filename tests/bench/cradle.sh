#!/bin/sh
# Benchmark of the cradle sync (make bench-cradle): not pass/fail.  One
# handheld (tests/cradle-emu) docks over a socat pseudo-terminal pair
# with BENCH_REPORTS reports (200) of one BENCH_PHOTO-byte photo each
# (204800), its answers and a track, and the figures are set against
# baselines measured in the same run:
#   sync      seconds and reports a second into citygridd on a cluster
#             of its own (var/bench), against the same unit docked at
#             tests/cradle-emu-host, the host without a database: the
#             ratio is what the case store costs
#   wire      payload bytes to bytes on the line, each way and in all:
#             what COBS, the frame headers and CRCs, and the answers cost
#   115200    the same at an emulated 115200 baud (both directions paced
#             to 11520 bytes a second), against the floor of the line:
#             the bytes sent over 11520.  BENCH_SLOW reports (10) are
#             synced, and the time for BENCH_REPORTS is estimated from the
#             unthrottled run's bytes and the ratio to the floor measured
#             here; BENCH_SLOW=200 measures it whole (an hour for 200 KB
#             photos).
set -eu
cd "$(dirname "$0")/../.."
[ "$(id -u)" = 0 ] || { echo "run as root (it acts as the demo operators)"; exit 1; }
export LC_ALL=C.UTF-8 TZ=Asia/Shanghai
export CITYGRID_PGDATA=$PWD/var/bench/pg CITYGRID_DBNAME=citygrid_bench CITYGRID_PGFAST=1
log=$PWD/var/bench/log
export log
mkdir -p "$log"
N=${BENCH_REPORTS:-200}
PHOTO=${BENCH_PHOTO:-204800}
SLOW=${BENCH_SLOW:-10}
db=schema/citygrid-db
$db start >/dev/null
$db demo >/dev/null 2>&1
tmp=$(mktemp -d /tmp/citygrid-bench-cradle.XXXXXX)
cg_extra_conf="[cradle]
ports = $tmp/cradle-a
rescan = 1"
. tests/sh/daemon.env
pids=
trap 'kill $pids 2>/dev/null; cg_stop; $db stop >/dev/null; rm -rf "$tmp"' EXIT
sql() { $db psql -At -c "$1"; }

pair() {	# pair NAME: $tmp/cradle-NAME for the host, $tmp/dev-NAME for the unit
	socat pty,raw,echo=0,link="$tmp/cradle-$1" pty,raw,echo=0,link="$tmp/dev-$1" \
	    2>>"$tmp/socat.err" &
	pids="$pids $!"
	i=0
	until [ -e "$tmp/dev-$1" ] || [ $i -gt 50 ]; do i=$((i + 1)); sleep 0.1; done
}
# key=value from the emulator's line starting with $2.
val() { sed -n "s/^$2:.* $3=\([0-9.]*\).*/\1/p" "$1" | tail -1; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }

# Places in the grids of the collectors the bench docks as.
places() {
	sql "SELECT ST_X(p) || ' ' || ST_Y(p) FROM (SELECT ST_PointOnSurface(g.geom) p
	     FROM collector_grid cg JOIN grid g ON g.code = cg.grid
	     JOIN collector k ON k.id = cg.collector WHERE k.code = '$1'
	     ORDER BY g.code LIMIT 20) x" >"$tmp/places-$1"
}
unit() {	# unit OUT DEVICE COLLECTOR N PATH [options]: one docking
	out=$1 dev=$2 col=$3 n=$4 path=$5
	shift 5
	tests/cradle-emu -s "$tmp/state-$dev" --device "$dev" --collector "$col" \
	    --reports "$n" --photo-size "$PHOTO" --places "$tmp/places-$col" \
	    --answer yes "$@" "$path" >"$out" 2>"$out.err" ||
	    { echo "cradle-emu failed:"; cat "$out" "$out.err"; exit 1; }
}
report() {	# report NAME OUT
	ob=$(val "$2" line out_bytes) op=$(val "$2" line out_payload)
	ib=$(val "$2" line in_bytes) ip=$(val "$2" line in_payload)
	s=$(val "$2" line seconds) ph=$(val "$2" device photo_bytes)
	new=$(val "$2" host new)
	echo "$1: $new records in $s s, $(calc %.1f "$new / $s") a second," \
	    "$(calc %.2f "$ob / $s / 1048576") MB/s up"
	echo "$1: payload/wire up $(calc %.4f "$op / $ob"), down $(calc %.4f "$ip / $ib")," \
	    "all $(calc %.4f "($op + $ip) / ($ob + $ib)"); photo bytes/wire $(calc %.4f "$ph / ($ob + $ib)")"
}

places C001
places C002
places C003

echo "== sync, $N reports of $PHOTO bytes, unthrottled"
pair h
tests/cradle-emu-host -s "$tmp/host-store" --unit CGT-0001:C001 --unit CGT-0002:C002 \
    "$tmp/cradle-h" >"$tmp/host.out" 2>&1 &
pids="$pids $!"
sleep 0.2
unit "$tmp/base.out" CGT-0001 C001 "$N" "$tmp/dev-h"
report "test host (no database)" "$tmp/base.out"
pair a
i=0
until grep -qF "cradle $tmp/cradle-a: opened" "$cg_log" || [ $i -gt 100 ]; do i=$((i + 1)); sleep 0.1; done
unit "$tmp/daemon.out" CGT-0002 C002 "$N" "$tmp/dev-a"
report "citygridd" "$tmp/daemon.out"
echo "ratio citygridd/test host (time): $(calc %.2f "$(val "$tmp/daemon.out" line seconds) / $(val "$tmp/base.out" line seconds)")"
echo "cases of the docking in the store: $(sql "SELECT count(DISTINCT r.case_id) FROM cradle_record r
    WHERE r.session = (SELECT max(id) FROM cradle_session WHERE device_id = 'CGT-0002')")"

echo "== sync at an emulated 115200 baud, $SLOW reports of $PHOTO bytes"
unit "$tmp/slow.out" CGT-0003 C003 "$SLOW" "$tmp/dev-a" --throttle 115200 --no-download
report "citygridd at 115200" "$tmp/slow.out"
ob=$(val "$tmp/slow.out" line out_bytes) ib=$(val "$tmp/slow.out" line in_bytes)
s=$(val "$tmp/slow.out" line seconds)
floor=$(calc %.1f "($ob > $ib ? $ob : $ib) / 11520")
echo "line floor (bytes/11520): $floor s; ratio measured/floor: $(calc %.3f "$s / $floor")"
# N reports at 115200: the unthrottled run's bytes at the line's speed,
# slowed by what the line costs above its floor here.
big=$(val "$tmp/daemon.out" line out_bytes)
echo "estimated for $N reports at 115200: $(calc %.0f "$big / 11520 * $s / $floor") s" \
    "($(calc %.1f "$big / 11520 * $s / $floor / 60") min; floor $(calc %.0f "$big / 11520") s)"
