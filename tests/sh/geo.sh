# Geocoding through the daemon and the CLI: geo search with each
# tolerance, its ranking and fields, geo at, geo code for each kind of
# code, and bad input refused with a clear message and the right exit.
. tests/sh/tap.env
need_root
. tests/sh/daemon.env
trap cg_stop EXIT
db=schema/citygrid-db
sql() { $db psql -At -c "$1"; }
# first TEXT: the full name of the first result of geo search.
first() { as seat1 --json geo search "$1" --limit 5 | jq -r '.[0].full_name // "none"'; }
is() {
	if [ "$2" = "$3" ]; then ok "$1"; else nok "$1: got '$2', want '$3'"; fi
}

d=北京市东城区
is "search: road and door" "$(first 东四北大街23号)" ${d}东四北大街23号
is "search: full-width digits" "$(first 东四北大街２３号)" ${d}东四北大街23号
is "search: Chinese numerals" "$(first 东四北大街二十三号)" ${d}东四北大街23号
is "search: 号 left out" "$(first 东四北大街23)" ${d}东四北大街23号
is "search: 门口 and a space" "$(first '东四十条 23号门口')" ${d}东四十条23号
is "search: 号院 for a door" "$(first 东四北大街23号院)" ${d}东四北大街23号
is "search: 院 left out of a building" "$(first 东四十条14号3号楼)" ${d}东四十条14号院3号楼
is "search: 14-3" "$(first 东四十条14-3)" ${d}东四十条14号院3号楼
is "search: a wrong character" "$(first 东四北大接23号)" ${d}东四北大街23号
is "search: a landmark, part left out" "$(first 地坛北门)" ${d}地坛公园北门
is "search: an alias" "$(first 国博)" ${d}中国国家博物馆
is "search: pinyin initials" "$(first dtgybm)" ${d}地坛公园北门
as seat1 --json geo search dsst --limit 2 | jq -r '.[].full_name' | sort >"$cg_run/dsst"
check "search: dsst gives the roads 东四十条 and 东四三条" \
    test "$(cat "$cg_run/dsst" | tr '\n' ' ')" = "${d}东四三条 ${d}东四十条 "
comp=$(sql "SELECT id FROM component WHERE name = '东四北大街上水井盖' ORDER BY id LIMIT 1")
r=$(as seat1 --json geo search "$comp" | jq -r '.[0] | .kind + " " + .code + " " + .grid')
is "search: a component id" "$r" "component $comp $(sql "SELECT grid FROM component WHERE id = '$comp'")"

# Ranking and fields: best first, each with point, grid, community, street.
as seat1 --json geo search 东四北大街23号 --limit 10 >"$cg_run/s.json"
check "search: ten results at most" test "$(jq length "$cg_run/s.json")" -le 10
check "search: scores best first" jq -e '[.[].score] == ([.[].score] | sort | reverse)' "$cg_run/s.json"
check "search: the exact door scores 1" jq -e '.[0].score == 1 and .[1].score < 1' "$cg_run/s.json"
check "search: each result has its point, grid, community and street" jq -e \
    'all(.[]; (.lon | type) == "number" and (.lat | type) == "number" and (.grid | length) == 15
     and (.community | length) == 12 and (.street | length) == 9 and .community_name != null
     and .street_name != null and (.code | length) > 0)' "$cg_run/s.json"
want=$(sql "SELECT a.grid || '|' || c.name || '|' || s.name FROM address a JOIN division c ON
    c.code = a.community JOIN division s ON s.code = c.parent WHERE a.full_name = '${d}东四北大街23号'")
is "search: the right grid, community and street" \
    "$(jq -r '.[0] | .grid + "|" + .community_name + "|" + .street_name' "$cg_run/s.json")" "$want"
as seat1 geo search 东四北大街23号 --limit 2 >"$cg_run/s.txt"
check "search, for people: a table with 类型 and 社区" grep -q '类型.*地址.*网格.*社区.*街道' "$cg_run/s.txt"

# Reverse geocoding.
as seat1 --json geo at 116.4108 39.9300 >"$cg_run/at.json"
is "at: the nearest road" "$(jq -r .road "$cg_run/at.json")" 东四北大街
check "at: within 5 m of the road, the nearest address with its distance" jq -e \
    '.road_m <= 5 and (.nearest | startswith("北京市东城区")) and .nearest_m >= 0 and
     (.nearest_code | length) == 19' "$cg_run/at.json"
p=$(sql "SELECT ST_X(geom) || ' ' || ST_Y(geom) FROM address WHERE kind = 'poi' AND full_name = '${d}雍和宫'")
# shellcheck disable=SC2086
is "at: a landmark's own point gives the landmark" "$(as seat1 --json geo at $p | jq -r .nearest)" ${d}雍和宫
as seat1 geo at 116.30 39.90 >/dev/null 2>&1
check "at: outside every grid: not found (66)" test $? -eq 66
as seat1 geo at 200 39.9 >/dev/null 2>"$cg_run/err"
check "at: longitude 200 refused (65)" test $? -eq 65
check "at: with a clear message" grep -q '经纬度超出范围' "$cg_run/err"
as seat1 geo at 116.4 -91 >/dev/null 2>&1
check "at: latitude -91 refused (65)" test $? -eq 65

# Codes of each kind.
code() { as seat1 --json geo code "$1" | jq -r "$2"; }
is "code: a component" "$(code "$comp" '.kind + " " + .grid')" \
    "component $(sql "SELECT grid FROM component WHERE id = '$comp'")"
is "code: a grid" "$(code 110101002001014 '.kind + " " + .community_name + " " + .street_name')" \
    "grid 隆福寺社区 景山街道"
ac=$(sql "SELECT code FROM address WHERE full_name = '${d}东四十条23号'")
is "code: an address code" "$(code "$ac" .full_name)" ${d}东四十条23号
is "code: a community" "$(code 110101002001 '.kind + " " + .name + " " + .street_name')" \
    "community 隆福寺社区 景山街道"
is "code: a street" "$(code 110101002 '.kind + " " + .name')" "street 景山街道"
is "code: the district" "$(code 110101 '.kind + " " + .name')" "district 东城区"
is "code: full-width digits" "$(code １１０１０１００２ .name)" 景山街道
as seat1 geo code 110101002001014 >"$cg_run/c.txt"
check "code, for people: 类型 单元网格" grep -q '^类型 *单元网格' "$cg_run/c.txt"
as seat1 geo code 110101999999999 >/dev/null 2>"$cg_run/err"
check "code: an unknown code: not found (66)" test $? -eq 66
check "code: with a clear message" grep -q '代码为 110101999999999 的部件、网格、地址或区划 不存在' "$cg_run/err"

# An address imported with the base-data importer is found at once: the
# trigger gives it its search key, initials and code, with no extra step.
printf '名称,全称,类型,经度,纬度\n7号院2号楼,北京市东城区测绘胡同7号院2号楼,door,116.4150,39.9300\n' \
    >"$cg_run/new.csv"
chmod 644 "$cg_run/new.csv"
as admin1 address import "$cg_run/new.csv" --map name=名称,full_name=全称,kind=类型 \
    --map lon=经度,lat=纬度 >"$cg_run/imp.out" 2>&1
check "an address imported from CSV" grep -q '新增 1' "$cg_run/imp.out"
is "  is found by text with variants" "$(first 测绘胡同7-2)" ${d}测绘胡同7号院2号楼
is "  and by pinyin initials" "$(first chht7-2)" ${d}测绘胡同7号院2号楼
ic=$(sql "SELECT code FROM address WHERE full_name = '${d}测绘胡同7号院2号楼'")
is "  and by its new address code" "$(code "$ic" .full_name)" ${d}测绘胡同7号院2号楼

# Bad input to search.
as seat1 geo search '' >/dev/null 2>"$cg_run/err"
check "search: empty text refused (65)" test $? -eq 65
check "search: with a clear message" grep -q '须给出要查找的地址' "$cg_run/err"
as seat1 geo search '   ' >/dev/null 2>&1
check "search: blank text refused (65)" test $? -eq 65
as seat1 geo search 东四 --limit 0 >/dev/null 2>"$cg_run/err"
check "search: limit 0 refused (65)" test $? -eq 65
check "search: nonsense finds nothing" test "$(as seat1 --json geo search 火星基地一号 | jq length)" -eq 0
long=$(printf '东%.0s' $(seq 80))
as seat1 geo search "$long" >/dev/null 2>"$cg_run/err"
check "search: 240 bytes of text refused (65)" test $? -eq 65
echo "1..$n"
