# The protocol of citygrid-cradle(7) end to end: the reference handheld
# (tests/cradle-emu) against citygridd over socat pseudo-terminal pairs,
# asserted on the database.  200 reports with photos in one docking; the
# downloads (tasks, the whole code table then "unchanged", the
# collector's grid outlines as closed rings); frames spoiled in every
# way, rejected, the session recovering; unknown and misplaced units
# refused; and cuts at random bytes across reports, downloads and task
# answers, resumed until done: nothing lost, nothing doubled.
# (tests/sh/cradle-daemon-sync.sh has the console, the track and two
# units at once.)
. tests/sh/tap.env
need_root
command -v socat >/dev/null || { echo "1..0 # SKIP no socat"; exit 0; }

tmp=$(mktemp -d /tmp/citygrid-cradle-proto.XXXXXX)
cg_extra_conf="[cradle]
ports = $tmp/cradle-a
rescan = 1"
. tests/sh/daemon.env
db=schema/citygrid-db
sql() { $db psql -At -c "$1"; }
socats=
cleanup() { kill $socats 2>/dev/null; cg_stop; [ -n "${KEEP:-}" ] || rm -rf "$tmp"; }
trap cleanup EXIT
emu=tests/cradle-emu

socat pty,raw,echo=0,link="$tmp/cradle-a" pty,raw,echo=0,link="$tmp/dev-a" \
    2>>"$tmp/socat.err" &
socats=$!
check "the daemon opens the cradle's pseudo-terminal" wait_log "cradle $tmp/cradle-a: opened"
dev=$tmp/dev-a

val() { sed -n "s/^$2:.* $3=\([0-9]*\).*/\1/p" "$1" | tail -1; }
places() {	# places CODE: points in the collector's grids
	sql "SELECT ST_X(p) || ' ' || ST_Y(p) FROM (SELECT ST_PointOnSurface(g.geom) p
	     FROM collector_grid cg JOIN grid g ON g.code = cg.grid
	     JOIN collector k ON k.id = cg.collector WHERE k.code = '$1'
	     ORDER BY g.code LIMIT 25) x" >"$tmp/places-$1"
}
# Cases of a collector made by this test: other tests on the shared
# cluster make cases of the demo collectors too.
# (By id: a report's case is dated when it was found, before the test.)
id0=$(sql "SELECT coalesce(max(id), 0) FROM cases")
tid0=$(sql "SELECT coalesce(max(id), 0) FROM task")
ncases() { sql "SELECT count(*) FROM cases c JOIN collector k ON k.id = c.collector
    WHERE k.code = '$1' AND c.id > $id0"; }
# The device's record UUIDs, each once among the daemon's receipts, no other.
same_receipts() {	# same_receipts STATE DEVICE
	cut -f1 "$1/records" | sort >"$tmp/dev.ids"
	sql "SELECT uuid FROM cradle_record WHERE device_id = '$2' ORDER BY 1" >"$tmp/db.ids"
	sort -c "$tmp/db.ids" 2>/dev/null || sort -o "$tmp/db.ids" "$tmp/db.ids"
	[ -z "$(uniq -d "$tmp/db.ids")" ] && cmp -s "$tmp/dev.ids" "$tmp/db.ids"
}

# --- 1. 200 reports with photos in one docking ---
places C010
$emu -s "$tmp/u10" --device CGT-0010 --collector C010 --reports 200 \
    --photo-size 50000 --places "$tmp/places-C010" "$dev" >"$tmp/u10.out" 2>"$tmp/u10.err"
rc=$?
check "200 reports with photos: the docking ends with a goodbye (exit $rc)" [ $rc = 0 ]
check "the device counts 200 new" [ "$(val "$tmp/u10.out" device new)" = 200 ]
check "the daemon counts 200 new, 200 photos" \
    [ "$(val "$tmp/u10.out" host new):$(val "$tmp/u10.out" host photos)" = 200:200 ]
check "200 cases of C010 in the store" [ "$(ncases C010)" = 200 ]
check "one receipt per record UUID, no other" same_receipts "$tmp/u10" CGT-0010
row=$(sql "SELECT count(DISTINCT m.sha256), min(m.bytes), max(m.bytes)
           FROM case_log l JOIN cases c ON c.id = l.case_id JOIN collector k ON k.id = c.collector,
           unnest(l.attachments) a JOIN media m ON m.sha256 = a WHERE k.code = 'C010'
           AND c.id > $id0")
check "200 photos of 50000 bytes on the cases ($row)" [ "$row" = "200|50000|50000" ]
cut -f12 "$tmp/u10/records" | tr ',' '\n' | cut -d: -f3 | sort >"$tmp/u10.sha"
sql "SELECT a FROM case_log l JOIN cases c ON c.id = l.case_id JOIN collector k
     ON k.id = c.collector, unnest(l.attachments) a WHERE k.code = 'C010'
     AND c.id > $id0 ORDER BY 1" >"$tmp/u10.dbsha"
check "the very photos the unit holds, by SHA-256" cmp -s "$tmp/u10.sha" "$tmp/u10.dbsha"
clock=$(sed -n 's/^device: clock off by \(-*[0-9]*\) ms.*/\1/p' "$tmp/u10.err")
check "the clock sync puts the unit within a second (${clock} ms)" \
    [ "${clock#-}" -lt 1000 ]

# --- 2. what comes down ---
open10() { sql "SELECT count(*) FROM task t JOIN collector k ON k.id = t.collector
    WHERE k.code = 'C010' AND t.state = 'open'"; }
n0=$(open10)
check "every open task of C010 came down ($n0)" [ "$(val "$tmp/u10.out" device tasks)" = "$n0" ]
classes=$(sql "SELECT count(*) FROM class_code WHERE version = 'CJT214-2007'")
check "the whole code table the first time ($classes classes)" \
    [ "$(val "$tmp/u10.out" device codes)" = "$classes" ]
grids=$(sql "SELECT count(*) FROM collector_grid cg JOIN collector k ON k.id = cg.collector
             WHERE k.code = 'C010'")
check "C010's $grids grids" [ "$(val "$tmp/u10.out" device grids)" = "$grids" ]
# Rings whole: parts in order, the last flagged, first point = last.
check "every ring whole and closed" awk -F'\t' '
	{ key = $1 SUBSEP $3 SUBSEP $4
	  if ($5 != part[key] + 0) bad = 1
	  part[key] = $5 + 1
	  n = split($7, p, " ")
	  if (!(key in first)) first[key] = p[1]
	  last[key] = p[n]
	  if ($6 == 1) closed[key] = (first[key] == last[key]) }
	END { for (k in part) if (!(k in closed) || !closed[k]) bad = 1; exit bad }' "$tmp/u10/grids"
check "each grid outline's area class as in the store" [ "$(sql "SELECT string_agg(g.code || '/' ||
    g.area_class, ' ' ORDER BY g.code) FROM collector_grid cg JOIN grid g ON g.code = cg.grid
    JOIN collector k ON k.id = cg.collector WHERE k.code = 'C010'")" = "$(awk -F'\t' '$3 == 0 && $4 == 0 &&
    $5 == 0 { print $1 "/" $2 }' "$tmp/u10/grids" | sort | tr '\n' ' ' | sed 's/ $//')" ]

c1=$(sql "SELECT c.case_no FROM cases c JOIN collector k ON k.id = c.collector
          WHERE k.code = 'C010' AND c.id > $id0 ORDER BY c.id LIMIT 1")
as seat1 case verify "$c1" >/dev/null
$emu -s "$tmp/u10" "$dev" >"$tmp/u10b.out" 2>&1
check "docking again: nothing sent again" [ "$(val "$tmp/u10b.out" device records)" = 0 ]
check "the code table is current: unchanged, no entries" [ "$(val "$tmp/u10b.out" device codes)" = 0 ]
check "the new 核实 task comes down too" [ "$(val "$tmp/u10b.out" device tasks)" = $((n0 + 1)) ]
check "naming its case" grep -q "verify	$c1\$" "$tmp/u10/tasks"

# --- 3. spoiled frames: every kind, one frame in five ---
places C011
$emu -s "$tmp/u11" --device CGT-0011 --collector C011 --reports 20 --photos 2 \
    --photo-size 20000 --places "$tmp/places-C011" --corrupt all --corrupt-every 5 \
    --timeout 400 --tries 20 "$dev" >"$tmp/u11.out" 2>"$tmp/u11.err"
rc=$?
check "through spoiled frames the docking still ends (exit $rc)" [ $rc = 0 ]
for k in bitflip truncate length long crc noise; do
	c=$(sed -n "s/^corrupted:.* $k=\([0-9]*\).*/\1/p" "$tmp/u11.out")
	check "frames spoiled with $k (${c:-0})" [ "${c:-0}" -gt 0 ]
done
bad=$(val "$tmp/u11.out" host frames_bad)
check "the daemon rejected the spoiled frames ($bad)" [ "${bad:-0}" -gt 0 ]
check "20 cases, each once" [ "$(ncases C011)" = 20 ]
check "one receipt per record UUID" same_receipts "$tmp/u11" CGT-0011
check "40 photos, whole" [ "$(sql "SELECT count(DISTINCT m.sha256) FROM case_log l
    JOIN cases c ON c.id = l.case_id JOIN collector k ON k.id = c.collector,
    unnest(l.attachments) a JOIN media m ON m.sha256 = a AND m.bytes = 20000
    WHERE k.code = 'C011' AND c.id > $id0")" = 40 ]
check "the daemon answers clients" as seat1 ping

# --- 4. refused units ---
$emu -s "$tmp/u99" --device CGT-9999 --collector C001 --reports 2 --photo-size 100 \
    "$dev" >"$tmp/u99.out" 2>&1
rc=$?
check "an unknown handheld is refused (exit $rc)" [ $rc = 2 ]
check "as an unknown device, with the reason" grep -q 'refused (unknown device): .*CGT-9999' "$tmp/u99.out"
$emu -s "$tmp/u12x" --device CGT-0012 --collector C013 --reports 2 --photo-size 100 \
    "$dev" >"$tmp/u12x.out" 2>&1
check "a handheld docked as another collector is refused" \
    grep -q 'refused (wrong collector)' "$tmp/u12x.out"
check "nothing of either was stored" [ "$(sql "SELECT count(*) FROM cradle_record
    WHERE device_id IN ('CGT-9999', 'CGT-0012')")" = 0 ]

# --- 5. cut at random bytes, through reports, downloads and answers ---
places C012
# Cut while sending (--cut-at, up to MAXOUT bytes) or, one run in three,
# while receiving (--cut-in, up to MAXIN): lists and answers coming down.
# The first three runs are cut while sending, within a quarter of MAXOUT,
# so every series is cut at least three times before a run may go through.
cutrun() {	# cutrun NAME MAXOUT MAXIN [options]: dock until a whole session
	name=$1 max=$2 maxin=$3
	shift 3
	runs=0 cuts=0 rc=3
	while [ $rc = 3 ] && [ $runs -lt 200 ]; do
		r=$(od -An -N4 -tu4 /dev/urandom)
		if [ $runs -lt 3 ]; then	# the first three surely cut: early
			how="--cut-at $(( r % (max / 4) + 1 ))"
		elif [ $((r % 3)) = 0 ]; then
			how="--cut-in $(( (r / 3) % maxin + 1 ))"
		else
			how="--cut-at $(( r % max + 1 ))"
		fi
		$emu -s "$tmp/u12" --device CGT-0012 --collector C012 --reports 30 \
		    --photos 2 --photo-size 15000 --places "$tmp/places-C012" \
		    --timeout 400 $how "$@" "$dev" >"$tmp/$name.out" 2>>"$tmp/$name.err"
		rc=$?
		runs=$((runs + 1))
		[ $rc = 3 ] && cuts=$((cuts + 1))
	done
	echo "# $name: $cuts cuts in $runs runs"
}
cutrun cut1 150000 8000
check "reports: cut $cuts times in $runs runs, then whole" [ "$rc:$((cuts >= 3))" = 0:1 ]
check "30 cases of C012, none doubled" [ "$(ncases C012)" = 30 ]
check "one receipt per record UUID" same_receipts "$tmp/u12" CGT-0012
sql "SELECT c.case_no FROM cases c JOIN collector k ON k.id = c.collector
     WHERE k.code = 'C012' AND c.id > $id0 ORDER BY c.id LIMIT 4" >"$tmp/c12"
for c in $(cat "$tmp/c12"); do as seat1 case verify "$c" >/dev/null; done
check "four 核实 tasks for C012" [ "$(sql "SELECT count(*) FROM task t JOIN collector k
    ON k.id = t.collector WHERE k.code = 'C012' AND t.state = 'open'
    AND t.id > $tid0")" = 4 ]
cutrun cut2 25000 8000 --answer yes
check "answers: cut $cuts times in $runs runs, then whole" [ "$rc:$((cuts >= 3))" = 0:1 ]
sql "SELECT t.uuid FROM task t JOIN cases c ON c.id = t.case_id
     WHERE c.case_no IN ($(sed "s/.*/'&'/" "$tmp/c12" | paste -sd,))" >"$tmp/t12"
check "the four answers made once each" [ "$(awk -F'\t' 'NR == FNR { t[$1]; next }
    $2 == 2 && ($10 in t) { n[$10]++ } END { for (k in n) if (n[k] == 1) ok++; print ok + 0 }' \
    "$tmp/t12" "$tmp/u12/records")" = 4 ]
check "one receipt per record UUID, answers too" same_receipts "$tmp/u12" CGT-0012
row=$(sql "SELECT string_agg(c.state || ':' || t.state || ':' || t.result, ',')
           FROM cases c JOIN task t ON t.case_id = c.id
           WHERE c.case_no IN ($(sed "s/.*/'&'/" "$tmp/c12" | paste -sd,))")
check "the four cases verified, their tasks done and confirmed" \
    [ "$row" = "verified:done:confirmed,verified:done:confirmed,verified:done:confirmed,verified:done:confirmed" ]
check "each verified step logged once" [ "$(sql "SELECT count(*) FROM case_log l JOIN cases c
    ON c.id = l.case_id WHERE l.action = 'verified'
    AND c.case_no IN ($(sed "s/.*/'&'/" "$tmp/c12" | paste -sd,))")" = 4 ]
check "no half photo left" [ "$(sql "SELECT count(*) FROM media_upload
    WHERE bytes IN (15000, 20000, 50000)")" = 0 ]
# --- 6. a daemon as deployed: detached, logging at info, not -d ---
cat >"$tmp/d2.conf" <<CONF
[daemon]
socket = $tmp/d2.sock
pidfile = $tmp/d2.pid
log_level = info
[database]
conninfo = $($db url)
[cradle]
ports = $tmp/cradle-z
rescan = 1
CONF
socat pty,raw,echo=0,link="$tmp/cradle-z" pty,raw,echo=0,link="$tmp/dev-z" \
    2>>"$tmp/socat.err" &
socats="$socats $!"
daemon/citygridd -f "$tmp/d2.conf"
i=0
until [ -s "$tmp/d2.pid" ] || [ $i -gt 50 ]; do i=$((i + 1)); sleep 0.1; done
sleep 1	# the pool connects, the first scan opens the port
places C014
$emu -s "$tmp/u14" --device CGT-0014 --collector C014 --reports 2 --photo-size 5000 \
    --places "$tmp/places-C014" --tries 3 "$tmp/dev-z" >"$tmp/u14.out" 2>&1
rc=$?
check "a detached daemon logging at info syncs a unit too (exit $rc)" [ $rc = 0 ]
check "two cases of C014" [ "$(ncases C014)" = 2 ]
[ -s "$tmp/d2.pid" ] && kill "$(cat "$tmp/d2.pid")"

if grep -q 'citygridd error' "$cg_log"; then
	nok "no errors in the daemon's log: $(grep 'citygridd error' "$cg_log" | head -3)"
else
	ok "no errors in the daemon's log"
fi
echo "1..$n"
