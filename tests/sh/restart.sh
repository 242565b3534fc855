# PostgreSQL stopped and started while a seat registers cases as fast as
# it can: every acknowledged case is there, once, whole (its log row and
# its filing clock); what was refused meanwhile is refused with E_DB and
# can be sent again without doubling; the daemon recovers by itself and
# tells its watchers.
. tests/sh/tap.env
need_root

. tests/sh/daemon.env
trap cg_stop EXIT
tmp=$cg_run
db=schema/citygrid-db
sql() { $db psql -At -c "$1"; }

hello='{"id":1,"op":"hello","args":{"proto":1}}'
newcase() {
	frame "{\"id\":$1,\"op\":\"case.new\",\"args\":{\"kind\":\"event\",\"class\":\"0102\",\"source\":\"hotline\",\"description\":\"重启测试 $1\",\"grid\":\"$grid\",\"client_ref\":\"$run-$1\"}}"
}
run=restart-$$
grid=$(sql "SELECT code FROM grid ORDER BY code LIMIT 1")
total=300

# A watcher, told when the database goes and comes back.
{ frame "$hello"; frame '{"id":2,"op":"watch","args":{"scope":"all"}}'; sleep 25; } 2>/dev/null |
    runuser -u super1 -- socat -t 1 - "UNIX-CONNECT:$cg_socket" >"$tmp/watch.out" 2>/dev/null &

# The seat: one connection, a request every few milliseconds.
{
	frame "$hello"
	i=2
	while [ $i -le $((total + 1)) ]; do
		newcase $i
		sleep 0.02
		i=$((i + 1))
	done
	sleep 3
} | runuser -u seat1 -- socat -t 3 - "UNIX-CONNECT:$cg_socket" >"$tmp/seat.out" 2>/dev/null &
seat=$!

sleep 2
$db stop >/dev/null 2>&1
sleep 2
$db start >/dev/null 2>&1
wait $seat

acked=$(grep -ao '{"id":[0-9]*,"ok":true' "$tmp/seat.out" | grep -v '"id":1,' | grep -o '[0-9][0-9]*' | sort -n)
refused=$(grep -ao '{"id":[0-9]*,"ok":false,"error":{"code":"E_DB"' "$tmp/seat.out" | grep -o '"id":[0-9]*' | grep -o '[0-9][0-9]*' | sort -n)
nacked=$(echo "$acked" | grep -c .)
nrefused=$(echo "$refused" | grep -c .)
echo "# $nacked acknowledged, $nrefused refused with E_DB while PostgreSQL was down"
check "every request was answered" test $((nacked + nrefused)) -eq $total
check "some requests came while PostgreSQL was down (E_DB)" test "$nrefused" -gt 0
check "most were acknowledged" test "$nacked" -gt 100
refs=$(echo "$acked" | sed "s/^/'$run-/; s/\$/'/" | paste -sd, -)
check "every acknowledged case is in the database" test \
    "$(sql "SELECT count(*) FROM cases WHERE client_ref IN ($refs)")" -eq "$nacked"
check "no case is half-done: each has its report and its filing clock" test \
    "$(sql "SELECT count(*) FROM cases c WHERE c.client_ref LIKE '$run-%'
            AND (SELECT count(*) FROM case_log l WHERE l.case_id = c.id AND l.action = 'report') = 1
            AND (SELECT count(*) FROM case_stage s WHERE s.case_id = c.id AND s.stage = 'file') = 1")" \
    -eq "$(sql "SELECT count(*) FROM cases WHERE client_ref LIKE '$run-%'")"

# Resend everything: what was refused is registered now, nothing twice.
{
	frame "$hello"
	i=2
	while [ $i -le $((total + 1)) ]; do
		newcase $i
		i=$((i + 1))
	done
	sleep 3
} | runuser -u seat1 -- socat -t 3 - "UNIX-CONNECT:$cg_socket" >"$tmp/again.out" 2>/dev/null
check "after recovery every resent request succeeds" test \
    "$(grep -ao '{"id":[0-9]*,"ok":true' "$tmp/again.out" | grep -vc '"id":1,')" -eq $total
check "resending doubled nothing" test \
    "$(sql "SELECT count(*) FROM cases WHERE client_ref LIKE '$run-%'")" -eq $total
check "the daemon logged the database going and coming back" sh -c \
    "grep -q 'database unavailable' '$cg_log' && grep -q 'database available' '$cg_log'"
check "watchers were told the database went away" grep -aq '"event":"db","data":{"up":false}' "$tmp/watch.out"
check "watchers were told to resync after it came back" grep -aq '"event":"resync"' "$tmp/watch.out"
check "the daemon is still the one started" kill -0 $cg_pid
echo "1..$n"
