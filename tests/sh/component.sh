# Census and change management of components (部件普查与更新): add,
# move, change owner, retire, each a revision with who, when and why;
# cases keep the revision they were about; plain SQL edits (QGIS, psql)
# are recorded too; only an admin edits.
. tests/sh/tap.env
need_root
. tests/sh/import.env
t=$cg_tmp
run() { "$@" >"$t/out" 2>"$t/err"; rc=$?; }
has() { grep -q -- "$1" "$t/out" "$t/err"; }
rc_has() { [ "$rc" = "$1" ] && has "$2"; }
id=1101010101900101

# Add: a point in grid A, then a move into another grid B.
a=$(sql "SELECT grid FROM cg_locate(116.3900, 39.9212)")
b=$(sql "SELECT grid FROM cg_locate(116.3930, 39.9180)")
run as admin1 component add $id --lon 116.3900 --lat 39.9212 --dept-owner GAFJ --reason 普查新增
check "component add" rc_has 0 "新增, 现为版本 1, 网格 $a"
check "  its grid is the one covering it, its name the class's" \
    [ "$(sql "SELECT grid || ' ' || name || ' ' || revision FROM component WHERE id = '$id'")" = "$a 上水井盖 1" ]
run as admin1 component add $id --lon 116.3900 --lat 39.9212
check "  the same id again is refused" rc_has 65 "部件 $id 已存在"
run as admin1 component add 1101010101900102 --lon 116.2 --lat 39.8
check "  a place outside every grid is refused" rc_has 65 "不在任何一个网格内"
run as seat1 component add 1101010101900103 --lon 116.3900 --lat 39.9212
check "  a seat operator may not add (exit 77)" rc_has 77 "需要角色: 系统管理员"

# A case about revision 1.
run as seat1 --json case new --source hotline --component $id --description "井盖松动"
c1=$(jq -r .case_no "$t/out")
check "a case about the component" [ -n "$c1" -a "$c1" != null ]
check "  points at revision 1" [ "$(sql "SELECT component_revision FROM cases WHERE case_no = '$c1'")" = 1 ]

run as admin1 component move $id --lon 116.3930 --lat 39.9180 --reason "测量更正"
check "component move: revision 2, the grid follows" rc_has 0 "移动, 现为版本 2, 网格 $b"
run as admin1 component move $id --lon 116.3930 --lat 39.9180
check "  a move needs a reason" rc_has 64 "缺少选项 --reason"
run as admin1 component move $id --lon 116.3930 --lat 39.9180 --reason 再测
check "  a move to where it is changes nothing and says so" rc_has 65 "没有变化"
run as admin1 component set-owner $id --owner CGW --maint GDGS --reason "移交"
check "component set-owner: revision 3" rc_has 0 "变更部门, 现为版本 3"
check "  the departments changed" [ "$(sql "SELECT o.code || ' ' || m.code FROM component c JOIN department o ON o.id = c.dept_owner JOIN department m ON m.id = c.dept_maint WHERE c.id = '$id'")" = "CGW GDGS" ]
run as admin1 component set-owner $id --owner NOSUCH --reason x
check "  an unknown department: E_NOTFOUND (exit 66)" rc_has 66 "部门 NOSUCH 不存在"

run as seat1 --json case new --source hotline --component $id --description "井盖破损"
c3=$(jq -r .case_no "$t/out")
check "a second case points at revision 3" [ "$(sql "SELECT component_revision FROM cases WHERE case_no = '$c3'")" = 3 ]
check "  the first still at revision 1" [ "$(sql "SELECT component_revision FROM cases WHERE case_no = '$c1'")" = 1 ]

# A plain SQL edit, as QGIS would make it.
sql "UPDATE component SET name = '上水井盖 (改)' WHERE id = '$id'" >/dev/null
check "a plain SQL edit makes revision 4, by the database role" \
    [ "$(sql "SELECT revision || ' ' || change || ' ' || actor_name FROM component_history WHERE component = '$id' ORDER BY revision DESC LIMIT 1")" = "4 edit citygrid" ]
sql "UPDATE component SET name = name WHERE id = '$id'" >/dev/null
check "  an update that changes nothing makes no revision" [ "$(sql "SELECT revision FROM component WHERE id = '$id'")" = 4 ]

run as admin1 component retire $id --reason "道路改造拆除"
check "component retire: revision 5, status 移除" rc_has 0 "撤销, 现为版本 5, .*状态 移除"
run as admin1 component retire $id --reason again
check "  retiring again is refused" rc_has 65 "已于 .* 撤销"
run as seat1 case new --source hotline --component $id --description "井盖丢失"
check "  a new case about a retired component is refused" rc_has 65 "已于 .* 撤销"
check "  the component stays, with its cases" [ "$(sql "SELECT count(*) FROM cases WHERE component = '$id'")" = 2 ]

# The history.
run as seat1 component history $id
check "component history: every operator may read it" [ $rc = 0 ]
check "  five revisions" [ "$(grep -c '^[1-5]  ' "$t/out")" = 5 ]
grep -q "^2 .*移动 .*赵立新.*$b.*测量更正" "$t/out" && ok "  revision 2: moved by 赵立新 into $b, why" || nok "  revision 2: moved by 赵立新 into $b, why"
grep -q "^1 .*新增 .*$c1" "$t/out" && ok "  revision 1 lists its case $c1" || nok "  revision 1 lists its case $c1"
grep -q "^3 .*变更部门 .*$c3.*移交" "$t/out" && ok "  revision 3 lists case $c3" || nok "  revision 3 lists case $c3"
run as seat1 --json component history $id
check "  --json gives the revisions" [ "$(jq '.history | length' "$t/out")" = 5 ]
run as seat1 component history 1101010101999999
check "  an unknown component: E_NOTFOUND (exit 66)" rc_has 66 "部件 1101010101999999 不存在"

# History is append-only; components are never deleted.
sql "UPDATE component_history SET reason = 'x' WHERE component = '$id'" >"$t/out" 2>&1
check "component_history refuses UPDATE" grep -q "只能追加" "$t/out"
sql "DELETE FROM component WHERE id = '$id'" >"$t/out" 2>&1
check "a component cannot be deleted" grep -q "不能删除" "$t/out"

cg_base_stop
echo "1..$n"
