# What a docking does to the case store, with the reference handheld
# (tests/cradle-emu) on socat pseudo-terminals and the real daemon: its
# reports become cases as case.new makes them (source collector, the
# collector, class, grid from the place, description, time found, the
# photos on a log row), pushed live into the seat console's queue; its
# answers to 核实 and 核查 tasks are the workflow's "verified" and
# "checked" steps taken as the collector; its NMEA track becomes the
# day's patrol line, bad sentences counted; every record's UUID is kept
# once however often the line is cut; a port pulled mid-session ends its
# session in the database; two units dock at once; a daemon started
# without -d (whose debug lines are off) takes its cradles too.
. tests/sh/tap.env
need_root
command -v tmux >/dev/null || { echo "1..0 # SKIP no tmux"; exit 0; }
command -v socat >/dev/null || { echo "1..0 # SKIP no socat"; exit 0; }

tmp=$(mktemp -d /tmp/citygrid-cradle-sync.XXXXXX)
cg_extra_conf="[cradle]
ports = $tmp/cradle-a, $tmp/cradle-b
rescan = 1"
. tests/sh/daemon.env
db=schema/citygrid-db
sql() { $db psql -At -c "$1"; }
tm="tmux -u -L citygrid-cradle-sync-$$"
sess=seat
wait=5
. tests/sh/console.env
socats=
cleanup() {
	$tm kill-server 2>/dev/null
	[ -f "$tmp/quiet.pid" ] && kill "$(cat "$tmp/quiet.pid")" 2>/dev/null
	kill $socats 2>/dev/null
	cg_stop
	rm -rf "$tmp"
}
trap cleanup EXIT
emu=tests/cradle-emu

pair() {	# pair NAME: socat pty pair $tmp/cradle-NAME (daemon), $tmp/dev-NAME
	opened=$(grep -cF "cradle $tmp/cradle-$1: opened" "$cg_log")
	socat pty,raw,echo=0,link="$tmp/cradle-$1" pty,raw,echo=0,link="$tmp/dev-$1" \
	    2>>"$tmp/socat.err" &
	eval "socat_$1=$!"
	socats="$socats $!"
	i=0
	until [ -e "$tmp/dev-$1" ] || [ $i -gt 50 ]; do i=$((i + 1)); sleep 0.1; done
	wait_log "cradle $tmp/cradle-$1: opened" $((opened + 1))
}
# The value of key=value on the emulator's line starting with $2.
val() { sed -n "s/^$2:.* $3=\([0-9]*\).*/\1/p" "$1" | tail -1; }
places() {	# places CODE: six points in the collector's grids
	sql "SELECT ST_X(p) || ' ' || ST_Y(p) FROM (SELECT ST_PointOnSurface(g.geom) p
	     FROM collector_grid cg JOIN grid g ON g.code = cg.grid
	     JOIN collector k ON k.id = cg.collector WHERE k.code = '$1'
	     ORDER BY g.code LIMIT 6) x" >"$tmp/places-$1"
}
today="(now() AT TIME ZONE 'Asia/Shanghai')::date"
# Cases made before this test (by other tests on the shared cluster) do not count.
t0=$(sql "SELECT now()")
mine="c.created_at >= '$t0'"

pair a
pair b
check "both pseudo-terminals are opened" wait_log "cradle $tmp/cradle-b: opened"

$tm new-session -d -s "$sess" -x 200 -y 60 \
    "runuser -u seat1 -- env TERM=screen LANG=C.UTF-8 $cg_run/citygrid -S $cg_socket seat; sleep 60"
shows "the seat console is up" "案卷号 +状态"

# --- 1. a docking: six reports, two photos each, a track ---
places C003
name3=$(sql "SELECT name FROM collector WHERE code = 'C003'")
$emu -s "$tmp/u3" --device CGT-0003 --collector C003 --reports 6 --photos 2 \
    --photo-size 30000 --places "$tmp/places-C003" --track-fixes 60 \
    "$tmp/dev-a" >"$tmp/u3.out" 2>"$tmp/u3.err"
check "the docking ends with a goodbye (exit 0)" [ $? = 0 ]
check "six reports acknowledged new" [ "$(val "$tmp/u3.out" device new)" = 6 ]
cases=$(sql "SELECT case_no FROM cases c JOIN collector k ON k.id = c.collector
             WHERE k.code = 'C003' AND c.source = 'collector' AND $mine ORDER BY c.id")
check "six cases of C003 in the store" [ "$(echo "$cases" | grep -c .)" = 6 ]
bad=$(sql "SELECT count(*) FROM cases c JOIN collector k ON k.id = c.collector
           WHERE k.code = 'C003' AND $mine AND NOT (c.state = 'reported' AND c.kind = 'event'
           AND c.class_code ~ '^010[1-6]$' AND c.grid IN (SELECT grid FROM collector_grid
           WHERE collector = k.id) AND c.description <> '' AND c.found_at <= c.created_at
           AND c.created_at > now() - interval '5 minutes')")
check "each reported, an event 0101-0106, in a grid of C003, found before it was registered" [ "$bad" = 0 ]
logs=$(sql "SELECT count(*) FILTER (WHERE l.action = 'report' AND l.actor IS NULL
              AND l.actor_name = '$name3'),
            count(*) FILTER (WHERE l.action = 'attach' AND cardinality(l.attachments) = 2
              AND l.actor_name = '$name3')
            FROM case_log l JOIN cases c ON c.id = l.case_id
            JOIN collector k ON k.id = c.collector WHERE k.code = 'C003' AND $mine")
check "each logged as reported by $name3, its two photos on a log row ($logs)" [ "$logs" = "6|6" ]
check "the twelve photos are stored, checked by their SHA-256" [ "$(sql "SELECT count(DISTINCT m.sha256)
    FROM case_log l JOIN cases c ON c.id = l.case_id JOIN collector k ON k.id = c.collector,
    unnest(l.attachments) a JOIN media m ON m.sha256 = a WHERE k.code = 'C003' AND $mine
    AND m.bytes = 30000")" = 12 ]
check "six receipts, one per record UUID, of this session" [ "$(sql "SELECT count(*) FROM cradle_record r
    JOIN cradle_session s ON s.id = r.session WHERE r.device_id = 'CGT-0003'
    AND r.kind = 'report' AND s.end_reason = 'bye' AND (s.counts->>'new')::int = 6")" = 6 ]
first=$(echo "$cases" | head -1)
last=$(echo "$cases" | tail -1)
$tm send-keys -t "$sess" G
shows "the seat's queue shows the docking's first case, pushed" "$first +待受理"
shows "and its last" "$last +待受理"

# The track: the day's patrol line of C003.
good=$(val "$tmp/u3.out" host nmea_good)
skipped=$(val "$tmp/u3.out" host nmea_bad)
row=$(sql "SELECT positions, ST_NPoints(line), length_m > 0 FROM patrol_track t
           JOIN collector k ON k.id = t.collector WHERE k.code = 'C003' AND t.day = $today")
check "the track's $good positions are C003's patrol line of today ($row)" [ "$row" = "$good|$good|t" ]
check "the positions carry their talkers" [ "$(sql "SELECT count(DISTINCT talker) FROM patrol_position p
    JOIN collector k ON k.id = p.collector WHERE k.code = 'C003'")" -ge 3 ]
check "the $skipped skipped sentences are counted with the track" [ "$(sql "SELECT bad + unknown
    FROM cradle_track WHERE device_id = 'CGT-0003'")" = "$skipped" ]
check "some sentences were skipped (bad checksums)" [ "${skipped:-0}" -gt 0 ]

$emu -s "$tmp/u3" "$tmp/dev-a" >"$tmp/u3b.out" 2>&1
check "docking again sends nothing again" [ "$(val "$tmp/u3b.out" device records)" = 0 ]
check "and the store still has six" [ "$(sql "SELECT count(*) FROM cases c JOIN collector k
    ON k.id = c.collector WHERE k.code = 'C003' AND $mine")" = 6 ]

# --- 2. 核实 tasks answered from the handheld ---
v1=$(echo "$cases" | sed -n 2p)
v2=$(echo "$cases" | sed -n 3p)
as seat1 case verify "$v1" >/dev/null && as seat1 case verify "$v2" >/dev/null
check "the seat sends two 核实 tasks to C003" [ "$(sql "SELECT count(*) FROM task t
    JOIN collector k ON k.id = t.collector JOIN cases c ON c.id = t.case_id
    WHERE k.code = 'C003' AND t.state = 'open' AND c.case_no IN ('$v1', '$v2')")" = 2 ]
$emu -s "$tmp/u3" --answer yes "$tmp/dev-a" >"$tmp/u3c.out" 2>&1
# (Other tests' cases in C003's grids may have sent it tasks too.)
got=$(val "$tmp/u3c.out" device tasks) new=$(val "$tmp/u3c.out" device new)
check "the handheld downloads them and answers them ($got tasks, new=$new)" \
    [ "$((${got:-0} >= 2 && ${new:-0} == ${got:-0}))" = 1 ]
row=$(sql "SELECT string_agg(c.state || ':' || t.state || ':' || t.result || ':'
             || cardinality(t.photos), ',' ORDER BY c.case_no)
           FROM cases c JOIN task t ON t.case_id = c.id WHERE c.case_no IN ('$v1', '$v2')")
check "both cases verified, their tasks done, confirmed, with a photo ($row)" \
    [ "$row" = "verified:done:confirmed:1,verified:done:confirmed:1" ]
row=$(sql "SELECT count(*) FROM case_log l JOIN cases c ON c.id = l.case_id
           JOIN cradle_record r ON r.log_id = l.id AND r.kind = 'verify'
           WHERE c.case_no IN ('$v1', '$v2') AND l.action = 'verified'
           AND l.from_state = 'verifying' AND l.actor IS NULL AND l.actor_name = '$name3'
           AND cardinality(l.attachments) = 1")
check "each the workflow's verified step by $name3, its receipt naming the log row" [ "$row" = 2 ]
shows "the seat's queue shows the verified case" "$v1 +待立案"

# --- 3. a 核查 task answered from the handheld, after the handling ---
as super1 case file "$v1" >/dev/null && as disp1 case dispatch "$v1" --department HWZX >/dev/null &&
    as huanwei1 case accept "$v1" >/dev/null &&
    as huanwei1 case feedback "$v1" --reason 已清运完毕 >/dev/null &&
    as seat1 case check "$v1" >/dev/null
check "filed, dispatched, handled and sent to 核查: the case is checking" \
    [ "$(sql "SELECT state FROM cases WHERE case_no = '$v1'")" = checking ]
$emu -s "$tmp/u3" --answer yes "$tmp/dev-a" >"$tmp/u3d.out" 2>&1
got=$(val "$tmp/u3d.out" device tasks) new=$(val "$tmp/u3d.out" device new)
check "the handheld answers the 核查 task ($got tasks, new=$new)" \
    [ "$((${got:-0} >= 1 && ${new:-0} >= 1))" = 1 ]
row=$(sql "SELECT c.state || ':' || t.result || ':' || l.actor_name || ':' || r.kind
           FROM cases c JOIN task t ON t.case_id = c.id AND t.kind = 'check'
           JOIN case_log l ON l.case_id = c.id AND l.action = 'checked'
           JOIN cradle_record r ON r.log_id = l.id WHERE c.case_no = '$v1'")
check "the case is checked, passed, by $name3, with its receipt ($row)" \
    [ "$row" = "checked:passed:$name3:check" ]
check "the check stage ended with its verdict, the close stage started" [ "$(sql "SELECT
    count(*) FILTER (WHERE s.stage = 'check' AND s.on_time IS NOT NULL)
    || ':' || count(*) FILTER (WHERE s.stage = 'close' AND s.ended_at IS NULL)
    FROM case_stage s JOIN cases c ON c.id = s.case_id WHERE c.case_no = '$v1'")" = 1:1 ]

# --- 4. cut at random bytes, resumed until done ---
places C004
runs=0 cuts=0 rc=3
while [ $rc = 3 ] && [ $runs -lt 150 ]; do
	at=$(( ($(od -An -N4 -tu4 /dev/urandom) % 60000) + 1 ))
	$emu -s "$tmp/u4" --device CGT-0004 --collector C004 --reports 12 \
	    --photo-size 20000 --places "$tmp/places-C004" --timeout 400 \
	    --cut-at $at "$tmp/dev-a" >"$tmp/u4.out" 2>>"$tmp/u4.err"
	rc=$?
	runs=$((runs + 1))
	[ $rc = 3 ] && cuts=$((cuts + 1))
done
echo "# CGT-0004: $cuts cuts in $runs runs"
check "cut $cuts times in $runs runs, the last docking whole" [ "$rc:$((cuts >= 3))" = 0:1 ]
row=$(sql "SELECT count(*), count(DISTINCT r.uuid), count(DISTINCT r.case_id),
           (SELECT count(*) FROM cases c JOIN collector k ON k.id = c.collector
            WHERE k.code = 'C004' AND $mine)
           FROM cradle_record r WHERE r.device_id = 'CGT-0004'")
check "twelve receipts, twelve cases, nothing doubled ($row)" [ "$row" = "12|12|12|12" ]
check "every photo of C004 whole" [ "$(sql "SELECT count(*) FROM case_log l
    JOIN cases c ON c.id = l.case_id JOIN collector k ON k.id = c.collector,
    unnest(l.attachments) a JOIN media m ON m.sha256 = a
    WHERE k.code = 'C004' AND $mine AND m.bytes = 20000")" = 12 ]
check "no half photo left of C004" [ "$(sql "SELECT count(*) FROM media_upload
    WHERE bytes = 20000")" = 0 ]
check "every cut session was ended by the next hello" [ "$(sql "SELECT count(*) FROM cradle_session
    WHERE device_id = 'CGT-0004' AND (ended_at IS NULL OR end_reason NOT IN ('bye', 'a new hello'))")" = 0 ]

# --- 5. a port pulled in the middle of a session ---
places C005
$emu -s "$tmp/u5" --device CGT-0005 --collector C005 --reports 3 --photo-size 60000 \
    --places "$tmp/places-C005" \
    --throttle 57600 --tries 2 --timeout 500 "$tmp/dev-b" >"$tmp/u5.out" 2>&1 &
emu5=$!
wait_log "CGT-0005 of C005"
sleep 0.5
kill $socat_b
wait $emu5
rc5=$?
check "the handheld loses its line (exit $rc5)" [ $rc5 != 0 ]
check "the daemon closes the port" wait_log "cradle $tmp/cradle-b: closed:"
check "and ends the session in the store" [ "$(sql "SELECT count(*) FROM cradle_session
    WHERE device_id = 'CGT-0005' AND ended_at IS NOT NULL AND end_reason <> 'bye'")" = 1 ]
check "the daemon answers clients" as seat1 ping

# --- 6. docked again, the pulled unit finishes; then two units at once ---
pair b
$emu -s "$tmp/u5" "$tmp/dev-b" >"$tmp/u5b.out" 2>&1
rc5=$?
check "docked again, the pulled unit finishes: three cases (exit $rc5)" \
    [ "$rc5:$(sql "SELECT count(*) FROM cases c JOIN collector k ON k.id = c.collector
    WHERE k.code = 'C005' AND $mine")" = 0:3 ]
check "its photos whole, nothing of them left half-sent" [ "$(sql "SELECT count(DISTINCT m.sha256)
    FROM case_log l JOIN cases c ON c.id = l.case_id JOIN collector k ON k.id = c.collector,
    unnest(l.attachments) a JOIN media m ON m.sha256 = a WHERE k.code = 'C005' AND $mine
    AND m.bytes = 60000")/$(sql "SELECT count(*) FROM media_upload WHERE bytes = 60000")" = 3/0 ]
places C006
places C007
$emu -s "$tmp/u6" --device CGT-0006 --collector C006 --reports 8 --photo-size 20000 \
    --places "$tmp/places-C006" "$tmp/dev-a" >"$tmp/u6.out" 2>&1 &
e6=$!
$emu -s "$tmp/u7" --device CGT-0007 --collector C007 --reports 8 --photo-size 20000 \
    --places "$tmp/places-C007" "$tmp/dev-b" >"$tmp/u7.out" 2>&1
r7=$?
wait $e6
r6=$?
check "two units docked at once both finish (exit $r6 and $r7)" [ "$r6:$r7" = 0:0 ]
row=$(sql "SELECT string_agg(k.code || ':' || (SELECT count(*) FROM cases c WHERE c.collector = k.id
           AND $mine), ','
           ORDER BY k.code) FROM collector k WHERE k.code IN ('C006', 'C007')")
check "eight cases each ($row)" [ "$row" = "C006:8,C007:8" ]
check "the sessions overlapped" [ "$(sql "SELECT count(*) FROM cradle_session a JOIN cradle_session b
    ON a.device_id = 'CGT-0006' AND b.device_id = 'CGT-0007'
    AND a.started_at < b.ended_at AND b.started_at < a.ended_at")" -ge 1 ]
# --- 7. a daemon without -d (as in production) takes its cradles too ---
sed -e "s|^socket = .*|socket = $tmp/quiet.sock|" -e "s|^pidfile = .*|pidfile = $tmp/quiet.pid|" \
    -e "s|^ports = .*|ports = $tmp/cradle-c|" "$cg_conf" >"$tmp/quiet.conf"
pair_quiet() {
	socat pty,raw,echo=0,link="$tmp/cradle-c" pty,raw,echo=0,link="$tmp/dev-c" \
	    2>>"$tmp/socat.err" &
	socats="$socats $!"
	i=0
	until [ -e "$tmp/dev-c" ] || [ $i -gt 50 ]; do i=$((i + 1)); sleep 0.1; done
}
pair_quiet
daemon/citygridd -f "$tmp/quiet.conf"
i=0
until [ -S "$tmp/quiet.sock" ] || [ $i -gt 50 ]; do i=$((i + 1)); sleep 0.1; done
sleep 1.5	# a scan
places C008
$emu -s "$tmp/u8" --device CGT-0008 --collector C008 --reports 2 --photo-size 5000 \
    --places "$tmp/places-C008" --no-download "$tmp/dev-c" >"$tmp/u8.out" 2>&1
rc8=$?
kill "$(cat "$tmp/quiet.pid")" 2>/dev/null
check "a daemon started without -d opens its cradle and syncs (exit $rc8, new $(val "$tmp/u8.out" device new))" \
    [ "$rc8:$(val "$tmp/u8.out" device new)" = 0:2 ]

# --- 8. citygrid cradle list: the dockings as the database has them ---
as seat1 --json cradle list --limit 1000 >"$tmp/list.json"
nl=$(jq length "$tmp/list.json")
ns=$(schema/citygrid-db psql -At -c "SELECT count(*) FROM cradle_session")
check "cradle list gives every docking ($nl of $ns)" [ "$nl" = "$ns" ]
sid=$(schema/citygrid-db psql -At -c "SELECT session FROM cradle_record WHERE kind = 'report'
    GROUP BY session ORDER BY count(*) DESC LIMIT 1")
want=$(schema/citygrid-db psql -At -c "SELECT count(*) FROM cradle_record WHERE session = $sid AND kind = 'report'")
got=$(jq -r ".[] | select(.id == $sid) | .reports" "$tmp/list.json")
check "its reports are the session's receipts ($got of $want)" [ "$got" = "$want" ]
nb=$(schema/citygrid-db psql -At -c "SELECT count(*) FROM cradle_session WHERE end_reason = 'bye'")
check "a docking ended by bye reads 正常结束 ($nb)" \
    [ "$(jq '[.[] | select(.state == "正常结束")] | length' "$tmp/list.json")" = "$nb" ]
u=$(jq -r '.[0].device' "$tmp/list.json")
check "--unit keeps one handheld's dockings" \
    [ "$(as super1 --json cradle list --unit "$u" --limit 1000 | jq "[.[] | select(.device != \"$u\")] | length")" = 0 ]
as seat1 cradle list --limit 3 >"$tmp/list.txt"
check "for people: Chinese headers and 3 rows" \
    [ "$(head -1 "$tmp/list.txt" | grep -c '手持机.*监督员.*上报')/$(($(wc -l <"$tmp/list.txt") - 1))" = 1/3 ]
as huanwei1 cradle list >/dev/null 2>&1
check "a department may not list the dockings (exit 77)" [ $? = 77 ]

if grep -q 'citygridd error' "$cg_log"; then
	nok "no errors in the daemon's log: $(grep 'citygridd error' "$cg_log" | head -3)"
else
	ok "no errors in the daemon's log"
fi
echo "1..$n"
