# The evaluation (citygrid-evaluation(7)) against a scripted scenario:
# 13 cases driven through the real workflow by the demo operators with
# the CLI, dated (workflow:backdating = 1) on Monday 2025-03-31 (D1)
# and Tuesday 2025-04-01 (D2), across the month and quarter boundary,
# in three grids of community 110101001005 patrolled by collector C001.
# Every indicator and composite is checked against a value computed by
# hand, with the computation in the comment beside it.  Then the
# calendar is edited after the fact (D1 made a holiday) and no verdict
# and no figure may change.  Last, eval.indicators and eval.scores
# through the daemon, with their roles.
#
# Working time is 08:30-12:00 and 13:30-17:30.  Every stage but handling
# has 1 work_hour here; handling has 4 work_hour (暴露垃圾, condition
# 010202, every area class).  ✓ on time, ✗ late; "dl" a deadline.
. tests/sh/tap.env
need_root
command -v jq >/dev/null || { echo "1..0 # SKIP no jq"; exit 0; }
command -v socat >/dev/null || { echo "1..0 # SKIP no socat"; exit 0; }
cg_extra_conf='[workflow]
backdating = 1
[limits]
verify_send = 1 work_hour
verify = 1 work_hour
file = 1 work_hour
dispatch = 1 work_hour
check_send = 1 work_hour
check = 1 work_hour
close = 1 work_hour'
. tests/sh/daemon.env
trap cg_stop EXIT
tmp=$cg_run
db=schema/citygrid-db
sql() { $db psql -At -c "$1"; }

G1=110101001005001 G2=110101001005002 G3=110101001005003 G4=110101001005004
COMM=110101001005 S=110101001 DIST=110101
D1=2025-03-31 D2=2025-04-01

fails=0
# st USER ACTION CASE HH:MM|DAYTHH:MM [ARGS...]: one dated step.
st() {
	u=$1 a=$2 c=$3 at=$4
	shift 4
	case $at in *T*) ;; *) at="${D1}T$at" ;; esac
	if ! as "$u" case "$a" "$c" --at "$at" "$@" >"$tmp/out" 2>&1; then
		echo "# $u $a $c at $at: $(cat "$tmp/out")"
		fails=$((fails + 1))
	fi
}
ncases=0
# new NAME SOURCE GRID HH:MM [ARGS...]: seat1 registers; sets $NAME to the case number.
new() {
	cname=$1 src=$2 g=$3 at=$4
	shift 4
	case $at in *T*) ;; *) at="${D1}T$at" ;; esac
	ncases=$((ncases + 1))
	no=$(as seat1 --json case new --kind event --class 0102 --condition 010202 \
	    --source "$src" --description "评价测试 $cname" --grid "$g" --at "$at" \
	    --reporter-name 测试 --reporter-phone 13800000000 --client-ref "eval-$$-$cname" "$@" |
	    sed -n 's/.*"case_no": *"\([^"]*\)".*/\1/p')
	[ -n "$no" ] || { echo "# case $cname not registered"; fails=$((fails + 1)); }
	eval "$cname=\$no"
}
# front NAME GRID DEPT DEPTUSER: hotline at 09:00, verify 09:10 ✓ (dl 10:00),
# verified 09:20 ✓ (dl 10:10), file 09:30 ✓ (dl 10:00), dispatch 09:40 ✓
# (dl 10:30), accept 10:00; handling dl 09:40 + 4 wh = 15:10.
front() {
	new "$1" hotline "$2" 09:00
	eval "c=\$$1"
	st seat1 verify "$c" 09:10
	st seat1 verified "$c" 09:20 --result confirmed --note 现场确认
	st super1 file "$c" 09:30
	st disp1 dispatch "$c" 09:40 --department "$3"
	st "$4" accept "$c" 10:00
}

# A (G1): all on time.  verify_send dl 10:00, verify 09:10 ✓; verify dl 10:10,
# verified 09:30 ✓; file dl 10:00, 09:40 ✓; dispatch dl 10:40, 10:00 ✓;
# handle dl 15:30, feedback 11:00 ✓; check_send dl 12:00, check 11:10 ✓;
# check dl 12:10, checked 11:30 ✓; close dl 12:30, close 11:40 ✓.
new A hotline $G1 09:00
st seat1 verify "$A" 09:10
st seat1 verified "$A" 09:30 --result confirmed
st super1 file "$A" 09:40
st disp1 dispatch "$A" 10:00 --department HWZX
st huanwei1 accept "$A" 10:30
st huanwei1 feedback "$A" 11:00 --reason 已清运
st seat1 check "$A" 11:10
st seat1 checked "$A" 11:30 --result passed
st super1 close "$A" 11:40

# B (G1): C001's own report, registered 16:00 (no verify_send); file dl
# 17:00, 16:30 ✓; dispatch dl 17:30, 17:45 ✗; handle from 17:45, dl D2
# 08:30 + 3.5 h = 12:00, + 0.5 h = 14:00; feedback D2 15:00 ✗; check_send
# dl 16:00, 15:10 ✓; check dl 16:10, 15:20 ✓; close dl 16:20, 15:30 ✓.
new B collector $G1 16:00 --collector C001
st super1 file "$B" 16:30
st disp1 dispatch "$B" 17:45 --department HWZX
st huanwei1 accept "$B" ${D2}T09:00
st huanwei1 feedback "$B" ${D2}T15:00 --reason 已清运
st seat1 check "$B" ${D2}T15:10
st seat1 checked "$B" ${D2}T15:20 --result passed
st super1 close "$B" ${D2}T15:30

# C (G1): rework.  verify 09:05 ✓, verified 09:20 ✓ (dl 10:05), file 09:30 ✓,
# dispatch 09:40 ✓ (dl 10:30); handle #1 dl 15:10, feedback 10:30 ✓;
# check_send dl 11:30, check 10:40 ✓; check dl 11:40, checked failed 11:50 ✗;
# rework 11:55 (ends the close stage, not a 结案); handle #2 dl 11:55 + 5 min
# + 3 h 55 = 17:25, feedback 14:00 ✓; check_send dl 15:00, check 14:10 ✓;
# check dl 15:10, checked 14:30 ✓; close dl 15:30, close 14:40 ✓.
new C hotline $G1 09:00
st seat1 verify "$C" 09:05
st seat1 verified "$C" 09:20 --result confirmed
st super1 file "$C" 09:30
st disp1 dispatch "$C" 09:40 --department HWZX
st huanwei1 accept "$C" 10:00
st huanwei1 feedback "$C" 10:30 --reason 已清运
st seat1 check "$C" 10:40
st seat1 checked "$C" 11:50 --result failed --note 仍有残留
st super1 rework "$C" 11:55 --reason 清理不彻底
st huanwei1 accept "$C" 13:40
st huanwei1 feedback "$C" 14:00 --reason 已彻底清理
st seat1 check "$C" 14:10
st seat1 checked "$C" 14:30 --result passed
st super1 close "$C" 14:40

# D (G1): extension.  front; extend 2 wh at 10:30, approved 10:40: handle
# dl 15:10 + 2 wh = 17:10; feedback 16:30 ✓; check_send dl 17:30, check
# 16:40 ✓; check dl 16:40 + 50 min + 10 min = D2 08:40, checked 16:50 ✓;
# close dl 16:50 + 40 min + 20 min = D2 08:50, close D2 09:00 ✗.
front D $G1 HWZX huanwei1
st huanwei1 extend "$D" 10:30 --amount 2 --reason 需要调运大型车辆
st disp1 approve "$D" 10:40
st huanwei1 feedback "$D" 16:30 --reason 已清运
st seat1 check "$D" 16:40
st seat1 checked "$D" 16:50 --result passed
st super1 close "$D" ${D2}T09:00

# E (G2): postponement 缓办.  front; postpone 10:10, approved 10:20: the
# clock stops with 1 h 40 + 1 h 40 = 3 h 20 left of dl 15:10; resumed D2
# 09:00: dl 09:00 + 3 h + 20 min = 13:50; feedback D2 10:00 ✓; check 10:10 ✓
# (dl 11:00), checked 10:20 ✓ (dl 11:10), close 10:30 ✓ (dl 11:20).
front E $G2 HWZX huanwei1
st huanwei1 postpone "$E" 10:10 --reason 等待产权单位确认
st disp1 approve "$E" 10:20
st disp1 resume "$E" ${D2}T09:00
st huanwei1 feedback "$E" ${D2}T10:00 --reason 已清运
st seat1 check "$E" ${D2}T10:10
st seat1 checked "$E" ${D2}T10:20 --result passed
st super1 close "$E" ${D2}T10:30

# F (G2): 挂账 at 10:10, and it stays suspended: its clock stopped.
front F $G2 HWZX huanwei1
st disp1 suspend "$F" 10:10 --reason 涉及拆迁
# G (G2): ZFJ accepts and never feeds back: handle dl 15:10 D1, overdue.
front G $G2 ZFJ zhifa1

# H (G2): dispatched to YLJ 09:40 ✓, returned 10:00 (handle ended by a
# return: no 处置); dispatch again dl 11:00, 10:30 ✓ to HWZX; handle dl
# 10:30 + 1.5 h + 2.5 h = 16:00, feedback 15:00 ✓; check_send dl 16:00,
# check 16:10 ✗; check dl 17:10, checked 16:20 ✓; close dl 17:20, 16:30 ✓.
new H hotline $G2 09:00
st seat1 verify "$H" 09:10
st seat1 verified "$H" 09:20 --result confirmed
st super1 file "$H" 09:30
st disp1 dispatch "$H" 09:40 --department YLJ
st yuanlin1 return "$H" 10:00 --reason 不属本部门职责
st disp1 dispatch "$H" 10:30 --department HWZX
st huanwei1 accept "$H" 11:00
st huanwei1 feedback "$H" 15:00 --reason 已清运
st seat1 check "$H" 16:10
st seat1 checked "$H" 16:20 --result passed
st super1 close "$H" 16:30

# I (G3): verified not found 09:20 ✓, rejected 09:30.
new I hotline $G3 09:00
st seat1 verify "$I" 09:10
st seat1 verified "$I" 09:20 --result not_found
st super1 reject "$I" 09:30 --reason 现场未发现问题

# J (G3): verify_send dl 10:00, verify 10:30 ✗; verify dl 11:30, verified
# 11:45 ✗; file dl 10:00, 13:45 ✗; dispatch dl 14:45, 13:50 ✓ to ZFJ; handle
# dl 13:50 + 3 h 40 = 17:30, + 20 min = D2 08:50; never accepted.
new J hotline $G3 09:00
st seat1 verify "$J" 10:30
st seat1 verified "$J" 11:45 --result confirmed
st super1 file "$J" 13:45
st disp1 dispatch "$J" 13:50 --department ZFJ

# K (G3): a public report of J's problem, merged into J (its verify_send
# ends by the merge: no 核实派发 was due).
new K public $G3 09:30
st seat1 merge "$K" 09:35 --duplicate-of "$J"

# L (G3): C001's own report at 10:00, rejected 10:20: not 有效.
new L collector $G3 10:00 --collector C001
st super1 reject "$L" 10:20 --reason 不属于管理范围

# M (G3): reported D1 17:00 (verify_send and file dl 17:00 + 30 min + 30 min
# = D2 09:00), verify 17:20 ✓ (dl D2 09:20), verified D2 08:50 ✓; file D2
# 09:10 ✗; dispatch dl 10:10, 09:20 ✓; handle dl 09:20 + 2 h 40 + 1 h 20 =
# 14:50, feedback 10:00 ✓; check 10:10 ✓, checked 10:20 ✓, close 10:30 ✓.
new M hotline $G3 17:00
st seat1 verify "$M" 17:20
st seat1 verified "$M" ${D2}T08:50 --result confirmed
st super1 file "$M" ${D2}T09:10
st disp1 dispatch "$M" ${D2}T09:20 --department HWZX
st huanwei1 accept "$M" ${D2}T09:30
st huanwei1 feedback "$M" ${D2}T10:00 --reason 已清运
st seat1 check "$M" ${D2}T10:10
st seat1 checked "$M" ${D2}T10:20 --result passed
st super1 close "$M" ${D2}T10:30

check "the scenario's 13 cases were registered" test "$ncases" -eq 13
check "every step of the scenario succeeded" test "$fails" -eq 0
check "its cases end as planned" test "$(sql "SELECT string_agg(state, ',' ORDER BY client_ref)
    FROM cases WHERE client_ref LIKE 'eval-$$-%'")" = \
    "closed,closed,closed,closed,closed,suspended,handling,closed,rejected,dispatched,merged,rejected,closed"

# The stored verdicts the hand computation above rests on: per case, its
# stages in order as stage:✓/✗/open.
verdicts() {
	sql "SELECT string_agg(s.stage || ':' || CASE WHEN s.on_time THEN '✓'
		WHEN NOT s.on_time THEN '✗' ELSE 'open' END, ' ' ORDER BY s.id)
	     FROM case_stage s JOIN cases c ON c.id = s.case_id WHERE c.case_no = '$1'"
}
vcheck() { check "stored verdicts of $1" test "$(verdicts "$2")" = "$3"; }
vcheck A "$A" "file:✓ verify_send:✓ verify:✓ dispatch:✓ handle:✓ check_send:✓ check:✓ close:✓"
vcheck B "$B" "file:✓ dispatch:✗ handle:✗ check_send:✓ check:✓ close:✓"
vcheck C "$C" "file:✓ verify_send:✓ verify:✓ dispatch:✓ handle:✓ check_send:✓ check:✗ close:✓ handle:✓ check_send:✓ check:✓ close:✓"
vcheck D "$D" "file:✓ verify_send:✓ verify:✓ dispatch:✓ handle:✓ check_send:✓ check:✓ close:✗"
vcheck H "$H" "file:✓ verify_send:✓ verify:✓ dispatch:✓ handle:✓ dispatch:✓ handle:✓ check_send:✗ check:✓ close:✓"
vcheck J "$J" "file:✗ verify_send:✗ verify:✗ dispatch:✓ handle:open"
vcheck M "$M" "file:✗ verify_send:✓ verify:✓ dispatch:✓ handle:✓ check_send:✓ check:✓ close:✓"

# ev KIND FROM TO OBJECT INDICATOR: the value (NULL prints as "null").
ev() {
	sql "SELECT coalesce(value::text, 'null') FROM cg_eval('$1', '$2', '$3')
	     WHERE object_code = '$4' AND indicator = '$5'"
}
# is KIND FROM TO OBJECT INDICATOR EXPECTED: one check.
is() {
	got=$(ev "$1" "$2" "$3" "$4" "$5")
	if [ "$got" = "$6" ]; then ok "$1 $4 $5 [$2, $3) = $6"
	else nok "$1 $4 $5 [$2, $3) = $6 (got '$got')"; fi
}
sc() {
	sql "SELECT coalesce(score::text, 'null') || ' ' || coalesce(grade, '-')
	     FROM cg_eval_score('$1', '$2', '$3') WHERE object_code = '$4'"
}
score_is() {
	got=$(sc "$1" "$2" "$3" "$4")
	if [ "$got" = "$5" ]; then ok "$1 $4 composite [$2, $3) = $5"
	else nok "$1 $4 composite [$2, $3) = $5 (got '$got')"; fi
}
MAR="2025-03-01 2025-04-01" APR="2025-04-01 2025-05-01" WK="2025-03-31 2025-04-07"
FEB="2025-02-01 2025-03-01" DAY1="2025-03-31 2025-04-01"

# --- 监督员 C001 ---
# March: own reports B, L -> 上报 2; B filed, L rejected -> 有效 1, 1/2.
is collector $MAR C001 reports 2
is collector $MAR C001 valid_reports 1
is collector $MAR C001 valid_rate 0.5000
# Filed in March in his grids: A B C D E F G H J = 9; not his own and
# confirmed: A C D E F G H J = 8 -> 漏报 8, 8/9.
is collector $MAR C001 missed 8
is collector $MAR C001 missed_rate 0.8889
# Verify stages ended by a result in March: A C D E F G H I ✓, J ✗ -> 8/9
# (M's ends in April; at March's end it is not yet late).
is collector $MAR C001 verify_on_time_rate 0.8889
# Check stages: A ✓, C#1 ✗, C#2 ✓, D ✓, H ✓ -> 4/5.
is collector $MAR C001 check_on_time_rate 0.8000
# April: no own report -> 有效上报率 no data (0/0), not 0 nor 1.
is collector $APR C001 reports 0
is collector $APR C001 valid_rate null
# Filed in April: M, confirmed -> 1/1; verify M ✓ 1/1; checks B E M ✓ 3/3.
is collector $APR C001 missed_rate 1.0000
is collector $APR C001 verify_on_time_rate 1.0000
is collector $APR C001 check_on_time_rate 1.0000
# A collector with nothing: no data.
is collector $MAR C002 verify_on_time_rate null
# Composite March: 50 x 40 + (100 - 88.89) x 20 + 88.89 x 20 + 80 x 20
# = 2000 + 222.2 + 1777.8 + 1600 = 5600 / 100 = 56.00, D (40-60).
score_is collector $MAR C001 "56.00 D"
# April: 有效上报率 drops out: (0 x 20 + 100 x 20 + 100 x 20) / 60 = 66.67, C.
score_is collector $APR C001 "66.67 C"
score_is collector $MAR C002 "null -"

# --- 受理员 seat1 ---
# Registered in March: A..M = 13.
is seat $MAR seat1 accepted 13
# verify_send ended by a verify: A C D E F G H I M ✓, J ✗ -> 9/10 (K merged: not due).
is seat $MAR seat1 verify_send_rate 0.9000
# check_send ended by a check: A, C#1, C#2, D ✓, H ✗ -> 4/5.
is seat $MAR seat1 check_send_rate 0.8000
# April: none registered; no verify sent -> no data; checks B E M ✓ 3/3.
is seat $APR seat1 accepted 0
is seat $APR seat1 verify_send_rate null
is seat $APR seat1 check_send_rate 1.0000
is seat $MAR seat2 verify_send_rate null
# Composite March: 受理数 13 x 30 / 31 days = 12.6 < 101 -> 0;
# 0 x 25 + 90 x 40 + 80 x 35 = 6400 / 100 = 64.00, C.
score_is seat $MAR seat1 "64.00 C"
# The day D1 alone: 13 x 30 / 1 = 390 < 501 -> 60; 1500 + 3600 + 2800 = 79.00, B.
score_is seat $DAY1 seat1 "79.00 B"
# April: (0 x 25 + 100 x 35) / 60 = 58.33, D.
score_is seat $APR seat1 "58.33 D"
score_is seat $MAR seat2 "null -"

# --- 值班长 super1 ---
# Filed by him in March: A B C D E F G H ✓, J ✗ -> 9, 8/9; none voided 9/9.
is supervisor $MAR super1 filed 9
is supervisor $MAR super1 on_time_file_rate 0.8889
is supervisor $MAR super1 accurate_file_rate 1.0000
# Closed in March: A C H ✓ -> 3, 3/3 (C's rework is not a 结案).
is supervisor $MAR super1 closed 3
is supervisor $MAR super1 on_time_close_rate 1.0000
# April: M filed ✗ -> 0/1 = 0 (data, late), not no data.
is supervisor $APR super1 on_time_file_rate 0.0000
# Closed in April: B ✓, D ✗, E ✓, M ✓ -> 3/4.
is supervisor $APR super1 closed 4
is supervisor $APR super1 on_time_close_rate 0.7500
# Composite March: 88.89 x 25 + 100 x 40 + 100 x 35 = 9722.25 / 100 = 97.22, A.
score_is supervisor $MAR super1 "97.22 A"
# April: 0 x 25 + 100 x 40 + 75 x 35 = 6625 / 100 = 66.25, C.
score_is supervisor $APR super1 "66.25 C"

# --- 派遣员 disp1 ---
# March: A C D E F G H#1 H#2 J ✓, B ✗ -> 10, 9/10; H#1 returned -> (10-1)/10.
is dispatcher $MAR disp1 dispatched 10
is dispatcher $MAR disp1 on_time_dispatch_rate 0.9000
is dispatcher $MAR disp1 accurate_dispatch_rate 0.9000
is dispatcher $APR disp1 dispatched 1
is dispatcher $APR disp1 on_time_dispatch_rate 1.0000
# Composite March: 10 x 30 / 31 < 101 -> 0; 0 + 90 x 40 + 90 x 40 = 72.00, C.
score_is dispatcher $MAR disp1 "72.00 C"
# April: 0 + 100 x 40 + 100 x 40 = 80.00, B.
score_is dispatcher $APR disp1 "80.00 B"

# --- 专业部门 ---
# HWZX March: started A B C#1 C#2 D E F H#2 = 8; fed back A C#1 C#2 D H#2
# = 5, all ✓; at March's end B (dl D2 14:00) is not late, E and F are
# paused -> 超期 0; 应处置 5; 处置率 5/5, 按时 5/5; C#1 reworked 1/5;
# D extended 1/5; closed after A C#2 D H#2 4/5.
is department $MAR HWZX assigned 8
is department $MAR HWZX handled 5
is department $MAR HWZX overdue 0
is department $MAR HWZX due 5
is department $MAR HWZX handle_rate 1.0000
is department $MAR HWZX on_time_handle_rate 1.0000
is department $MAR HWZX rework_rate 0.2000
is department $MAR HWZX extend_rate 0.2000
is department $MAR HWZX close_rate 0.8000
# April: started M = 1; fed back B ✗, E ✓, M ✓ = 3, 2/3; F still suspended
# (paused) is not overdue; nothing reworked or extended; closed 3/3.
is department $APR HWZX assigned 1
is department $APR HWZX handled 3
is department $APR HWZX on_time_handle_rate 0.6667
is department $APR HWZX rework_rate 0.0000
is department $APR HWZX extend_rate 0.0000
is department $APR HWZX close_rate 1.0000
# The week across the boundary counts each handling once: 8 fed back
# (A C#1 C#2 D H#2 B E M), 7 ✓; C#1 reworked 1/8; closed 7/8.
is department $WK HWZX handled 8
is department $WK HWZX on_time_handle_rate 0.8750
is department $WK HWZX rework_rate 0.1250
is department $WK HWZX close_rate 0.8750
# ZFJ March: G and J started = 2; nothing fed back; G (dl D1 15:10) is
# overdue at March's end, J (dl D2 08:50) not yet -> 超期 1, 应处置 1,
# 处置率 0/1 = 0; 返工率 and 结案率 0/0: no data.
is department $MAR ZFJ assigned 2
is department $MAR ZFJ overdue 1
is department $MAR ZFJ handle_rate 0.0000
is department $MAR ZFJ rework_rate null
is department $MAR ZFJ close_rate null
# April: G and J both overdue at its end -> 2.
is department $APR ZFJ overdue 2
# YLJ: H#1 returned: started 1, nothing due -> every rate no data.
is department $MAR YLJ assigned 1
is department $MAR YLJ due 0
is department $MAR YLJ on_time_handle_rate null
# Composites March.  HWZX: 8 x 30 / 31 = 7.7 <= 50 -> 100 x 10; 结案率 80 x 30;
# 按时处置率 100 x 30; (100 - 20) x 30: 1000 + 2400 + 3000 + 2400 = 88.00, B.
score_is department $MAR HWZX "88.00 B"
# April: 1000 + 100 x 30 + 66.67 x 30 + 100 x 30 = 9000.1 / 100 = 90.00, A.
score_is department $APR HWZX "90.00 A"
# ZFJ: 结案率 and 返工率 drop out: (100 x 10 + 0 x 30) / 40 = 25.00, E.
score_is department $MAR ZFJ "25.00 E"
# YLJ: no rate has data -> no composite.
score_is department $MAR YLJ "null -"

# --- 区域 ---
# G1 March: filed A B C D = 4, none suspended -> 应结案 4; all closed now
# (B and D in April: the cohort of March) 4/4; 按期 (every handling ✓):
# A C D, not B -> 3/4; 监督举报 (not a collector's, confirmed) A C D -> 3/4.
is grid $MAR $G1 filed 4
is grid $MAR $G1 closed 4
is grid $MAR $G1 close_rate 1.0000
is grid $MAR $G1 on_time_close_rate 0.7500
is grid $MAR $G1 report_rate 0.7500
# G2: filed E F G H = 4; F suspended -> 应结案 3; closed E H -> 2/3; both on
# time (H's YLJ stage ended by a return, on time) 2/3; reports 4/4.
is grid $MAR $G2 filed 4
is grid $MAR $G2 close_rate 0.6667
is grid $MAR $G2 on_time_close_rate 0.6667
is grid $MAR $G2 report_rate 1.0000
# G3: filed J only (I, L rejected; K merged; M filed in April) -> 0/1.
is grid $MAR $G3 filed 1
is grid $MAR $G3 close_rate 0.0000
is grid $APR $G3 filed 1
is grid $APR $G3 on_time_close_rate 1.0000
# A grid with no case: no data.
is grid $MAR $G4 filed 0
is grid $MAR $G4 close_rate null
# Community, street, district sum their grids: filed 9, 应结案 8, closed 6,
# 按期 5, reports 8 -> 6/8, 5/8, 8/9.
for k in "community $COMM" "street $S" "district $DIST"; do
	set -- $k
	is $1 $MAR $2 filed 9
	is $1 $MAR $2 close_rate 0.7500
	is $1 $MAR $2 on_time_close_rate 0.6250
	is $1 $MAR $2 report_rate 0.8889
done
# The week: filed 10 (+ M), 应结案 9, closed 7 (A B C D E H M), 按期 6 (not B),
# reports 9 (A C D E F G H J M).
is district $WK $DIST filed 10
is district $WK $DIST close_rate 0.7778
is district $WK $DIST on_time_close_rate 0.6667
is district $WK $DIST report_rate 0.9000
# February: nothing at all -> counts 0, rates no data.
is district $FEB $DIST filed 0
is district $FEB $DIST close_rate null
is department $FEB HWZX on_time_handle_rate null
is supervisor $FEB super1 on_time_file_rate null
# Composites March.  G1 (area class A): 4 x 30 / 31 = 3.9 < 5 -> 75;
# (100 - 75) x 10 + 75 x 20 + 100 x 30 + 75 x 40 = 250 + 1500 + 3000 + 3000 = 77.50, B.
score_is grid $MAR $G1 "77.50 B"
# G2: 0 x 10 + 75 x 20 + 66.67 x 30 + 66.67 x 40 = 6166.9 / 100 = 61.67, C.
score_is grid $MAR $G2 "61.67 C"
# G3: 1 x 30 / 31 < 1 -> 100; 0 + 2000 + 0 + 0 = 20.00, E.
score_is grid $MAR $G3 "20.00 E"
# G4: only 立案数 0 -> 100: 100.00, A.
score_is grid $MAR $G4 "100.00 A"
# Community 110101001005 (49 grids): 9 x 30 / 31 / 49 < 1 -> 100; (100 - 88.89) x 10
# + 100 x 20 + 75 x 30 + 62.5 x 40 = 111.1 + 2000 + 2250 + 2500 = 68.61, C.
score_is community $MAR $COMM "68.61 C"

# --- periods, weights ---
check "a month period" test "$(sql "SELECT period_from || ' ' || period_to FROM cg_eval_period('month', '$D1')")" = "2025-03-01 2025-04-01"
check "a week starts on Monday" test "$(sql "SELECT period_from || ' ' || period_to FROM cg_eval_period('week', '2025-04-03')")" = "2025-03-31 2025-04-07"
check "a quarter" test "$(sql "SELECT period_from || ' ' || period_to FROM cg_eval_period('quarter', '$D2')")" = "2025-04-01 2025-07-01"
check "weights of every object sum to 100" test "$(sql "SELECT count(*) FROM (SELECT object FROM eval_weight GROUP BY object HAVING sum(weight) <> 100) x")" -eq 0
$db psql -q -c "UPDATE eval_weight SET weight = 50 WHERE object = 'seat' AND indicator = 'accepted'" >/dev/null 2>"$tmp/err"
check "weights not summing to 100 are refused" grep -q '权重之和须为 100' "$tmp/err"
check "and left as they were" test "$(sql "SELECT weight FROM eval_weight WHERE object = 'seat' AND indicator = 'accepted'")" = 25
$db psql -q -c "BEGIN; UPDATE eval_weight SET weight = 35 WHERE object = 'seat' AND indicator = 'accepted';
    UPDATE eval_weight SET weight = 30 WHERE object = 'seat' AND indicator = 'verify_send_rate'; COMMIT" >/dev/null 2>&1
# With 35/30/35: 0 x 35 + 90 x 30 + 80 x 35 = 5500 / 100 = 55.00, D.
score_is seat $MAR seat1 "55.00 D"
$db psql -q -c "BEGIN; UPDATE eval_weight SET weight = 25 WHERE object = 'seat' AND indicator = 'accepted';
    UPDATE eval_weight SET weight = 40 WHERE object = 'seat' AND indicator = 'verify_send_rate'; COMMIT" >/dev/null 2>&1
score_is seat $MAR seat1 "64.00 C"

# --- a calendar edit after the fact ---
# Every figure and verdict of the scenario, as text.
snapshot() {
	for k in collector seat supervisor dispatcher department grid community district; do
		for p in "$MAR" "$APR" "$WK"; do
			set -- $p
			sql "SELECT md5(string_agg(e::text, '|' ORDER BY e.object_code, e.ord))
			     FROM cg_eval('$k', '$1', '$2') e"
			sql "SELECT md5(string_agg(s::text, '|' ORDER BY s.object_code))
			     FROM cg_eval_score('$k', '$1', '$2') s"
		done
	done
	sql "SELECT md5(string_agg(s.stage || s.deadline || s.on_time::text || s.end_log, '|' ORDER BY s.id))
	     FROM case_stage s JOIN cases c ON c.id = s.case_id WHERE c.client_ref LIKE 'eval-$$-%'"
}
snapshot >"$tmp/before"
# D1 becomes a holiday through the calendar loader, as a late notice would.
days=$(sql "SELECT jsonb_agg(jsonb_build_object('date', day, 'isOffDay', off, 'name', name))
    FROM calendar_day WHERE extract(year FROM day) = 2025")
echo "SELECT cg_calendar_load(2025, :'days'::jsonb || '[{\"date\": \"$D1\", \"isOffDay\": true, \"name\": \"测试调休\"}]', 'eval test')" |
    $db psql -q -v days="$days" >/dev/null
check "D1 is now a day off" test "$(sql "SELECT off FROM calendar_day WHERE day = '$D1'")" = t
snapshot >"$tmp/after"
check "the calendar edit changed no verdict and no figure" cmp -s "$tmp/before" "$tmp/after"
echo "SELECT cg_calendar_load(2025, :'days'::jsonb, 'restored')" | $db psql -q -v days="$days" >/dev/null
check "the calendar is restored" test "$(sql "SELECT count(*) FROM calendar_day WHERE day = '$D1'")" -eq 0

# --- through the daemon ---
hello='{"id":1,"op":"hello","args":{"proto":1}}'
op() {	# USER OP ARGS-JSON: the reply
	{ frame "$hello"; frame '{"id":2,"op":"'"$2"'","args":'"$3"'}'; sleep 3; } |
	    runuser -u "$1" -- socat -t 5 - "UNIX-CONNECT:$cg_socket" 2>/dev/null |
	    tr -d '\000-\010\016-\037' | grep -ao '{"id":2,"ok".*' | head -1
}
r=$(op super1 eval.indicators '{"kind":"department","from":"2025-03-01","to":"2025-04-01"}')
check "eval.indicators as the supervisor: HWZX's 按时处置率 in March" test \
    "$(echo "$r" | jq -r '.result[] | select(.object_code == "HWZX" and .indicator == "on_time_handle_rate") | .value')" = 1
check "and YLJ's is null, no data" test \
    "$(echo "$r" | jq -r '.result[] | select(.object_code == "YLJ" and .indicator == "on_time_handle_rate") | .value')" = null
r=$(op super1 eval.indicators '{"kind":"grid","period":"month","day":"2025-03-15","parent":"'$COMM'"}')
check "a month by period and day, the grids of one community (49 x 5 rows)" test \
    "$(echo "$r" | jq '[.result[] | select(.period_from == "2025-03-01" and .period_to == "2025-04-01")] | length')" -eq 245
r=$(op huanwei1 eval.indicators '{"kind":"department","period":"month","day":"2025-03-31"}')
check "a department's operator sees his own department only" test \
    "$(echo "$r" | jq -r '[.result[].object_code] | unique | join(",")')" = HWZX
r=$(op huanwei1 eval.indicators '{"kind":"seat","period":"month","day":"2025-03-31"}')
check "and not the seats" test "$(echo "$r" | jq -r '.error.code')" = E_ROLE
r=$(op seat1 eval.scores '{"kind":"seat","period":"month","day":"2025-03-31"}')
check "a seat may not ask" test "$(echo "$r" | jq -r '.error.code')" = E_ROLE
r=$(op admin1 eval.scores '{"kind":"supervisor","from":"2025-04-01","to":"2025-05-01"}')
check "eval.scores as admin: super1 66.25 C in April" test \
    "$(echo "$r" | jq -r '.result[] | select(.object_code == "super1") | "\(.score) \(.grade)"')" = "66.25 C"
check "with its terms" test "$(echo "$r" | jq '.result[] | select(.object_code == "super1") | .terms | length')" -eq 3
r=$(op super1 eval.scores '{"kind":"grade"}')
check "an unknown kind is refused" test "$(echo "$r" | jq -r '.error.code')" = E_INVALID
r=$(op super1 eval.scores '{"kind":"grid","from":"2025-04-01","to":"2025-03-01"}')
check "a period ending before it starts is refused" test "$(echo "$r" | jq -r '.error.code')" = E_INVALID
r=$(op super1 eval.scores '{"kind":"grid","from":"2025-04-01"}')
check "from without to is refused" test "$(echo "$r" | jq -r '.error.code')" = E_INVALID
r=$(op super1 eval.indicators '{"kind":"grid","period":"fortnight"}')
check "an unknown period is refused" test "$(echo "$r" | jq -r '.error.code')" = E_INVALID
r=$(op super1 rank.departments '{"day":"2025-03-31"}')
check "rank.departments on D1 is the department indicators: HWZX 5 handled, 5 due" test \
    "$(echo "$r" | jq -r '.result[] | select(.department == "HWZX") | "\(.handled) \(.due) \(.rate)"')" = "5 5 1"
check "ZFJ: 0 of 1 due, 1 overdue" test \
    "$(echo "$r" | jq -r '.result[] | select(.department == "ZFJ") | "\(.handled) \(.due) \(.rate) \(.overdue)"')" = "0 1 0 1"
echo "1..$n"
