# Deadline alarms: with a filing limit of a few seconds the daemon pushes
# a warning at the configured share and an overdue alarm at the deadline,
# each once; the verdict of a stage is stored when it ends: late for a
# case filed after its deadline, on time for one filed at once.
. tests/sh/tap.env
need_root

cg_extra_conf='[limits]
file = 0.002 clock_hour
[worktime]
warn_share = 0.5'
. tests/sh/daemon.env
trap 'kill $watcher 2>/dev/null; cg_stop' EXIT
db=schema/citygrid-db
sql() { $db psql -At -c "$1"; }
grid=$(sql "SELECT code FROM grid ORDER BY code DESC LIMIT 1 OFFSET 3")

as super1 --json watch --scope all >"$cg_run/watch.jsonl" 2>&1 &
watcher=$!
sleep 0.5
late=$(as seat1 --json case new --kind event --class 0104 --source hotline --description 告警测试 \
    --grid "$grid" | sed -n 's/.*"case_no": *"\([^"]*\)".*/\1/p')
prompt=$(as seat1 --json case new --kind event --class 0106 --source hotline --description 告警测试 \
    --grid "$grid" | sed -n 's/.*"case_no": *"\([^"]*\)".*/\1/p')
check "the prompt case is filed at once" as super1 case file "$prompt"
check "its filing stage was 7 s long (0.002 clock hours)" test \
    "$(sql "SELECT extract(epoch FROM s.deadline - s.started_at)::int FROM case_stage s
            JOIN cases c ON c.id = s.case_id WHERE c.case_no = '$late' AND s.stage = 'file'")" -eq 7
i=0
until grep -q "\"alarm\": *\"overdue\"" "$cg_run/watch.jsonl" || [ $i -ge 250 ]; do
	sleep 0.1
	i=$((i + 1))
done
check "a warning alarm was pushed for the late case" sh -c \
    "grep '\"event\": *\"alarm\"' '$cg_run/watch.jsonl' | grep '$late' | grep -q '\"alarm\": *\"warning\"'"
check "an overdue alarm was pushed for it" sh -c \
    "grep '\"event\": *\"alarm\"' '$cg_run/watch.jsonl' | grep '$late' | grep -q '\"alarm\": *\"overdue\"'"
check "each alarm was pushed once" test "$(grep '"event": *"alarm"' "$cg_run/watch.jsonl" | grep -c "$late")" -eq 2
check "no alarm for the case filed in time" sh -c "! grep '\"event\": *\"alarm\"' '$cg_run/watch.jsonl' | grep -q '$prompt'"
check "the late case is filed after its deadline" as super1 case file "$late"
check "its filing stage is stored as late" test \
    "$(sql "SELECT on_time FROM case_stage s JOIN cases c ON c.id = s.case_id
            WHERE c.case_no = '$late' AND s.stage = 'file'")" = f
check "the prompt one as on time" test \
    "$(sql "SELECT on_time FROM case_stage s JOIN cases c ON c.id = s.case_id
            WHERE c.case_no = '$prompt' AND s.stage = 'file'")" = t
echo "1..$n"
