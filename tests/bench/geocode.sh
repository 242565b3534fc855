#!/bin/sh
# The geocoding benchmark (make bench-geocode): not pass/fail.
#   data      the demo district and one million generated addresses
#             (tests/bench/geocode-data.sql), loaded once into the
#             database citygrid_geobench of the var/bench cluster (or
#             CITYGRID_DBNAME of CITYGRID_PGDATA, if set) and kept for
#             the next run; the load time is printed
#   queries   2,000 held-out queries with known answers
#             (tests/bench/geocode-queries.sql): exact, full-width,
#             variants, missing parts, a wrong character, Chinese
#             numerals, pinyin initials, region prefix
#   figures   accuracy@1 and @10, latency p50/p99 through the daemon
#             and straight through libpq in the same process, and the
#             ratio (tests/bench/bench-geocode.c)
set -eu
cd "$(dirname "$0")/../.."
[ "$(id -u)" = 0 ] || { echo "run as root (the daemon checks who connects)"; exit 1; }
export LC_ALL=C.UTF-8 TZ=Asia/Shanghai
# Another cluster or database with the addresses loaded may be named.
export CITYGRID_PGDATA=${CITYGRID_PGDATA:-$PWD/var/bench/pg}
export CITYGRID_DBNAME=${CITYGRID_DBNAME:-citygrid_geobench} CITYGRID_PGFAST=1
log=$PWD/var/bench/log
export log
mkdir -p "$log"
db=schema/citygrid-db
$db start >/dev/null
# A database made by older migrations is made again.
if ! $db demo >"$log/geocode-demo.log" 2>&1; then
	echo "rebuilding $CITYGRID_DBNAME: $(tail -1 "$log/geocode-demo.log")"
	CITYGRID_DBNAME=postgres $db psql -q -c "DROP DATABASE $CITYGRID_DBNAME WITH (FORCE)"
	$db demo >"$log/geocode-demo.log" 2>&1
fi
n=$($db psql -At -c "SELECT count(*) FROM address")
if [ "$n" -lt 1000000 ]; then
	echo "== data: generating one million addresses (once; minutes)"
	start=$(date +%s)
	$db psql -q -v ON_ERROR_STOP=1 -f tests/bench/geocode-data.sql >"$log/geocode-data.log" 2>&1 ||
	    { tail "$log/geocode-data.log"; exit 1; }
	echo "loaded in $(($(date +%s) - start)) s (search key, initials and code by the trigger; indexes built after)"
fi
$db psql -At -c "SELECT 'addresses ' || count(*) || ', roads ' || count(*) FILTER (WHERE kind = 'road') ||
    ' + ' || count(DISTINCT road) FILTER (WHERE kind = 'door') || ' named by doors, size ' ||
    pg_size_pretty(pg_total_relation_size('address')) FROM address"
$db psql -q -v ON_ERROR_STOP=1 -f tests/bench/geocode-queries.sql >var/bench/geocode-queries.tsv
echo "queries: $(wc -l <var/bench/geocode-queries.tsv) in var/bench/geocode-queries.tsv"

. tests/sh/daemon.env
trap 'cg_stop; $db stop >/dev/null' EXIT
echo "== geo.search through citygridd vs the same SQL through libpq"
BENCH_MISSES=var/bench/geocode-misses.tsv tests/bench/bench-geocode "$cg_socket" "$($db url)" \
    var/bench/geocode-queries.tsv
echo "misses (answer not first): var/bench/geocode-misses.tsv"
