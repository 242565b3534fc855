# Grid editing: split and merge give new CJ/T 213 codes (the
# community's next serials), terminate the old grids with history (never
# delete them), move components, open cases and addresses by location,
# and keep the collectors' coverage.
. tests/sh/tap.env
need_root
. tests/sh/import.env
t=$cg_tmp
run() { "$@" >"$t/out" 2>"$t/err"; rc=$?; }
has() { grep -q -- "$1" "$t/out" "$t/err"; }
rc_has() { [ "$rc" = "$1" ] && has "$2"; }

# The grid with the most components in community 110101001001 and a
# collector, and an open case in each half.
g=$(sql "SELECT c.grid FROM component c JOIN collector_grid cg ON cg.grid = c.grid WHERE c.grid LIKE '110101001001%' GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
comm=${g%???}
read -r xmin ymin xmax ymax mid <<EOF
$(sql "SELECT ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom), ST_X(ST_Centroid(geom)) FROM grid WHERE code = '$g'" | tr '|' ' ')
EOF
area=$(sql "SELECT round(area_m2::numeric, 1) FROM grid WHERE code = '$g'")
last=$(sql "SELECT max(right(code, 3)::int) FROM grid WHERE community = '$comm'")
n1=$comm$(printf %03d $((last + 1)))
n2=$comm$(printf %03d $((last + 2)))
n3=$comm$(printf %03d $((last + 3)))
collectors=$(sql "SELECT string_agg(c.code, ',' ORDER BY c.code) FROM collector_grid cg JOIN collector c ON c.id = cg.collector WHERE cg.grid = '$g'")
ncomp=$(sql "SELECT count(*) FROM component WHERE grid = '$g' AND retired_at IS NULL")
west=$(sql "SELECT ST_X(ST_PointOnSurface(ST_ClipByBox2D(geom, ST_MakeEnvelope($xmin, $ymin, $mid, $ymax)))) || ' ' || ST_Y(ST_PointOnSurface(ST_ClipByBox2D(geom, ST_MakeEnvelope($xmin, $ymin, $mid, $ymax)))) FROM grid WHERE code = '$g'")
east=$(sql "SELECT ST_X(ST_PointOnSurface(ST_ClipByBox2D(geom, ST_MakeEnvelope($mid, $ymin, $xmax, $ymax)))) || ' ' || ST_Y(ST_PointOnSurface(ST_ClipByBox2D(geom, ST_MakeEnvelope($mid, $ymin, $xmax, $ymax)))) FROM grid WHERE code = '$g'")
run as seat1 --json case new --source hotline --kind event --class 0101 --lon ${west% *} --lat ${west#* } --description "西半边的垃圾"
cw=$(jq -r .case_no "$t/out")
run as seat1 --json case new --source hotline --kind event --class 0101 --lon ${east% *} --lat ${east#* } --description "东半边的垃圾"
ce=$(jq -r .case_no "$t/out")
check "two open cases in grid $g" [ "$(sql "SELECT count(*) FROM cases WHERE case_no IN ('$cw', '$ce') AND grid = '$g'")" = 2 ]
sql "INSERT INTO address (kind, name, full_name, geom, grid, community) VALUES ('poi', '测试东点', '北京市东城区测试东点', ST_SetSRID(ST_MakePoint(${east% *}, ${east#* }), 4490), '$g', '$comm')" >/dev/null

# Refusals change nothing.
run as admin1 grid split $g --lat 39.0 --reason x
check "a line that misses the grid is refused" rc_has 65 "拆分线没有把网格 $g 分开"
run as admin1 grid split $g --lon $mid --lat 39.9 --reason x
check "two blades at once are refused" rc_has 65 "之一"
run as admin1 grid split $g --line "116.1 39.9,abc" --reason x
check "a line that is not coordinates is refused" rc_has 65 "拆分线须为"
run as seat1 grid split $g --lon $mid --reason x
check "a seat operator may not split (exit 77)" rc_has 77 "需要角色: 系统管理员"
run as admin1 grid split 110101001001999 --lon $mid --reason x
check "an unknown grid: E_NOTFOUND" rc_has 66 "网格 110101001001999 不存在"
check "  the grid is still in force" [ "$(sql "SELECT termination_date IS NULL FROM grid WHERE code = '$g'")" = t ]

# Split along the meridian through the centre.
run as admin1 --json grid split $g --lon $mid --reason "道路拓宽, 一分为二"
check "split along a meridian" [ $rc = 0 ]
check "  gives the community's next two codes, west first" \
    [ "$(jq -r '[.new[].code] | join(" ")' "$t/out")" = "$n1 $n2" ]
check "  each a valid 15-digit grid code" \
    [ "$(sql "SELECT bool_and(cg_grid_error(code) IS NULL AND length(code) = 15) FROM grid WHERE code IN ('$n1', '$n2')")" = t ]
check "  the old grid is terminated today, not deleted" \
    [ "$(sql "SELECT termination_date = current_date FROM grid WHERE code = '$g'")" = t ]
check "  its history: revision 2, split, who and why" \
    [ "$(sql "SELECT change || ' ' || actor_name || ' ' || reason FROM grid_history WHERE code = '$g' ORDER BY revision DESC LIMIT 1")" = "split 赵立新 道路拓宽, 一分为二" ]
check "  the pieces cover the grid exactly" \
    [ "$(sql "SELECT abs(sum(area_m2) - $area) < 0.1 FROM grid WHERE code IN ('$n1', '$n2')")" = t ]
check "  with the same area class" \
    [ "$(sql "SELECT count(DISTINCT area_class) = 1 AND min(area_class) = (SELECT area_class FROM grid WHERE code = '$g') FROM grid WHERE code IN ('$n1', '$n2')")" = t ]
check "  all $ncomp components moved to a new grid that covers them" \
    [ "$(sql "SELECT count(*) FROM component c JOIN grid x ON x.code = c.grid WHERE c.grid IN ('$n1', '$n2') AND ST_Covers(x.geom, c.geom)")" = "$ncomp" ]
check "  each with a new revision 'regrid'" \
    [ "$(sql "SELECT count(*) FROM component_history h JOIN component c ON c.id = h.component AND c.revision = h.revision WHERE c.grid IN ('$n1', '$n2') AND h.change = 'regrid'")" = "$ncomp" ]
check "  the open cases are in their halves" \
    [ "$(sql "SELECT string_agg(grid, ' ' ORDER BY case_no = '$ce') FROM cases WHERE case_no IN ('$cw', '$ce')")" = "$n1 $n2" ]
check "  with a case log entry and a new row version" \
    [ "$(sql "SELECT count(*) FROM case_log l JOIN cases c ON c.id = l.case_id WHERE c.case_no IN ('$cw', '$ce') AND l.action = 'regrid' AND l.row_version = c.row_version")" = 2 ]
run as seat1 case log $cw
check "  citygrid case log names the step 网格调整" has "网格调整"
check "  the address moved too" [ "$(sql "SELECT grid FROM address WHERE full_name = '北京市东城区测试东点'")" = "$n2" ]
check "  collectors keep their coverage ($collectors)" \
    [ "$(sql "SELECT string_agg(DISTINCT c.code, ',' ORDER BY c.code) FROM collector_grid cg JOIN collector c ON c.id = cg.collector WHERE cg.grid = '$n1'")" = "$collectors" -a \
      "$(sql "SELECT string_agg(DISTINCT c.code, ',' ORDER BY c.code) FROM collector_grid cg JOIN collector c ON c.id = cg.collector WHERE cg.grid = '$n2'")" = "$collectors" ]
check "  a point in the west half is now located in $n1" \
    [ "$(sql "SELECT grid FROM cg_locate(${west% *}, ${west#* })")" = "$n1" ]
run as admin1 grid split $g --lon $mid --reason again
check "  the old grid cannot be split again" rc_has 65 "已于 .* 撤销"
run as seat1 case new --source hotline --kind event --class 0101 --grid $g --description x
check "  nor take new cases" rc_has 65 "已于 .* 撤销"

# Merge them back.
run as admin1 grid merge $n1 --reason x
check "merge needs two grids" [ $rc = 65 -o $rc = 64 ]
run as admin1 grid merge $n1 $n2 --reason "恢复原状"
check "merge the halves" rc_has 0 "合并 $n1, $n2"
check "  into the next code $n3, with the area of the original" \
    [ "$(sql "SELECT abs(area_m2 - $area) < 0.1 AND termination_date IS NULL FROM grid WHERE code = '$n3'")" = t ]
check "  the halves are terminated" \
    [ "$(sql "SELECT count(*) FROM grid WHERE code IN ('$n1', '$n2') AND termination_date = current_date")" = 2 ]
check "  components, cases and collectors follow" \
    [ "$(sql "SELECT (SELECT count(*) FROM component WHERE grid = '$n3') || ' ' || (SELECT count(*) FROM cases WHERE grid = '$n3' AND case_no IN ('$cw', '$ce')) || ' ' || (SELECT string_agg(c.code, ',' ORDER BY c.code) FROM collector_grid cg JOIN collector c ON c.id = cg.collector WHERE cg.grid = '$n3')")" = "$ncomp 2 $collectors" ]
run as admin1 grid history $n3
check "grid history names where the grid came from" has "合并 赵立新: $n1, $n2 -> $n3"
run as admin1 grid history $g
check "  and the old grid's split" has "拆分 赵立新: $g -> $n1, $n2"

# Merges that are refused.
o=$(sql "SELECT code FROM grid WHERE community <> '$comm' AND termination_date IS NULL ORDER BY code LIMIT 1")
run as admin1 grid merge $n3 $o --reason x
check "grids of two communities cannot merge" rc_has 65 "不属于同一个社区"
far=$(sql "SELECT code FROM grid WHERE community = '$comm' AND termination_date IS NULL AND NOT ST_Touches(geom, (SELECT geom FROM grid WHERE code = '$n3')) AND code <> '$n3' ORDER BY code LIMIT 1")
run as admin1 grid merge $n3 $far --reason x
check "grids that do not touch cannot merge" rc_has 65 "不相邻"
pair=$(sql "SELECT a.code || ' ' || b.code FROM grid a JOIN grid b ON a.community = b.community AND a.code < b.code AND a.area_class <> b.area_class AND ST_Length(ST_CollectionExtract(ST_Intersection(a.geom, b.geom), 2)) > 0 WHERE a.termination_date IS NULL AND b.termination_date IS NULL ORDER BY 1 LIMIT 1")
if [ -n "$pair" ]; then
	run as admin1 grid merge $pair --reason x
	check "grids of different area classes need --area-class" rc_has 65 "--area-class"
	run as admin1 grid merge $pair --area-class B --reason "等级统一"
	check "  and merge with it" rc_has 0 "合并"
fi

cg_base_stop
echo "1..$n"
