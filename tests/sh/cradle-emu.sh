# The reference handheld (tests/cradle-emu) against its test host
# (tests/cradle-emu-host) over a socat pseudo-terminal pair: the device
# side of citygrid-cradle(7) on its own, without citygridd.  A whole
# sync; cuts at random bytes, resumed until done, nothing lost, nothing
# doubled; spoiled frames both ways; a refused unit; a throttled line;
# a code table's changes applied.
. tests/sh/tap.env

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cradle-emu.XXXXXX")
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	[ -n "${KEEP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT
emu=tests/cradle-emu
host=tests/cradle-emu-host

# A pty pair A (host) and B (device); the host on A.  $1: name; rest:
# host options.
line() {
	name=$1
	shift
	socat pty,raw,echo=0,link="$tmp/$name.A" pty,raw,echo=0,link="$tmp/$name.B" \
	    2>"$tmp/$name.socat" &
	pids="$pids $!"
	i=0
	while [ ! -e "$tmp/$name.B" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	$host -s "$tmp/$name.store" "$@" "$tmp/$name.A" >"$tmp/$name.host" 2>&1 &
	hostpid=$!
	pids="$pids $!"
	sleep 0.2
}

# The value of key=value on the line starting with $2 in file $1.
val() { sed -n "s/^$2:.* $3=\([0-9]*\).*/\1/p" "$1" | tail -1; }

# Each record of the device exactly once in the store, and no other.
same_records() {
	cut -f1 "$1/records" | sort >"$tmp/dev.ids"
	cut -f1 "$2/records" | sort >"$tmp/store.ids"
	[ -z "$(uniq -d "$tmp/store.ids")" ] && cmp -s "$tmp/dev.ids" "$tmp/store.ids"
}

# Every photo whole: its name is its SHA-256, and nothing half-done stays.
photos_whole() {
	for f in "$1"/photos/*; do
		case $f in *.part) return 1 ;; esac
		[ "$(sha256sum <"$f" | cut -c1-64)" = "$(basename "$f")" ] || return 1
	done
}

# 1. One whole sync.
line one
$emu -s "$tmp/one.dev" --reports 20 --photos 2 --photo-size 40000 --answer yes \
    "$tmp/one.B" >"$tmp/one.out" 2>"$tmp/one.err"
rc=$?
check "a whole sync ends with a goodbye (exit 0)" [ $rc = 0 ]
check "20 reports and 4 task answers acknowledged new" \
    [ "$(val "$tmp/one.out" device new)" = 24 ]
check "the host counts the same" [ "$(val "$tmp/one.out" host new)" = 24 ]
check "each record once in the store" same_records "$tmp/one.dev" "$tmp/one.store"
check "44 photos, each whole under its SHA-256" \
    [ "$(ls "$tmp/one.store/photos" | wc -l)" = 44 ]
check "no photo half-done or wrong" photos_whole "$tmp/one.store"
check "the track arrived whole" cmp -s "$tmp"/one.dev/track-*.nmea "$tmp"/one.store/tracks/*
good=$(val "$tmp/one.out" host nmea_good)
bad=$(val "$tmp/one.out" host nmea_bad)
check "the host read 226 positions of the track" [ "$good" = 226 ]
check "and skipped 26 sentences (bad checksums, GSV)" [ "$bad" = 26 ]
check "4 tasks, 7 code entries, 3 grids came down" \
    grep -q 'tasks=4 codes=7 grids=3' "$tmp/one.out"
check "grids were stored, 600-point rings in two parts, one hole" \
    [ "$(wc -l <"$tmp/one.dev/grids")" = 7 ]
check "no record pending on the device" grep -q '^state: pending=0 done=24' "$tmp/one.out"

$emu -s "$tmp/one.dev" "$tmp/one.B" >"$tmp/one2.out" 2>&1
check "a second docking sends no record again" \
    [ "$(val "$tmp/one2.out" device records)" = 0 ]
check "and the code table is current: no entries" \
    [ "$(val "$tmp/one2.out" device codes)" = 0 ]

# 2. Cut at random bytes and resume until done.
line cut
runs=0 cuts=0 rc=3
incuts=0
while [ $rc = 3 ] && [ $runs -lt 300 ]; do
	# One run in three is pulled while receiving, the rest while sending.
	# The first three runs surely cut: within a quarter of the range.
	r=$(od -An -N4 -tu4 /dev/urandom)
	if [ $runs -lt 3 ]; then
		how="--cut-at $(( r % 75000 + 1 ))"
	elif [ $((r % 3)) = 0 ]; then
		how="--cut-in $(( (r / 3) % 15000 + 1 ))"
	else
		how="--cut-at $(( r % 300000 + 1 ))"
	fi
	$emu -s "$tmp/cut.dev" --reports 40 --photo-size 60000 --answer yes \
	    --timeout 300 $how "$tmp/cut.B" >"$tmp/cut.out" 2>>"$tmp/cut.err"
	rc=$?
	grep -q '^device: cut after reading' "$tmp/cut.out" && incuts=$((incuts + 1))
	runs=$((runs + 1))
	[ $rc = 3 ] && cuts=$((cuts + 1))
done
echo "# $cuts cuts in $runs runs, $incuts of them while receiving"
check "cut-and-resume ends in a whole session" [ $rc = 0 ]
check "the link was cut at least 3 times on the way" [ $cuts -ge 3 ]
check "after $runs runs: every record exactly once in the store" \
    same_records "$tmp/cut.dev" "$tmp/cut.store"
check "44 records in all" [ "$(wc -l <"$tmp/cut.store/records")" = 44 ]
check "every photo whole" photos_whole "$tmp/cut.store"
check "40 photos of reports and 4 of answers" \
    [ "$(ls "$tmp/cut.store/photos" | wc -l)" = 44 ]
check "the track whole, not doubled" cmp -s "$tmp"/cut.dev/track-*.nmea "$tmp"/cut.store/tracks/*
check "nothing pending" grep -q '^state: pending=0 done=44' "$tmp/cut.out"

# 3. Spoiled frames both ways: every kind, one frame in 4 from the device,
# one in 12 from the host.
line bad --corrupt all --corrupt-every 12
$emu -s "$tmp/bad.dev" --reports 15 --photo-size 30000 --answer no \
    --corrupt all --corrupt-every 4 --timeout 250 --tries 20 \
    "$tmp/bad.B" >"$tmp/bad.out" 2>"$tmp/bad.err"
rc=$?
check "a session through spoiled frames still ends (exit 0)" [ $rc = 0 ]
for k in bitflip truncate length long crc noise; do
	c=$(sed -n "s/^corrupted:.* $k=\([0-9]*\).*/\1/p" "$tmp/bad.out")
	check "the device spoiled frames with $k" [ "${c:-0}" -gt 0 ]
done
check "the host refused spoiled frames" [ "$(val "$tmp/bad.out" host frames_bad)" -gt 0 ]
check "the device refused the host's spoiled frames" \
    [ "$(val "$tmp/bad.out" device frames_bad)" -gt 0 ]
check "yet each record once in the store" same_records "$tmp/bad.dev" "$tmp/bad.store"
check "and every photo whole" photos_whole "$tmp/bad.store"
check "the answers 'not found' and 'failed' were kept" \
    [ "$(awk -F'\t' '$2 == 2 || $2 == 3' "$tmp/bad.store/records" | wc -l)" = 4 ]

# 4. An unknown unit is refused and sends nothing.
line who
$emu -s "$tmp/who.dev" --device CGT-9999 --reports 2 --photo-size 100 \
    "$tmp/who.B" >"$tmp/who.out" 2>&1
rc=$?
check "an unknown handheld is refused (exit 2)" [ $rc = 2 ]
check "with the reason" grep -q 'refused (unknown device): 设备 CGT-9999 未登记' "$tmp/who.out"
check "nothing was stored" [ ! -s "$tmp/who.store/records" ]
$emu -s "$tmp/who2.dev" --device CGT-0001 --collector C002 --reports 1 \
    --photo-size 100 "$tmp/who.B" >"$tmp/who2.out" 2>&1
check "a handheld docked by another collector is refused" \
    grep -q 'refused (wrong collector)' "$tmp/who2.out"

# 5. A throttled line: 115200 baud is 11520 bytes a second at most.
line slow --throttle 115200
$emu -s "$tmp/slow.dev" --reports 2 --photo-size 20000 --no-download \
    --throttle 115200 "$tmp/slow.B" >"$tmp/slow.out" 2>&1
rc=$?
check "a throttled sync ends" [ $rc = 0 ]
bytes=$(sed -n 's/^line: out_bytes=\([0-9]*\).*/\1/p' "$tmp/slow.out")
secs=$(sed -n 's/^line:.* seconds=\([0-9.]*\).*/\1/p' "$tmp/slow.out")
check "it took no less than the line allows ($bytes bytes in $secs s)" \
    awk -v b="$bytes" -v s="$secs" 'BEGIN { exit !(s >= 0.95 * b / 11520) }'

# 6. The code table: whole the first time, then the changes to a new
# version (0105 removed, 0106 renamed, 0107 added), then unchanged.
line codes --codes-version 1
$emu -s "$tmp/codes.dev" --reports 1 --photo-size 100 "$tmp/codes.B" >"$tmp/codes1.out" 2>&1
check "version 1 comes whole: 7 classes" [ "$(val "$tmp/codes1.out" device codes)" = 7 ]
check "with 0105 and the old name of 0106" \
    grep -q '^2	0106	市容环境	绿地不洁$' "$tmp/codes.dev/codes"
kill $hostpid
$host -s "$tmp/codes.store" --codes-version 2 "$tmp/codes.A" >"$tmp/codes.host2" 2>&1 &
pids="$pids $!"
sleep 0.2
$emu -s "$tmp/codes.dev" "$tmp/codes.B" >"$tmp/codes2.out" 2>&1
check "version 2 comes as 3 changes" [ "$(val "$tmp/codes2.out" device codes)" = 3 ]
sort "$tmp/codes.dev/codes" | grep -v CJT >"$tmp/codes.have"
printf '1\t0101\t公用设施\t上水井盖\n2\t0101\t市容环境\t私搭乱建\n2\t0102\t市容环境\t暴露垃圾\n2\t0103\t市容环境\t积存垃圾渣土\n2\t0104\t市容环境\t道路不洁\n2\t0106\t市容环境\t绿地脏乱\n2\t0107\t市容环境\t废弃车辆\n' >"$tmp/codes.want"
check "applied, the unit holds version 2 exactly" cmp -s "$tmp/codes.have" "$tmp/codes.want"
$emu -s "$tmp/codes.dev" "$tmp/codes.B" >"$tmp/codes3.out" 2>&1
check "then it is current: no entries" [ "$(val "$tmp/codes3.out" device codes)" = 0 ]

# Bad usage.
$emu -s "$tmp/x" --corrupt sideways "$tmp/one.B" 2>"$tmp/usage.err"
check "an unknown corruption is refused (exit 1)" [ $? = 1 ]
check "naming the kinds" grep -q 'not of bitflip, truncate' "$tmp/usage.err"
$emu -s "$tmp/x" --baud 12345 "$tmp/one.B" 2>"$tmp/usage.err"
check "a speed termios does not know is refused" grep -q 'not a speed' "$tmp/usage.err"

echo "1..$n"
