#!/bin/sh
# Benchmark of the evaluation (make bench-eval): not pass/fail.
#
# On a cluster of its own (var/bench-eval) with the demo district,
# BENCH_EVAL_N cases (default 1,000,000) over 2025.  BENCH_EVAL_REAL of
# them (default 20,000) are made through the workflow's bulk path,
# cg_case_bulk (schema/034-eval-bulk.sql: cg_case_new and cg_case_step
# for every step, so the log, the stages and their stored verdicts are
# the real ones), in batches of 1,000 on two sessions (one per half of
# the year: case numbers count per day, so the sessions never wait on
# each other's day counter); the rest are
# copies of those histories moved in time, set-wise, by
# cg_case_bulk_copy (schema/035-eval-bulk-copy.sql), copy k by k x 7
# hours.  The cases stay: a second run only adds what is missing.
#
# Then the monthly district report, June 2025 (about 1/12 of the cases):
#   district    cg_eval('district', month)
#   streets     cg_eval('street', month)       the district's 17 streets
#   scores      cg_eval_score('street', month)
#   departments cg_eval('department', month)
#   collectors  cg_eval('collector', month)
#   district report  district, streets and street scores in one query:
#               the monthly district report (target: at most 1 s)
# each best of BENCH_EVAL_TRIES (5), against a baseline measured the same
# way: a count of the month's log rows by action (the least any report
# must read).  The plans of the region figures are printed.
set -u
cd "$(dirname "$0")/../.."
export LC_ALL=C.UTF-8 TZ=Asia/Shanghai
export CITYGRID_PGDATA=$PWD/var/bench-eval/pg CITYGRID_DBNAME=citygrid_bench_eval CITYGRID_PGFAST=1
N=${BENCH_EVAL_N:-1000000}
TRIES=${BENCH_EVAL_TRIES:-5}
REAL=${BENCH_EVAL_REAL:-20000}
BATCH=1000
db=schema/citygrid-db
mkdir -p var/bench-eval
$db start >/dev/null || exit 1
trap '$db stop >/dev/null' EXIT
$db demo >/dev/null 2>&1 || { echo "citygrid-db demo failed"; exit 1; }
q() { $db psql -At -c "$1"; }

real=$(q "SELECT count(*) FROM cases WHERE description LIKE '批量案卷 %' AND description NOT LIKE '%副本%'")
echo "cases made through every step (cg_case_bulk): $real of $REAL"
if [ "$real" -lt "$REAL" ]; then
	start=$(date +%s)
	todo=$(( (REAL - real + BATCH - 1) / BATCH ))
	for w in 0 1; do
		(
			k=0
			while [ $k -lt $todo ]; do
				if [ $((k % 2)) -eq $w ]; then
					q "SELECT cg_case_bulk($BATCH,
					    '2025-01-01 00:00+08'::timestamptz + $w * interval '182 days 12 hours',
					    '182 days 12 hours', $(( (real / BATCH + k) % 1000 )) / 1000.0,
					    'r$((real / BATCH + k))')" >/dev/null || echo "batch $k failed"
				fi
				k=$((k + 1))
			done
		) &
	done
	wait
	end=$(date +%s)
	real=$(q "SELECT count(*) FROM cases WHERE description LIKE '批量案卷 %' AND description NOT LIKE '%副本%'")
	echo "made $real cases through every step in $((end - start)) s"
fi
copies=$(( (N - real + real - 1) / real ))
start=$(date +%s)
k=1
while [ $k -le "$copies" ]; do
	if [ "$(q "SELECT count(*) FROM cases WHERE description LIKE '% 副本$k'")" -eq 0 ]; then
		q "SELECT cg_case_bulk_copy($k, $k * interval '7 hours')" >/dev/null || echo "copy $k failed"
	fi
	k=$((k + 1))
done
echo "copies 1..$copies in place ($(( $(date +%s) - start )) s)"
# Copies are inserted copy by copy, each over the whole year, so a
# month's rows end up scattered over every page.  In the field the log,
# the stages and the cases are appended in time order: restore that
# order once (CLUSTER by time), as the field's tables have it.
if [ "$(q "SELECT to_regclass('bench_eval_clustered') IS NULL")" = t ]; then
	start=$(date +%s)
	q "SET maintenance_work_mem = '1GB';
	   CLUSTER cases USING cases_created_idx;
	   CREATE INDEX bench_log_at ON case_log (at); CLUSTER case_log USING bench_log_at;
	   DROP INDEX bench_log_at;
	   CREATE INDEX bench_stage_start ON case_stage (started_at);
	   CLUSTER case_stage USING bench_stage_start; DROP INDEX bench_stage_start;
	   CREATE TABLE bench_eval_clustered ()" >/dev/null
	echo "tables put in time order in $(( $(date +%s) - start )) s"
fi
q "VACUUM ANALYZE" >/dev/null
q "SELECT 'cases ' || (SELECT count(*) FROM cases) || ', log rows ' || (SELECT count(*) FROM case_log)
    || ', stages ' || (SELECT count(*) FROM case_stage) || ', database ' ||
    pg_size_pretty(pg_database_size(current_database()))"

F=2025-06-01 T=2025-07-01
# best MS-of SQL: the best of TRIES runs in one session, in ms.
best() {
	{
		printf '%s\n' '\timing on'
		i=0
		while [ $i -lt "$TRIES" ]; do printf "%s\n" "$1"; i=$((i + 1)); done
	} | $db psql -At 2>&1 | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | sort -n | head -1
}
base=$(best "SELECT action, count(*) FROM case_log WHERE at >= '$F' AND at < '$T' GROUP BY action;")
echo "baseline (the month's log rows by action): $base ms"
for what in "district|SELECT count(*) FROM cg_eval('district', '$F', '$T');" \
    "streets|SELECT count(*) FROM cg_eval('street', '$F', '$T');" \
    "scores|SELECT count(*) FROM cg_eval_score('street', '$F', '$T');" \
    "departments|SELECT count(*) FROM cg_eval('department', '$F', '$T');" \
    "collectors|SELECT count(*) FROM cg_eval('collector', '$F', '$T');" \
    "district report|SELECT (SELECT count(*) FROM cg_eval('district', '$F', '$T')) + (SELECT count(*) FROM cg_eval('street', '$F', '$T')) + (SELECT count(*) FROM cg_eval_score('street', '$F', '$T'));"; do
	name=${what%%|*}
	ms=$(best "${what#*|}")
	echo "$name: $ms ms ($(echo "$ms $base" | awk '{ printf "%.1f", $1 / $2 }') x baseline)"
done
echo "--- plan of the region figures (cg_eval_grid_raw, June 2025) ---"
q "SET jit = off; EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
   SELECT * FROM cg_eval_grid_raw('$F'::timestamp AT TIME ZONE 'Asia/Shanghai', '$T'::timestamp AT TIME ZONE 'Asia/Shanghai')" |
    sed -n '1,40p'
echo "--- plan of the department figures ---"
q "SET jit = off; EXPLAIN (ANALYZE, COSTS OFF)
   SELECT * FROM cg_eval_department_raw('$F'::timestamp AT TIME ZONE 'Asia/Shanghai', '$T'::timestamp AT TIME ZONE 'Asia/Shanghai')" |
    sed -n '1,40p'
