# Import and export of base data: round trips through CSV, Shapefile
# and GeoJSON change nothing; field maps; dry runs; the invalid ring of
# the Dongcheng outline; overlapping grids; gaps; bad components and
# addresses; a bad file changes nothing; only an admin may import; the
# layers can be read by ogr2ogr straight from the database.
. tests/sh/tap.env
need_root
command -v ogr2ogr >/dev/null || { echo "1..0 # SKIP no ogr2ogr (gdal-bin)"; exit 0; }
. tests/sh/import.env
cp tests/data/* "$cg_tmp/"
chmod 777 "$cg_tmp"
t=$cg_tmp

# run CMD...: stdout in $t/out, stderr in $t/err, status in $rc
run() { "$@" >"$t/out" 2>"$t/err"; rc=$?; }
has() { grep -q -- "$1" "$t/out" "$t/err"; }
has_all() { for h; do has "$h" || return 1; done; }
rc_has() { [ "$rc" = "$1" ] && has "$2"; }
snapshot() {
	sql "SELECT count(*) FROM grid_history" 
	sql "SELECT count(*) FROM component_history"
	sql "SELECT count(*), coalesce(sum(hashtext(full_name || coalesce(grid, ''))), 0) FROM address"
}
snapshot >"$t/before"

# Round trips: export then import gives no change.
run as admin1 grid export "$t/grids.csv" --within 110101001
check "grid export to CSV" [ $rc = 0 -a -s "$t/grids.csv" ]
n_csv=$(($(wc -l <"$t/grids.csv") - 1))
n_db=$(sql "SELECT count(*) FROM grid_current WHERE code LIKE '110101001%'")
check "the CSV has every grid of the street ($n_db)" [ "$n_csv" = "$n_db" ]
run as admin1 grid import "$t/grids.csv"
if [ $rc = 0 ] && has "新增 0, 变更 0, 不变 $n_db, 撤销 0"; then ok "CSV round trip of grids: no change"
else nok "CSV round trip of grids: $(cat "$t/out" "$t/err")"; fi

run as admin1 component export "$t/comp" --format shp --within 110101001
check "component export to a Shapefile directory, a layer a geometry type" \
    [ $rc = 0 -a -f "$t/comp/component_point.shp" -a -f "$t/comp/component_line.shp" ]
n_db=$(sql "SELECT count(*) FROM component_current WHERE grid LIKE '110101001%'")
run as admin1 component import "$t/comp"
if [ $rc = 0 ] && has "要素 $n_db: 新增 0, 变更 0, 不变 $n_db, 撤销 0"; then
	ok "Shapefile round trip of $n_db components: no change"
else nok "Shapefile round trip of components: $(cat "$t/out" "$t/err")"; fi

run as admin1 component export "$t/comp" --format shp --within 110101001001
check "exporting into the same Shapefile directory again replaces its layers" \
    [ $rc = 0 -a ! -e "$t/comp/component_point.shp" -a \
      "$(ogrinfo -ro -so "$t/comp" component 2>/dev/null | sed -n 's/^Feature Count: //p')" = \
      "$(sql "SELECT count(*) FROM component_current WHERE grid LIKE '110101001001%'")" ]
run as admin1 grid export "$t/grids.shp" --within 110101001001
run as admin1 grid import "$t/grids.shp" --dry-run
check "Shapefile round trip of grids: no change" has "变更 0, 不变 47, 撤销 0"

run as admin1 address export "$t/addr.geojson" --within 110101001001
n_db=$(sql "SELECT count(*) FROM address_current WHERE grid LIKE '110101001001%'")
run as admin1 address import "$t/addr.geojson"
if [ $rc = 0 ] && has "新增 0, 变更 0, 不变 $n_db, 撤销 0"; then
	ok "GeoJSON round trip of $n_db addresses: no change"
else nok "GeoJSON round trip of addresses: $(cat "$t/out" "$t/err")"; fi
run as admin1 address export "$t/addr.csv" --within 110101001001
run as admin1 address import "$t/addr.csv" --dry-run
check "CSV round trip of addresses (points, lines, areas as WKT): no change" \
    has "新增 0, 变更 0, 不变 $n_db, 撤销 0"
snapshot >"$t/after"
check "round trips wrote no history" cmp -s "$t/before" "$t/after"

# A field map and a dry run, then the real thing.
run as admin1 grid export "$t/g1.geojson" --within 110101001001
jq '.features |= map(.properties |= (.GRIDCODE = .code | del(.code)))
    | (.features[] | select(.properties.GRIDCODE == "110101001001005") | .properties.area_class) = "C"' \
    "$t/g1.geojson" >"$t/mapped.geojson"
chmod 644 "$t/mapped.geojson"
run as admin1 grid import "$t/mapped.geojson" --dry-run
check "import without the map: the code is missing" [ $rc = 65 ]
check "  and the error names the field" has "缺少网格编码 (字段 code)"
run as admin1 grid import "$t/mapped.geojson" --map code=GRIDCODE --dry-run
check "dry run with --map code=GRIDCODE reports one change" has "变更 1, 不变 46"
check "  and names the grid and the field" has "110101001001005 (area_class)"
check "  and changes nothing" [ "$(sql "SELECT area_class || revision FROM grid WHERE code = '110101001001005'")" = A1 ]
run as admin1 grid import "$t/mapped.geojson" --map code=GRIDCOD
check "a map naming no field is refused" has "文件中没有字段 GRIDCOD"
run as admin1 grid import "$t/mapped.geojson" --map code=GRIDCODE --reason "等级调整"
check "the import applies the change" [ $rc = 0 ]
check "  the grid has a new revision" [ "$(sql "SELECT area_class || revision FROM grid WHERE code = '110101001001005'")" = C2 ]
check "  history says who, how and why" [ "$(sql "SELECT change || ' ' || actor_name || ' ' || reason FROM grid_history WHERE code = '110101001001005' AND revision = 2")" = "import 赵立新 等级调整" ]

# The invalid ring of the Dongcheng outline.
grids=$(sql "SELECT count(*) FROM grid")
run as admin1 grid import "$t/grid-dongcheng.geojson" --no-repair
check "--no-repair refuses the outline's ring (exit 65)" [ $rc = 65 ]
check "  naming the feature and the self-intersection" \
    has "要素 1 (110101001001900): 几何图形无效: .*Self-intersection\[116.431279 39.92"
run as admin1 --json grid import "$t/grid-dongcheng.geojson"
check "with repair, ST_MakeValid repairs the ring" \
    [ "$(jq -r '.repaired, (.repair_list[0].reason | test("Self-intersection\\[116.431279 39.92"))' "$t/out" | tr '\n' ' ')" = "1 true " ]
check "  but the district is not one grid: it leaves its community" \
    has "网格 110101001001900 有 .* m² 在社区 110101001001 之外"
check "  and overlaps the grids there" has "网格 110101001001900 与 [0-9]* 个网格重叠, 共 .* m²: .* 等"
check "  so nothing is applied" [ "$(jq -r .applied "$t/out")" = false -a $rc = 65 ]
check "  and no grid was added" [ "$(sql "SELECT count(*) FROM grid")" = "$grids" ]

# A collapsed spike inside a grid is repaired to the grid as it was.
run as admin1 grid import "$t/grid-spike.geojson"
check "a collapsed spike is repaired and the grid is unchanged" \
    has "变更 0, 不变 1, 撤销 0, 修复 1"

# Overlapping grids.
run as admin1 grid import "$t/grid-overlap.geojson"
check "a file with overlapping grids is refused" [ $rc = 65 ]
check "  naming both grids and the overlap" has "网格 110101001001001 与 1 个网格重叠, 共 3[0-9.]* m²: 110101001001002 3[0-9.]* m²"
check "  and changes nothing" [ "$(sql "SELECT revision FROM grid WHERE code = '110101001001001'")" = 1 ]

# A gap: grid 003 shrunk.
jq '.features |= map(select(.properties.code == "110101001001003"))' "$t/g1.geojson" \
    | jq '.features[0].geometry.coordinates[0][0] |= map(if .[1] > 39.921 then [.[0], .[1] - 0.0002] else . end)' \
    >"$t/gap.geojson"
chmod 644 "$t/gap.geojson"
run as admin1 grid import "$t/gap.geojson"
check "a grid that leaves a gap is refused" has "社区 110101001001 (.*) 有 1 处空隙没有网格"
run as admin1 grid import "$t/gap.geojson" --allow-gaps --dry-run
check "--allow-gaps makes it a warning" rc_has 0 "警告 1 处"

# Retiring what a file leaves out, within a prefix.
jq '.features |= map(select(.properties.code != "110101001001047"))' "$t/g1.geojson" >"$t/less.geojson"
chmod 644 "$t/less.geojson"
run as admin1 grid import "$t/less.geojson" --retire-missing --within 110101001001 --dry-run --allow-gaps
check "--retire-missing --within reports the grid left out" has_all "撤销 1" "撤销: 110101001001047"

# Components: new ones, bad ones, one retired by a census.
run as admin1 component import "$t/component-new.geojson" --reason "2026 普查"
check "two new components are imported" rc_has 0 "新增 2, 变更 0"
check "  in the grid that covers them, with the class's department by default" \
    [ "$(sql "SELECT grid || ' ' || (SELECT code FROM department WHERE id = dept_main) FROM component WHERE id = '1101010101900002'")" = \
      "$(sql "SELECT (SELECT grid FROM cg_locate(116.3901, 39.9213)) || ' ' || d.code FROM class_department c JOIN department d ON d.id = c.department WHERE c.version = 'CJT214-2007' AND c.kind = 'component' AND c.class_code = '0101'")" ]
check "  with history: import, by whom, why" \
    [ "$(sql "SELECT change || ' ' || actor_name || ' ' || reason FROM component_history WHERE component = '1101010101900001'")" = "import 赵立新 2026 普查" ]
run as admin1 component import "$t/component-bad.geojson"
check "a file of bad components is refused (exit 65)" [ $rc = 65 ]
check "  an id not valid" has "要素 2 (110101019990001)"
check "  a department that does not exist" has "主管部门 NOSUCH 不存在"
check "  a component outside every grid" has "部件 1101010101900005 不在任何一个网格内"
check "  and the good one in it is not imported either" \
    [ "$(sql "SELECT count(*) FROM component WHERE id = '1101010101900003'")" = 0 ]
run as admin1 component export "$t/c1.geojson" --within 110101001001004
gone=$(jq -r '.features[0].properties.id' "$t/c1.geojson")
jq '.features |= .[1:]' "$t/c1.geojson" >"$t/c2.geojson"
chmod 644 "$t/c2.geojson"
run as admin1 component import "$t/c2.geojson" --retire-missing --within 110101001001004 --reason 拆除
check "a census without a component retires it" has "撤销 1"
check "  the component is retired, status 移除" \
    [ "$(sql "SELECT status || ' ' || (retired_at IS NOT NULL) FROM component WHERE id = '$gone'")" = "移除 true" ]
check "  with a history row 'retire'" [ "$(sql "SELECT change FROM component_history WHERE component = '$gone' ORDER BY revision DESC LIMIT 1")" = retire ]

# Addresses from a CSV with Chinese column names and lon/lat columns.
run as admin1 address import "$t/address-new.csv" --map name=名称,full_name=全称,kind=类型,aliases=别名 \
    --map lon=经度,lat=纬度
check "addresses from a CSV with a field map and coordinate columns" rc_has 0 "新增 2"
check "  grid and community from the location, aliases split" \
    [ "$(sql "SELECT grid = (SELECT grid FROM cg_locate(116.39, 39.9212)) AND community = left(grid, 12) AND aliases = '{测试1号,胡同1号}' FROM address WHERE full_name = '北京市东城区测试胡同1号'")" = t ]
run as admin1 address import "$t/address-new.csv" --map name=名称,full_name=全称,kind=类型,aliases=别名 \
    --map lon=经度,lat=纬度
check "  the same file again: matched by kind and full name, no change" has "新增 0, 变更 0, 不变 2"
run as admin1 address import "$t/address-bad.csv" --map name=名称,full_name=全称,kind=类型 --map lon=经度,lat=纬度
check "a bad address kind is refused" has "地址类型须为 region, area, block, road, door 或 poi: house"

# Files that are not what they say.
printf 'this is not geodata\n' >"$t/junk.geojson"
chmod 644 "$t/junk.geojson"
run as admin1 grid import "$t/junk.geojson"
check "a file GDAL cannot read: exit 65, GDAL's message" rc_has 65 "Unable to open datasource"
run as admin1 grid import "$t/no-such-file.geojson"
check "a missing file: exit 65, named" rc_has 65 "no-such-file.geojson"

# Only an admin imports and exports.
run as seat1 grid import "$t/grids.csv" --dry-run
check "a seat operator may not import (E_ROLE, exit 77)" rc_has 77 "需要角色: 系统管理员"
run as super1 component export "$t/super.geojson"
check "a supervisor may not export (E_ROLE, exit 77)" rc_has 77 "需要角色: 系统管理员"
check "  and no file is written" [ ! -e "$t/super.geojson" ]
run as admin1 grid export "$t/admin.geojson" --within 110101001001
check "the export is GeoJSON in CGCS2000 (EPSG:4490)" grep -q 'EPSG::4490' "$t/admin.geojson"

# Progress: plain counts when stderr is not a tty, a bar when it is.
run as admin1 grid import "$t/grids.csv" --dry-run
check "no tty: plain counts" grep -q "^上传网格: [0-9]*/[0-9]*" "$t/err"
if command -v script >/dev/null; then
	script -qec "$cg_run/citygrid -S $cg_socket grid import $t/grids.csv --dry-run" /dev/null >"$t/tty" 2>&1
	check "a tty: a progress bar" grep -q '上传网格 \[#*\.*\] [0-9]*/[0-9]*' "$t/tty"
fi

# Layers are plain PostGIS tables and views: ogr2ogr reads them as they are.
ogr2ogr -f GeoJSON "$t/layer.geojson" "PG:$(schema/citygrid-db url)" grid_current \
    -where "code LIKE '110101001001%'" 2>"$t/err"
check "ogr2ogr reads the layer grid_current from the database" \
    [ "$(jq '.features | length' "$t/layer.geojson")" = 47 ]

check "no import session is left behind by dry runs and refusals" \
    [ "$(sql "SELECT count(*) FROM import_session")" = 0 ]

cg_base_stop
echo "1..$n"
