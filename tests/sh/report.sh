# citygrid report: the evaluation as tables for people (aligned, CJK two
# columns wide, 无数据 for a rate with nothing to divide by), CSV and JSON
# for scripts, each checked against the database's own definition
# (cg_eval); report.count and report.trend against plain SQL; and the
# monthly PDF: four A4 pages whose text holds the headings and figures.
# Demo cases (schema/demo/cases.sh) give the month its content.
. tests/sh/tap.env
need_root
cg_extra_conf='[workflow]
backdating = 1'
. tests/sh/daemon.env
trap cg_stop EXIT
db=schema/citygrid-db
sql() { $db psql -At -F '|' -c "$1"; }
today=$(TZ=Asia/Shanghai date +%F)
month=$(TZ=Asia/Shanghai date +%Y-%m)
m0=$month-01
m1=$(TZ=Asia/Shanghai date -d "$m0 +1 month" +%F)
mlast=$(TZ=Asia/Shanghai date -d "$m1 -1 day" +%F)
out=$cg_run/out

CITYGRID_DEMO_REF=$(basename "$0" .sh)-$$ schema/demo/cases.sh "$cg_socket" 120 >"$cg_run/cases" 2>"$cg_run/cases.err"
check "cases.sh made its cases without a failed step" test ! -s "$cg_run/cases.err"
check "the demo cases are there" test "$(sql "SELECT count(*) FROM cases")" -ge 100

# Display width of text: CJK (wide and fullwidth) two columns.
width() { python3 -c 'import sys, unicodedata as u
for l in sys.stdin.read().splitlines():
    print(sum(2 if u.east_asian_width(c) in "WF" else 1 for c in l))'; }

# --- report.count: against plain SQL ---
# The cases reported in [from, to] (China time) not rejected or merged.
counted() {
	sql "SELECT $3 AS k, count(*) FROM cases WHERE state NOT IN ('rejected', 'merged')
	    AND created_at >= '$1'::date::timestamp AT TIME ZONE 'Asia/Shanghai'
	    AND created_at < ('$2'::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'
	    AND $3 IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1"
}
sorted() { counted "$@" | sort; }
w0=$(TZ=Asia/Shanghai date -d "$today -6 days" +%F)
p0=$(TZ=Asia/Shanghai date -d "$today -13 days" +%F)
p1=$(TZ=Asia/Shanghai date -d "$today -7 days" +%F)
python3 - "$cg_socket" "$w0" "$today" "$p0" "$p1" >"$out" <<'PY'
import json, socket, struct, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
def req(op, args):
    b = json.dumps({"id": 1, "op": op, "args": args}).encode()
    s.sendall(struct.pack(">I", len(b)) + b)
    n = struct.unpack(">I", s.recv(4, socket.MSG_WAITALL))[0]
    return json.loads(s.recv(n, socket.MSG_WAITALL))
req("hello", {"proto": 99})
for by in ("source", "class", "grid", "street"):
    r = req("report.count", {"by": by, "from": sys.argv[2], "to": sys.argv[3],
        "prev_from": sys.argv[4], "prev_to": sys.argv[5], "limit": 10000})
    for row in r["result"]["rows"]:
        print(by, row["key"], row["count"], row["previous"], row["change"], row["name"] or "")
r = req("report.count", {"by": "source", "from": sys.argv[2], "to": sys.argv[3]})
print("default-prev", r["result"]["prev_from"], r["result"]["prev_to"])
for bad in ({"by": "colour", "from": sys.argv[2], "to": sys.argv[3]},
            {"by": "class", "from": sys.argv[3], "to": sys.argv[2]},
            {"by": "class", "from": "2026-13-01", "to": "2026-13-02"},
            {"by": "class", "from": sys.argv[2], "to": sys.argv[3], "within": "11x"},
            {"by": "class", "from": sys.argv[2], "to": sys.argv[3], "limit": 0}):
    r = req("report.count", bad)
    print("bad", r.get("error", {}).get("code", "ok"))
PY
have_rows() { grep "^$1 " "$out" | awk '{print $2 "|" $3}' | sort; }
check "report.count by source is the SQL count" test "$(have_rows source)" = \
    "$(sorted "$w0" "$today" source)"
check "report.count by class is the SQL count" test "$(have_rows class)" = \
    "$(sorted "$w0" "$today" "kind || ':' || class_code")"
check "report.count by grid is the SQL count" test "$(have_rows grid)" = \
    "$(sorted "$w0" "$today" grid)"
check "report.count by street is the SQL count" test "$(have_rows street)" = \
    "$(sorted "$w0" "$today" "left(grid, 9)")"
counted "$p0" "$p1" source >"$cg_run/prev"
check "previous is the SQL count of the week before, for each source" test -z "$(awk -F'|' '
    NR == FNR { prev[$1] = $2; next }
    index($0, "source ") == 1 { split($0, f, " "); if (f[4] != prev[f[2]] + 0) print }' \
    "$cg_run/prev" "$out")"
check "change is count minus previous" test -z "$(awk '$1 != "bad" && $1 != "default-prev" && $5 != $3 - $4' "$out")"
check "names come with the keys (streets, classes)" test -z "$(awk '($1 == "street" || $1 == "class") && NF < 6' "$out")"
check "the period before defaults to as many days before" test \
    "$(grep default-prev "$out")" = "default-prev $p0 $p1"
check "bad arguments are E_INVALID" test "$(grep -c '^bad E_INVALID' "$out")" -eq 5

# --- report.trend: daily counts against SQL, rates the evaluation's ---
python3 - "$cg_socket" "$m0" "$mlast" >"$out" <<'PY'
import json, socket, struct, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
def req(op, args):
    b = json.dumps({"id": 1, "op": op, "args": args}).encode()
    s.sendall(struct.pack(">I", len(b)) + b)
    n = struct.unpack(">I", s.recv(4, socket.MSG_WAITALL))[0]
    return json.loads(s.recv(n, socket.MSG_WAITALL))
req("hello", {"proto": 99})
for r in req("report.trend", {"from": sys.argv[2], "to": sys.argv[3]})["result"]:
    print(r["day"], r["reported"], r["filed"], r["closed"], r["filed_to_date"],
          "null" if r["close_rate"] is None else "%.4f" % r["close_rate"],
          "null" if r["on_time_rate"] is None else "%.4f" % r["on_time_rate"])
PY
check "the trend runs from the month's first day to today" test \
    "$(head -1 "$out" | cut -d' ' -f1) $(tail -1 "$out" | cut -d' ' -f1)" = "$m0 $today"
check "filed per day adds up to the month's 立案 in the log" test \
    "$(awk '{s += $3} END {print s}' "$out")" = \
    "$(sql "SELECT count(*) FROM case_log WHERE action = 'file'
        AND at >= '$m0'::date::timestamp AT TIME ZONE 'Asia/Shanghai'
        AND at < '$m1'::date::timestamp AT TIME ZONE 'Asia/Shanghai'")"
check "reported per day adds up to the month's reports" test \
    "$(awk '{s += $2} END {print s}' "$out")" = \
    "$(sql "SELECT count(*) FROM cases
        WHERE created_at >= '$m0'::date::timestamp AT TIME ZONE 'Asia/Shanghai'
        AND created_at < '$m1'::date::timestamp AT TIME ZONE 'Asia/Shanghai'")"
# Every day's figures to date are cg_eval's for the month so far (the
# daemon adds up the days; this asks for each prefix).
bad=0
while read -r day rep fil clo ftd cr otr; do
	want=$(sql "SELECT coalesce(max(value) FILTER (WHERE indicator = 'filed'), 0)::bigint
	    || ' ' || coalesce(to_char(max(value) FILTER (WHERE indicator = 'close_rate'), 'FM0.0000'), 'null')
	    || ' ' || coalesce(to_char(max(value) FILTER (WHERE indicator = 'on_time_close_rate'), 'FM0.0000'), 'null')
	    FROM cg_eval('district', '$m0', '$day'::date + 1)")
	[ "$want" = "$ftd $cr $otr" ] || { bad=$((bad + 1)); echo "# $day: got $ftd $cr $otr, cg_eval $want"; }
done <"$out"
check "each day's 立案数, 结案率 and 按期结案率 to date are cg_eval's for the month so far" test $bad -eq 0
check "the last day's rates are the month's (cg_eval)" test \
    "$(tail -1 "$out" | cut -d' ' -f6,7)" = \
    "$(sql "SELECT coalesce(to_char(max(value) FILTER (WHERE indicator = 'close_rate'), 'FM0.0000'), 'null')
        || ' ' || coalesce(to_char(max(value) FILTER (WHERE indicator = 'on_time_close_rate'), 'FM0.0000'), 'null')
        FROM cg_eval('district', '$m0', '$m1')")"

# --- citygrid report streets: the table for people ---
as super1 report streets --period month >"$out" 2>&1
check "the table has a title with the period" grep -q "^街道评价  $m0 至 $mlast" "$out"
check "the table's header is Chinese" grep -Eq '^名次  代码 +名称 +立案数 +结案数 +结案率 +按期结案率 +监督举报率 +综合指标值  等级$' "$out"
check "a row for each street" test "$(grep -Ec '^ *([0-9]+|-)  110101[0-9]{3} ' "$out")" -eq \
    "$(sql "SELECT count(*) FROM division WHERE level = 'street'")"
# Every line ends its 综合指标值 column at the same display column.
check "the columns line up, CJK counted two wide" test "$(sed -n '3,$p' "$out" |
    sed 's/  [A-E-]$//; s/  等级$//' | width | sort -u | wc -l)" -eq 1
check "按期结案率 in the table is cg_eval's, rounded as PostgreSQL rounds" test \
    "$(grep -E '^ *([0-9]+|-)  110101' "$out" | awk '{print $2 "|" $7}' | sort)" = \
    "$(sql "SELECT object_code, coalesce(to_char(value * 100, 'FM990.0') || '%', '无数据')
        FROM cg_eval('street', '$m0', '$m1') WHERE indicator = 'on_time_close_rate' ORDER BY 1")"
check "综合指标值 in the table is cg_eval_score's" test \
    "$(grep -E '^ *([0-9]+|-)  110101' "$out" | awk '{print $2 "|" $9}' | sort)" = \
    "$(sql "SELECT object_code, coalesce(to_char(round(score, 1), 'FM990.0'), '无数据')
        FROM cg_eval_score('street', '$m0', '$m1') ORDER BY 1")"
best=$(sql "SELECT object_name FROM cg_eval_score('street', '$m0', '$m1')
    ORDER BY score DESC NULLS LAST, object_code LIMIT 1")
check "the best score is first ($best)" grep -Eq "^ +1  110101[0-9]{3}  $best " "$out"
as super1 report streets --period 2020-01 >"$out" 2>&1
check "a period with no cases: every rate is 无数据, not 0%" test \
    "$(grep -c '110101' "$out")" -gt 0 -a "$(grep '110101' "$out" | grep -c '%')" -eq 0 -a \
    "$(grep '110101' "$out" | grep -c '无数据.*无数据.*无数据')" -eq "$(grep -c '110101' "$out")"

# --- CSV and JSON: the values of cg_eval ---
as super1 report streets --period month --csv >"$out" 2>&1
check "CSV header: the indicator codes" test "$(head -1 "$out" | tr -d '\r')" = \
    "rank,code,name,filed,closed,close_rate,on_time_close_rate,report_rate,score,grade"
check "CSV: 立案数 per street is cg_eval's" test \
    "$(tr -d '\r' <"$out" | awk -F, 'NR > 1 {print $2 "|" $4}' | sort)" = \
    "$(sql "SELECT object_code, value::bigint FROM cg_eval('street', '$m0', '$m1')
        WHERE indicator = 'filed' ORDER BY 1")"
check "CSV: 按期结案率 per street is cg_eval's, no data empty" test \
    "$(tr -d '\r' <"$out" | awk -F, 'NR > 1 {print $2 "|" $7}' | sort)" = \
    "$(sql "SELECT object_code, coalesce(to_char(value, 'FM0.0000'), '') FROM cg_eval('street', '$m0', '$m1')
        WHERE indicator = 'on_time_close_rate' ORDER BY 1")"
as super1 report streets --period 2020-01 --csv >"$out" 2>&1
check "CSV: no data is an empty field" test "$(tr -d '\r' <"$out" | awk -F, 'NR == 2 {print $6 "|" $7 "|" $8}')" = "||"
as super1 --json report departments --period month >"$out" 2>&1
check "JSON: a row per department" test "$(jq '.rows | length' "$out")" -eq \
    "$(sql "SELECT count(*) FROM department WHERE kind IN ('professional', 'street', 'unit')")"
code=$(sql "SELECT object_code FROM cg_eval_score('department', '$m0', '$m1')
    ORDER BY score DESC NULLS LAST, object_code LIMIT 1")
check "JSON: the first department's score and 按时处置率 are the database's" test \
    "$(jq -r '.rows[0] | "\(.code) \(.score) \(.on_time_handle_rate)"' "$out")" = \
    "$(sql "SELECT s.object_code || ' ' || round(s.score, 4)::float8 || ' ' || coalesce(e.value::float8::text, 'null')
        FROM cg_eval_score('department', '$m0', '$m1') s
        JOIN cg_eval('department', '$m0', '$m1') e ON e.object_id = s.object_id
        AND e.indicator = 'on_time_handle_rate' WHERE s.object_code = '$code'")"
as super1 --json report streets --period 2020-01 >"$out" 2>&1
check "JSON: no data is null" test "$(jq '[.rows[].close_rate] | map(select(. != null)) | length' "$out")" -eq 0

# --- periods: what --period names, as the JSON says ---
period() { as super1 --json report district --period "$1" | jq -r '"\(.from) \(.to)"'; }
dow=$(TZ=Asia/Shanghai date +%u)
mon=$(TZ=Asia/Shanghai date -d "$today -$((dow - 1)) days" +%F)
q=$(( ($(TZ=Asia/Shanghai date +%-m) - 1) / 3 * 3 + 1 ))
year=$(TZ=Asia/Shanghai date +%Y)
q0=$(printf '%s-%02d-01' "$year" $q)
check "--period day: today" test "$(period day)" = "$today $today"
check "--period week: Monday to Sunday" test "$(period week)" = \
    "$mon $(TZ=Asia/Shanghai date -d "$mon +6 days" +%F)"
check "--period month: the calendar month" test "$(period month)" = "$m0 $mlast"
check "--period quarter: the calendar quarter" test "$(period quarter)" = \
    "$q0 $(TZ=Asia/Shanghai date -d "$q0 +3 months -1 day" +%F)"
check "--period year" test "$(period year)" = "$year-01-01 $year-12-31"
check "--period 2024-02: a leap February" test "$(period 2024-02)" = "2024-02-01 2024-02-29"
check "--period 2026-12: December" test "$(period 2026-12)" = "2026-12-01 2026-12-31"
check "--period 2026-03-01: one day" test "$(period 2026-03-01)" = "2026-03-01 2026-03-01"
check "--period FROM..TO: both ends" test "$(period 2026-01-05..2026-02-03)" = "2026-01-05 2026-02-03"
for bad in 2026-02-30 2026-13 2026-03-05..2026-03-01 2026-1-5 yesterday; do
	as super1 report district --period "$bad" >/dev/null 2>&1
	check "--period $bad is refused (64)" test $? -eq 64
done

# --- errors ---
as super1 report streets --period fortnight >"$out" 2>&1
check "a bad period is a usage error (64)" test $? -eq 64 -a -n "$(grep -- '--period' "$out")"
as huanwei1 report streets >"$out" 2>&1
check "a department's operator may not see the streets (E_ROLE, 77)" test $? -eq 77
as super1 report monthly >"$out" 2>&1
check "report monthly without --pdf is a usage error" test $? -eq 64
as super1 report monthly --pdf /tmp/x.pdf --month 2026-13 >"$out" 2>&1
check "a bad --month is a usage error" test $? -eq 64
as super1 report monthly --pdf /nonexistent/dir/r.pdf >"$out" 2>&1
check "an unwritable PDF path: exit 74 with the reason" test $? -eq 74 -a -n "$(grep r.pdf "$out")"

# --- the monthly PDF (written by super1: a directory it may write) ---
mkdir -m 777 "$cg_run/pdf"
pdf=$cg_run/pdf/monthly.pdf
t0=$(date +%s%N)
as super1 report monthly --pdf "$pdf" >"$out" 2>&1
check "report monthly --pdf writes a PDF" test "$(head -c 5 "$pdf" 2>/dev/null)" = "%PDF-"
echo "# report monthly: $(( ($(date +%s%N) - t0) / 1000000 )) ms"
check "four A4 pages" test "$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')" -eq 4 -a \
    -n "$(pdfinfo "$pdf" | grep -E 'Page size: +595.2[0-9]* x 841.8')"
pdftotext -layout "$pdf" "$cg_run/pdf.txt"
for h in 月度综合评价报告 结案率和按期结案率走势 案卷来源 高发问题类别 街道综合评价排名 \
    专业部门综合评价排名 街道按期结案率排名 案卷的网格分布 案卷最多的网格 各街道指标与综合评价 \
    各专业部门指标与综合评价 "第 *4 *页 *共 *4 *页"; do
	check "the PDF has: $h" grep -Eq "$h" "$cg_run/pdf.txt"
done
district=$(sql "SELECT name FROM division WHERE level = 'district' LIMIT 1")
check "the title names the district ($district)" grep -q "${district}数字城管月度综合评价报告" "$cg_run/pdf.txt"
filed=$(sql "SELECT value::bigint FROM cg_eval('district', '$m0', '$m1') WHERE indicator = 'filed'")
check "the summary's 立案 is the month's ($filed)" grep -Eq "(^| )$filed( |$)" "$cg_run/pdf.txt"
rate=$(sql "SELECT coalesce(to_char(value * 100, 'FM990.0') || '%', '无数据') FROM cg_eval('district', '$m0', '$m1')
    WHERE indicator = 'on_time_close_rate'")
check "the summary's 按期结案率 is the month's ($rate)" grep -q "$rate" "$cg_run/pdf.txt"
top=$(counted "$m0" "$mlast" "(SELECT name FROM class_code k WHERE k.kind = cases.kind AND k.code = cases.class_code AND k.version = cases.version)" | head -1)
check "the top class and its count ($top)" grep -Eq "${top%|*} +${top#*|}" "$cg_run/pdf.txt"
hot=$(counted "$m0" "$mlast" grid | head -1)
check "the busiest grid is listed (${hot%|*})" grep -q "${hot%|*}" "$cg_run/pdf.txt"
src=$(sql "SELECT count(*) FROM cases WHERE source = 'hotline' AND state NOT IN ('rejected', 'merged')
    AND created_at >= '$m0'::date::timestamp AT TIME ZONE 'Asia/Shanghai'
    AND created_at < '$m1'::date::timestamp AT TIME ZONE 'Asia/Shanghai'")
check "the source mix: 热线 $src 件" grep -q "热线  *$src 件" "$cg_run/pdf.txt"
pdftoppm -png -r 30 -f 3 -l 3 "$pdf" "$cg_run/map" && check "page 3 renders (the map)" test -s "$cg_run/map-3.png"
as super1 --json report monthly --month "$month" >"$out" 2>&1
check "report monthly --json gives the figures the PDF draws" test \
    "$(jq -r '[.title, (.trend | length > 0), (.heat.grids | length)] | @tsv' "$out")" = \
    "$(printf '%s数字城管月度综合评价报告\ttrue\t%s' "$district" "$(sql "SELECT count(*) FROM grid WHERE termination_date IS NULL OR termination_date > current_date")")"
echo "1..$n"
