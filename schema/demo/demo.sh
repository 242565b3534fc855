#!/bin/sh
# make demo: the embedded store with the demo district, citygridd on it,
# the district's cases made through the workflow, then the consoles.
# Rerunnable: what is already there is kept.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
db=schema/citygrid-db
export CITYGRID_PGDATA=${CITYGRID_PGDATA:-$top/var/pg}
run=/tmp/citygrid-demo-$(id -u)
socket=$run/citygrid.sock
conf=$top/var/demo/citygrid.conf

$db start
$db demo
mkdir -p "$top/var/demo" "$run"
chmod 755 "$run"
# By rename: the consoles of a demo still up run the old one.
cp console/citygrid "$run/citygrid.new" && mv "$run/citygrid.new" "$run/citygrid"
if [ "$(id -u)" = 0 ]; then	# the demo operators log in as themselves
	for u in $($db psql -At -c "SELECT unix_user FROM operator WHERE unix_user <> 'root'"); do
		id "$u" >/dev/null 2>&1 || useradd --system --no-create-home \
		    --home-dir /nonexistent --shell /usr/sbin/nologin "$u"
	done
fi
cat >"$conf" <<CONF
; citygridd for the demo district; see citygrid.conf(5)
[daemon]
socket = $socket
socket_mode = 0666
pidfile = $top/var/demo/citygridd.pid
[database]
conninfo = $($db url)
[workflow]
backdating = 1
[cradle]
ports = $run/cradle-1
rescan = 2
CONF
# A cradle for the demo handheld: a pseudo-terminal pair, the daemon on
# one end (cradle:ports above), the reference handheld on the other.
if ! [ -f var/demo/socat.pid ] || ! kill -0 "$(cat var/demo/socat.pid)" 2>/dev/null; then
	if command -v socat >/dev/null; then
		setsid socat pty,raw,echo=0,link="$run/cradle-1" \
		    pty,raw,echo=0,link="$run/handheld-1" 2>/dev/null &
		echo $! >var/demo/socat.pid
	fi
fi
if ! [ -f var/demo/citygridd.pid ] || ! kill -0 "$(cat var/demo/citygridd.pid)" 2>/dev/null; then
	daemon/citygridd -f "$conf"
	i=0
	until [ -S "$socket" ] && "$run/citygrid" -S "$socket" ping >/dev/null 2>&1; do
		i=$((i + 1)); [ $i -lt 100 ] || { echo "citygridd did not start (see syslog)"; exit 1; }
		sleep 0.1
	done
	sleep 0.5	# the calendar loads
else
	kill -HUP "$(cat var/demo/citygridd.pid)"	# the [cradle] keys above
fi
if [ "$($db psql -At -c "SELECT count(*) FROM cases WHERE client_ref LIKE 'demo-%'")" = 0 ]; then
	if [ "$(id -u)" = 0 ]; then
		schema/demo/cases.sh "$socket" 300
	else
		echo "demo cases: run make demo as root to make them (it acts as the demo operators)"
	fi
fi
# The consoles: a tmux session with one window per role, each as its
# demo operator, and one watching every step with the CLI.
session=citygrid-demo
keys="CITYGRID_KEYMAPS=$top/keymaps"
if command -v tmux >/dev/null && [ "$(id -u)" = 0 ] && ! tmux has-session -t $session 2>/dev/null; then
	tmux new-session -d -s $session -n 受理 -x 200 -y 50 \
	    "runuser -u seat1 -- env $keys $run/citygrid -S $socket seat; sh"
	tmux new-window -t $session -n 派遣 "runuser -u disp1 -- env $keys $run/citygrid -S $socket dispatch; sh"
	tmux new-window -t $session -n 监督指挥 "runuser -u super1 -- env $keys $run/citygrid -S $socket supervise; sh"
	tmux new-window -t $session -n 环卫 "runuser -u huanwei1 -- env $keys $run/citygrid -S $socket dept; sh"
	tmux new-window -t $session -n 推送 "$run/citygrid -S $socket watch"
	tmux select-window -t $session:0
fi
if command -v tmux >/dev/null && tmux has-session -t $session 2>/dev/null; then
	if [ -e "$run/handheld-1" ]; then
		# C001's handheld docks at 115200 baud with five new reports,
		# in C001's grids; they come up in the 受理 window as they commit.
		$db psql -At -c "SELECT ST_X(p) || ' ' || ST_Y(p) FROM (SELECT
		    ST_PointOnSurface(g.geom) p FROM collector_grid cg JOIN grid g ON
		    g.code = cg.grid JOIN collector k ON k.id = cg.collector
		    WHERE k.code = 'C001' ORDER BY g.code LIMIT 5) x" >var/demo/places-C001
		unit=$top/var/demo/handheld-$(date +%Y%m%d%H%M%S)
		tmux new-window -d -t $session -n 手持机 "sleep 3; $top/tests/cradle-emu \\
		    -s $unit --device CGT-0001 --collector C001 --reports 5 \\
		    --photo-size 60000 --places $top/var/demo/places-C001 \\
		    --throttle 115200 --answer yes $run/handheld-1; sh"
	fi
fi
cat <<MSG

citygrid demo: 北京市东城区, citygridd on $socket
  consoles:  tmux attach -t $session   (one window per role: 受理 派遣 监督指挥 环卫 推送;
             手持机: handheld CGT-0001 of C001 docking five reports over $run/handheld-1)
  commands:  $run/citygrid -S $socket case list --open
             runuser -u disp1 -- $run/citygrid -S $socket case list --state filed
             $run/citygrid -S $socket watch
Stop: tmux kill-session -t $session; kill \$(cat var/demo/citygridd.pid) \$(cat var/demo/socat.pid); schema/citygrid-db stop
MSG
if [ -t 0 ] && [ -t 1 ] && [ -z "${TMUX:-}" ] && tmux has-session -t $session 2>/dev/null; then
	exec tmux attach -t $session
fi
