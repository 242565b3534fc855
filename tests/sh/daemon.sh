# The daemon's life: two dispatchers at once (one wins, the other is told
# who changed the case and when), backdating refused unless configured,
# SIGHUP applying what it may and refusing what needs a restart, SIGTERM
# ending cleanly.
. tests/sh/tap.env
need_root
. tests/sh/daemon.env
trap cg_stop EXIT
db=schema/citygrid-db
sql() { $db psql -At -c "$1"; }
grid=$(sql "SELECT code FROM grid ORDER BY code DESC LIMIT 1 OFFSET 7")

c=$(as seat1 --json case new --kind event --class 0102 --source hotline --description 并发测试 \
    --grid "$grid" | sed -n 's/.*"case_no": *"\([^"]*\)".*/\1/p')
as super1 case file "$c" >/dev/null
v=$(sql "SELECT row_version FROM cases WHERE case_no = '$c'")
# disp1 twice at the same instant, both from the version they saw.
as disp1 case dispatch "$c" --department HWZX --version "$v" >"$cg_run/a.out" 2>&1 &
a=$!
as disp1 case dispatch "$c" --department ZFJ --version "$v" >"$cg_run/b.out" 2>&1 &
b=$!
wait $a; ra=$?
wait $b; rb=$?
check "of two dispatches at once exactly one succeeds" test "$(( (ra == 0) + (rb == 0) ))" -eq 1
check "the other gets E_CONFLICT (exit 75)" test "$(( (ra == 75) + (rb == 75) ))" -eq 1
cat "$cg_run/a.out" "$cg_run/b.out" | sed "s/^/# /"
check "and is told who changed the case and when" sh -c \
    "cat '$cg_run/a.out' '$cg_run/b.out' | grep -q '已于 20[0-9-]* [0-9:]* 被 .* 修改'"
check "the case was dispatched once" test \
    "$(sql "SELECT count(*) FROM case_log l JOIN cases c ON c.id = l.case_id
            WHERE c.case_no = '$c' AND l.action = 'dispatch'")" -eq 1

# A change made in plain SQL, not through any daemon, still reaches watchers.
as super1 --json watch --scope case --value "$c" >"$cg_run/sqlwatch.jsonl" 2>&1 &
w=$!
sleep 0.5
sql "UPDATE cases SET urgent = true WHERE case_no = '$c'" >/dev/null
i=0
until grep -q '"urgent": *true' "$cg_run/sqlwatch.jsonl" || [ $i -ge 30 ]; do sleep 0.1; i=$((i + 1)); done
kill $w 2>/dev/null
check "a change made with plain SQL is pushed to the case's watcher" grep -q '"urgent": *true' "$cg_run/sqlwatch.jsonl"

as seat1 case new --kind event --class 0102 --source hotline --description 补录测试 \
    --grid "$grid" --at 2026-01-05T09:00 >/dev/null 2>"$cg_run/err"
check "a backdated step is refused when workflow:backdating is off (65)" test $? -eq 65
check "with a clear message" grep -q 'workflow:backdating' "$cg_run/err"

# Places: full-width digits are folded; a point outside every grid is not found.
first=$(as seat1 --json geo search 东四北大街２３号 --limit 3 | grep -m1 '"full_name"')
check "geo search finds 东四北大街２３号 (full-width digits) first" sh -c \
    "echo '$first' | grep -q '北京市东城区东四北大街23号'"
check "geo at names grid, community and street" sh -c \
    "echo '$(as seat1 geo at 116.417 39.935)' | grep -q '社区代码 *110101'"
as seat1 geo at 116.30 39.90 >/dev/null 2>&1
check "geo at outside the district: not found (66)" test $? -eq 66
check "class list gives the 54 event classes of CJ/T 214-2007" test \
    "$(as seat1 --json class list --kind event | grep -c '"code"')" -eq 54

outline=$(as super1 --json geo outline --level street 2>/dev/null || true)
check "geo.outline gives the district and its 17 streets" test \
    "$(printf '%s' "$outline" | grep -c '"code": *"110101[0-9]*"')" -eq 17
grids=$(as super1 --json geo outline --level grid --within 110101001 2>/dev/null | grep -c '"code": *"110101001[0-9]*"')
check "and a street's grids, all of them" test "$grids" -eq \
    "$(sql "SELECT count(*) FROM grid WHERE code LIKE '110101001%'")"

# SIGHUP: a reloadable key is applied, a restart key refuses the reload.
printf '[worktime]\nwarn_share = 0.5\n' >>"$cg_conf"
kill -HUP $cg_pid
sleep 0.5
check "SIGHUP applies a reloadable key" grep -q 'configuration reloaded' "$cg_log"
sed -i 's/^pool_size = 4$/pool_size = 5/' "$cg_conf"
kill -HUP $cg_pid
sleep 0.5
check "SIGHUP refuses a change that needs a restart, and says which" \
    grep -q 'reload refused.*database:pool_size changed' "$cg_log"
check "the daemon still answers" as seat1 ping

kill -TERM $cg_pid
i=0
while kill -0 $cg_pid 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
check "SIGTERM ends the daemon" sh -c "! kill -0 $cg_pid 2>/dev/null"
check "it removed its socket" test ! -e "$cg_socket"
check "and said it was stopping" grep -q 'citygridd stopping' "$cg_log"
echo "1..$n"
