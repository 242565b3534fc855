#!/bin/sh
# Benchmarks of citygridd (make bench): not pass/fail.  Each figure is
# set against a baseline measured in the same run on the same cluster:
#   intake    cases/s through the daemon vs pgbench running the same
#             transaction (cg_case_new) straight against PostgreSQL
#   push      commit acknowledgement to a watcher's event, p50/p99, with
#             1 and with 500 watchers
#   memory    the daemon's RSS idle and with 500 connected clients
set -eu
cd "$(dirname "$0")/../.."
[ "$(id -u)" = 0 ] || { echo "run as root (it acts as the demo operators)"; exit 1; }
export LC_ALL=C.UTF-8 TZ=Asia/Shanghai
export CITYGRID_PGDATA=$PWD/var/bench/pg CITYGRID_DBNAME=citygrid_bench CITYGRID_PGFAST=1
log=$PWD/var/bench/log
export log
mkdir -p "$log"
db=schema/citygrid-db
$db start >/dev/null
$db demo >/dev/null 2>&1
. tests/sh/daemon.env
trap 'cg_stop; $db stop >/dev/null' EXIT
# Cases spread over 500 grids across the district, as a day's reports are.
grid=$($db psql -At -c "SELECT string_agg(code, ',') FROM (SELECT code FROM grid ORDER BY md5(code) LIMIT 500) g")
rss() { awk '/VmRSS/ { print $2 }' /proc/$cg_pid/status; }

echo "== intake"
cat >"$cg_run/case.sql" <<SQL
\set g random(0, 499)
SELECT * FROM cg_case_new(('{"version":"CJT214-2007","kind":"event","class":"0102","source":"hotline","description":"基准测试","grid":"' || split_part('$grid', ',', :g + 1) || '","client_ref":"pgb-' || :client_id || '-' || random()::text || '"}')::jsonb, now(), NULL, 'bench', '{"stage":"file","limit":2,"unit":"work_hour","deadline":"2030-01-01 00:00:00+08","warn_at":"2029-12-31 00:00:00+08"}'::jsonb);
SQL
pgb=$(runuser -u citygrid -- /usr/lib/postgresql/15/bin/pgbench -n -c 4 -j 2 -T 10 \
    -f "$cg_run/case.sql" "$($db url)" 2>/dev/null | awk '/^tps/ { print $3; exit }')
echo "pgbench, cg_case_new, 4 connections: $pgb tx/s"
out=$(tests/bench/bench-daemon "$cg_socket" seat1 "$grid" 1 3000 16)
echo "$out"
d=$(echo "$out" | awk '/^intake/ { print $(NF-3) }')
echo "ratio daemon/pgbench: $(echo "$d $pgb" | awk '{ printf "%.2f", $1 / $2 }')"

echo "== push latency"
tests/bench/bench-daemon "$cg_socket" seat1 "$grid" 1 500 1 | grep push
rss0=$(rss)
tests/bench/bench-daemon "$cg_socket" seat1 "$grid" 500 200 1 | grep push

echo "== memory"
echo "daemon RSS idle: $rss0 kB"
( tests/bench/bench-daemon "$cg_socket" seat1 "$grid" 500 2000 1 >/dev/null & )
sleep 4
rss1=$(rss)
echo "daemon RSS with 500 watching clients: $rss1 kB ($(( (rss1 - rss0) * 1024 / 500 )) bytes a client)"
wait
