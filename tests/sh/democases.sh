# make demo's cases: schema/demo/cases.sh drives the workflow through the
# daemon with backdated times; a short run must make its cases without an
# error, spread over many states, with real logs and stages.
. tests/sh/tap.env
need_root
cg_extra_conf='[workflow]
backdating = 1'
. tests/sh/daemon.env
trap cg_stop EXIT
db=schema/citygrid-db
sql() { $db psql -At -c "$1"; }

if schema/demo/cases.sh "$cg_socket" 60 >"$cg_run/out" 2>"$cg_run/err"; then
	ok "cases.sh ran"
else
	nok "cases.sh ran: $(tail -3 "$cg_run/err")"
fi
check "it reported no failed step" test ! -s "$cg_run/err"
sed 's/^/# /' "$cg_run/out"
check "it made 60 cases or more" test "$(sql "SELECT count(*) FROM cases WHERE client_ref LIKE 'demo-%'")" -ge 60
check "in at least 8 states" test "$(sql "SELECT count(DISTINCT state) FROM cases WHERE client_ref LIKE 'demo-%'")" -ge 8
check "some are closed" test "$(sql "SELECT count(*) FROM cases WHERE client_ref LIKE 'demo-%' AND state = 'closed'")" -gt 10
check "their steps are marked backdated in the log" test \
    "$(sql "SELECT count(*) FROM case_log l JOIN cases c ON c.id = l.case_id
            WHERE c.client_ref LIKE 'demo-%' AND l.action <> 'report' AND NOT (l.detail ? 'backdated')")" -eq 0
check "their times lie in the past three weeks" test \
    "$(sql "SELECT count(*) FROM cases WHERE client_ref LIKE 'demo-%'
            AND (created_at < now() - interval '22 days' OR created_at > now())")" -eq 0
check "every closed demo case has a verdict for each stage" test \
    "$(sql "SELECT count(*) FROM case_stage s JOIN cases c ON c.id = s.case_id
            WHERE c.client_ref LIKE 'demo-%' AND c.state = 'closed' AND s.on_time IS NULL")" -eq 0
echo "1..$n"
