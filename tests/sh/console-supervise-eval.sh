# citygrid supervise: the evaluation ranking and 高发问题, as the shift
# supervisor sees them in tmux at 80x24 and 200x60, on the demo cases
# (schema/demo/cases.sh): e shows the district, t switches today and this
# month, Enter goes down to the streets, a street's communities, a
# community's grids, a grid's cases and a case's detail, u comes back up
# to the row it left; p shows the classes, grids and components with the
# most cases.  The figures on the screen are checked against the
# database's own definitions (cg_eval, cg_eval_score, plain counts).
. tests/sh/tap.env
need_root
command -v tmux >/dev/null || { echo "1..0 # SKIP no tmux"; exit 0; }
cg_extra_conf='[workflow]
backdating = 1'
. tests/sh/daemon.env
. tests/sh/console.env
db=schema/citygrid-db
tm="tmux -u -L citygrid-supervise-eval-$$"
sess=eval
cleanup() { $tm kill-server 2>/dev/null; cg_stop; }
trap cleanup EXIT
mkdir -p "$cg_run/keymaps"
cp keymaps/supervise.ini "$cg_run/keymaps/"
sql() { $db psql -At -F '|' -c "$1"; }
wait=5
today=$(TZ=Asia/Shanghai date +%F)
m0=$(TZ=Asia/Shanghai date +%Y-%m-01)
m1=$(TZ=Asia/Shanghai date -d "$m0 +1 month" +%F)
mlast=$(TZ=Asia/Shanghai date -d "$m1 -1 day" +%F)
key() { $tm send-keys -t "$sess" "$@"; }
# down N: press j N times.
down() { k=0; while [ $k -lt "$1" ]; do key j; k=$((k + 1)); done; }
# The place of an object in the console's order: eval.scores's.
place() {
	sql "SELECT n - 1 FROM (SELECT object_code, row_number() OVER (ORDER BY score DESC NULLS LAST,
	    object_code) AS n FROM cg_eval_score('$1', '$m0', '$m1', '$2')) x WHERE object_code = '$3'"
}

CITYGRID_DEMO_REF=$(basename "$0" .sh)-$$ schema/demo/cases.sh "$cg_socket" 80 >"$cg_run/cases" 2>"$cg_run/cases.err"
check "cases.sh made its cases without a failed step" test ! -s "$cg_run/cases.err"
check "the demo cases are there" test "$(sql "SELECT count(*) FROM cases")" -ge 60

$tm new-session -d -s "$sess" -x 80 -y 24 \
    "runuser -u super1 -- env CITYGRID_KEYMAPS=$cg_run/keymaps TERM=screen $cg_run/citygrid -S $cg_socket supervise; sleep 60"
shows "the console is up" "张建国 \\(super1\\) 值班长 \\| 已连接"

key e
shows "e: today's ranking of the district" "^评价排名 今日 $today · 全区排名"
shows "with its columns" "名次 +名称 +综合指标 +等级 +立案 +结案 +结案率 +按期结案率"
district=$(sql "SELECT name FROM division WHERE level = 'district'")
key t
shows "t: this month's" "^评价排名 本月 $m0 至 $mlast · 全区排名"
filed=$(sql "SELECT value::bigint FROM cg_eval('district', '$m0', '$m1') WHERE indicator = 'filed'")
score=$(sql "SELECT to_char(round(score, 1), 'FM990.0') || ' ' || grade FROM cg_eval_score('district', '$m0', '$m1')")
shows "the district's score, grade and 立案 are the database's ($score, $filed)" \
    "^> +1 +$district +${score%% *} ${score#* } +$filed "

# The grid with the most cases this month, and the way down to it.
set -- $(sql "SELECT grid, left(grid, 12), left(grid, 9) FROM cases WHERE state NOT IN ('rejected', 'merged')
    AND created_at >= '$m0'::date::timestamp AT TIME ZONE 'Asia/Shanghai' AND grid IS NOT NULL
    GROUP BY grid ORDER BY count(*) DESC, grid LIMIT 1" | tr '|' ' ')
grid=$1 community=$2 street=$3
dcode=$(sql "SELECT code FROM division WHERE level = 'district'")
sname=$(sql "SELECT name FROM division WHERE code = '$street'")
cname=$(sql "SELECT name FROM division WHERE code = '$community'")
gname="$cname${grid#$community}号网格"

key Enter
best=$(sql "SELECT object_name || '|' || to_char(round(score, 1), 'FM990.0')
    FROM cg_eval_score('street', '$m0', '$m1', '$dcode') ORDER BY score DESC NULLS LAST, object_code LIMIT 1")
shows "Enter: the streets, the best first (${best%|*} ${best#*|})" \
    "^> +1 +${best%|*} +${best#*|} "
shows "where we are" "^评价排名 本月 .* · $district › 街道排名"
check "every street is listed" test "$(grep -c '街道 ' "$cg_run/screen")" -ge \
    "$(( $(sql "SELECT count(*) FROM division WHERE level = 'street'") < 17 ? $(sql "SELECT count(*) FROM division WHERE level = 'street'") : 17 ))"
if [ "$(wc -L <"$cg_run/screen")" -le 80 ]; then ok "80x24: nothing wider than the screen"; else nok "80x24: a line wider than 80"; fi
down "$(place street "$dcode" "$street")"
shows "the street of the busiest grid is selected ($sname)" "^> +[0-9]+ +$sname "
key Enter
shows "Enter: its communities" "$district › $sname › 社区排名"
shows "read" "^> +1 "
down "$(place community "$street" "$community")"
shows "the community is selected ($cname)" "^> +[0-9]+ +$cname "
key Enter
shows "Enter: its grids" "$sname › $cname › 网格排名"
shows "read" "^> +1 "
down "$(place grid "$community" "$grid")"
gfiled=$(sql "SELECT value::bigint FROM cg_eval('grid', '$m0', '$m1', '$community')
    WHERE object_code = '$grid' AND indicator = 'filed'")
shows "the grid is selected, its 立案 the database's ($gname, $gfiled)" "^> +[0-9]+ +$gname +[0-9.]+ [A-E] +$gfiled "
key Enter
shows "Enter: the grid's cases" "$cname › $gname › 案卷"
shows "read" "^>(急|  ) [CE][0-9]{15}"
cases=$(sql "SELECT case_no FROM cases WHERE grid = '$grid' ORDER BY id LIMIT 15")
missing=0
for c in $cases; do grep -q "$c" "$cg_run/screen" || missing=$((missing + 1)); done
check "every case of the grid is listed ($(echo $cases | wc -w))" test $missing -eq 0 -a -n "$cases"
first=$(grep -Eo '^>(急|  ) [CE][0-9]{15,}' "$cg_run/screen" | grep -Eo '[CE][0-9]+')
key Enter
shows "Enter on a case: its detail pane ($first)" "案卷 $first "
key Escape
shows "Escape: back to the cases" "$gname › 案卷"
key u
shows "u: back to the grids, on the grid it left" "^> +[0-9]+ +$gname "
key u u u
shows "u u u: the district again" "· 全区排名"
key u
shows "u at the top says so" "已在全区"

key p
shows "p: 高发问题 this month" "^高发问题 本月 $m0 至 $mlast"
top=$(sql "SELECT k.name || '|' || count(*) FROM cases c JOIN class_code k ON k.version = c.version
    AND k.kind = c.kind AND k.code = c.class_code WHERE c.state NOT IN ('rejected', 'merged')
    AND c.created_at >= '$m0'::date::timestamp AT TIME ZONE 'Asia/Shanghai'
    GROUP BY k.kind, k.code, k.name ORDER BY count(*) DESC, k.kind || ':' || k.code LIMIT 1")
shows "the top class and its count (${top%|*} ${top#*|})" "^ (事件|部件) ${top%|*} +${top#*|}  "
shows "the busiest grid" "^ $grid $cname +[0-9]+  "
shows "the components' section" "高发部件 \\(件数, 较上月\\)"
key t
shows "t: today's, against yesterday" "^高发问题 今日 $today .*高发类别 \\(件数, 较昨日\\)|^高发问题 今日 $today"
key p
shows "p again: back to the cases" "步骤动态"

$tm resize-window -t "$sess" -x 200 -y 60
key e
shows "200x60: the ranking has 监督举报率 too" "按期结案率 +监督举报率"
key e p
shows "200x60: the three 高发 sections side by side" "高发类别.*高发网格.*高发部件"
key q
echo "1..$n"
