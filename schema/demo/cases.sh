#!/bin/sh
# The demo district's cases, made by driving the workflow through
# citygridd as its operators would, so that their logs, stages, verdicts
# and deadlines are real.  Times are spread over the past three weeks
# (the daemon must run with workflow:backdating = 1); which case takes
# which path is drawn from a fixed seed, so every run makes the same mix.
#
#   cases.sh SOCKET [COUNT]      as root: it acts as the demo operators
#
# The cases' client refs are demo-N; CITYGRID_DEMO_REF gives another
# prefix, so that tests sharing a database make their own cases.
set -eu
socket=$1
count=${2:-300}
ref=${CITYGRID_DEMO_REF:-demo}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cli=$(dirname "$socket")/citygrid
[ -x "$cli" ] || cp "$top/console/citygrid" "$cli"
db="$top/schema/citygrid-db"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Classes with the department (and its operator) that handles them.
cat >"$work/classes" <<'EOF'
event 0102 HWZX huanwei1 4 暴露垃圾
event 0104 HWZX huanwei1 3 道路不洁
event 0103 HWZX huanwei1 2 积存垃圾渣土
event 0501 ZFJ zhifa1 3 无照经营游商
event 0507 ZFJ zhifa1 2 乱堆物堆料
event 0505 ZFJ zhifa1 2 机动车乱停放
event 0201 ZFJ zhifa1 2 非法小广告
event 0106 YLJ yuanlin1 1 绿地脏乱
event 0406 PSJT paishui1 1 道路积水
component 0103 PSJT paishui1 2 雨水井盖破损
component 0101 ZLS zilaishui1 1 上水井盖松动
component 0111 RQJT ranqi1 1 燃气井盖缺失
component 0118 ZMZX zhaoming1 2 路灯不亮
component 0402 YLJ yuanlin1 1 行道树倒伏
EOF
$db psql -At -F ' ' -c "SELECT ST_X(geom), ST_Y(geom), full_name FROM address
    WHERE kind = 'door' ORDER BY md5(id::text) LIMIT 2000" >"$work/places"
$db psql -At -F ' ' -c "SELECT class_code, id FROM component WHERE status <> '完好'
    OR id IN (SELECT id FROM component ORDER BY md5(id) LIMIT 1500) ORDER BY md5(id)" >"$work/components"
$db psql -At -F ' ' -c "SELECT c.code, g.grid FROM collector c JOIN collector_grid g ON g.collector = c.id" \
    >"$work/collectors"

# The plan: one CASE line and its STEP lines (minutes after the report).
awk -v n="$count" -v seed=20261126 '
function pick(w,  r, i, t) { r = rand() * wsum[w]; t = 0
	for (i = 1; i <= wn[w]; i++) { t += wv[w, i]; if (r < t) return wk[w, i] } return wk[w, wn[w]] }
function add(w, k, v) { wn[w]++; wk[w, wn[w]] = k; wv[w, wn[w]] = v; wsum[w] += v }
function gap(lo, hi) { return lo + int(rand() * (hi - lo)) }
function step(a, args) { at += gap(8, 180); print "STEP " a " " at (args != "" ? " " args : "") }
FNR == 1 { file++ }
file == 1 { add("class", $1 " " $2 " " $3 " " $4, $5); next }
END {
	srand(seed)
	add("src", "collector", 45); add("src", "hotline", 40); add("src", "public", 10); add("src", "leader", 5)
	add("end", "closed", 48); add("end", "rejected", 5); add("end", "merged", 3)
	add("end", "reported", 3); add("end", "verifying", 2); add("end", "verified", 2)
	add("end", "filed", 3); add("end", "dispatched", 4); add("end", "handling", 9)
	add("end", "returned", 2); add("end", "extending", 2); add("end", "postponing", 1)
	add("end", "postponed", 2); add("end", "suspended", 2); add("end", "handled", 5)
	add("end", "checking", 3); add("end", "checked", 3)
	order = "reported verifying verified filed dispatched handling handled checking checked closed"
	for (i = 1; i <= n; i++) {
		split(pick("class"), cl, " ")
		src = pick("src"); end = pick("end")
		open = end != "closed" && end != "rejected" && end != "merged"
		# Open cases are recent; finished ones anywhere in three weeks.
		start = open ? gap(60, 2 * 1440) : gap(2 * 1440, 21 * 1440)
		print "CASE " i " " src " " cl[1] " " cl[2] " " cl[3] " " cl[4] " " start " " (rand() < 0.15 ? 1 : 0)
		at = 0
		if (end == "merged") { print "DUP " i; continue }
		verify = src != "collector"
		if (end == "reported" || (end == "verifying" && !verify)) continue
		if (verify) {
			step("verify")
			if (end == "verifying") continue
			if (end == "rejected") { step("verified", "--result not_found"); step("reject", "--reason 现场未发现问题"); continue }
			step("verified", "--result confirmed")
		} else if (end == "rejected") { step("reject", "--reason 不属于城市管理范围"); continue }
		if (end == "verified") continue
		step("file"); if (end == "filed") continue
		if (rand() < 0.06 || end == "returned") {
			step("dispatch", "--department CGW"); step("return", "--reason 不属本部门职责")
			if (end == "returned") continue
		}
		step("dispatch"); if (end == "dispatched") continue
		step("accept"); if (rand() < 0.1) step("urge", "--reason 请加快处置")
		if (end == "extending") { step("extend", "--amount 1 --reason 需要协调产权单位"); continue }
		if (end == "postponing") { step("postpone", "--reason 等待施工许可"); continue }
		if (end == "postponed") { step("postpone", "--reason 等待施工许可"); step("approve"); continue }
		if (end == "suspended") { step("suspend", "--reason 涉及拆迁改造"); continue }
		if (rand() < 0.1) { step("extend", "--amount 1 --reason 需要调运车辆"); if (rand() < 0.7) step("approve"); else step("deny", "--reason 可以按时完成") }
		if (end == "handling") continue
		step("feedback", "--reason 已处置完毕")
		if (end == "handled") continue
		step("check"); if (end == "checking") continue
		if (rand() < 0.12) { step("checked", "--result failed"); step("rework", "--reason 处置不彻底"); step("accept"); step("feedback", "--reason 已重新处置"); step("check") }
		step("checked", "--result passed"); if (end == "checked") continue
		step("close")
	}
}' "$work/classes" >"$work/plan"

now=$(date +%s)
as() { u=$1; shift; runuser -u "$u" -- "$cli" -S "$socket" "$@"; }
who() {
	case $1 in
	verify|verified|check|checked|merge) echo seat1 ;;
	file|reject|close|rework) echo super1 ;;
	dispatch|approve|deny|resume|suspend|urge) echo disp1 ;;
	return) echo shizheng1 ;;	# only after the wrong dispatch to CGW
	*) echo "$duser" ;;
	esac
}
attime() { TZ=Asia/Shanghai date -d "@$1" +%Y-%m-%dT%H:%M; }
say() {		# what a caller or a collector says, varied by the case number
	k=$(($1 % 6))
	set -- "，影响行人通行" "，群众反映强烈" "，已持续两三天" "" "，请尽快处理" "，有安全隐患"
	shift $k; echo "$1"
}
reporter() {
	k=$(($1 % 8))
	set -- 张先生 李女士 王先生 赵女士 刘先生 陈女士 杨先生 周女士
	shift $k; echo "$1"
}
# Register a case; sets c.  Arguments: number, source, time, client ref.
register() {
	who_reports="--reporter-name $(reporter "$1") --reporter-phone 139$(printf %08d $(($1 * 7919 % 100000000)))"
	[ "$2" = collector ] && who_reports="--collector $(sed -n "$(($1 % 49 + 1))p" "$work/collectors" | cut -d' ' -f1)"
	# shellcheck disable=SC2086
	c=$(as seat1 --json case new --kind "$kind" --class "$class" --source "$2" \
	    --description "$text$(say "$1")" $where $who_reports $urgent \
	    --client-ref "${4:-$ref-$1}" --at "$(attime "$3")" 2>"$work/err" |
	    sed -n 's/.*"case_no": *"\([^"]*\)".*/\1/p')
	if [ -n "$c" ]; then made=$((made + 1)); else echo "demo: case $1: $(cat "$work/err")" >&2; fi
}
made=0 steps=0 c= last= lastt0=0
while read -r what a b cc d e f g h; do
	case $what in
	CASE)
		src=$b kind=$cc class=$d dept=$e duser=$f
		t0=$((now - g * 60))
		urgent=
		[ "$h" = 1 ] && urgent=--urgent
		name=$(awk -v k="$kind" -v c="$class" '$1 == k && $2 == c { print $6 }' "$work/classes")
		place=$(sed -n "$((a % 2000 + 1))p" "$work/places")
		lon=${place%% *}; rest=${place#* }; lat=${rest%% *}; addr=${rest#* }
		if [ "$kind" = component ]; then
			awk -v k="$class" '$1 == k { print $2 }' "$work/components" >"$work/comps"
			comp=$(sed -n "$((a % $(wc -l <"$work/comps") + 1))p" "$work/comps")
			where="--component $comp"
			text="部件$comp$name"
		else
			where="--lon $lon --lat $lat --address $addr"
			text="$addr附近$name"
		fi
		register "$a" "$src" "$t0"
		last=$c lastt0=$t0
		;;
	DUP)	# the same problem reported again by a passer-by, then merged
		[ -n "$last" ] || continue
		t=$((lastt0 + 40 * 60))
		[ $t -lt $((now - 300)) ] || continue
		register "$a" public "$t" "$ref-$a-again"
		if [ -n "$c" ] && as seat1 case merge "$c" --duplicate-of "$last" \
		    --at "$(attime $((t + 600)))" >/dev/null 2>"$work/err"; then
			steps=$((steps + 1))
		else
			echo "demo: merge $c into $last: $(cat "$work/err")" >&2
		fi
		c=
		;;
	STEP)
		[ -n "$c" ] || continue
		t=$((t0 + b * 60))
		[ $t -lt $((now - 300)) ] || { c=; continue; }	# not yet: the case waits here
		u=$(who "$a")
		more=
		[ "$a" = dispatch ] && [ -z "$cc" ] && more="--department $dept"
		# shellcheck disable=SC2086
		if as "$u" case "$a" "$c" $cc $d $e $f $g $h $more --at "$(attime $t)" >/dev/null 2>"$work/err"; then
			steps=$((steps + 1))
		else
			echo "demo: $u $a $c: $(cat "$work/err")" >&2
			c=
		fi
		;;
	esac
done <"$work/plan"
echo "demo: $made cases, $steps steps through the workflow"
