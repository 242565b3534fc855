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
cp console/citygrid "$run/citygrid"
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
CONF
if ! [ -f var/demo/citygridd.pid ] || ! kill -0 "$(cat var/demo/citygridd.pid)" 2>/dev/null; then
	daemon/citygridd -f "$conf"
	i=0
	until [ -S "$socket" ] && "$run/citygrid" -S "$socket" ping >/dev/null 2>&1; do
		i=$((i + 1)); [ $i -lt 100 ] || { echo "citygridd did not start (see syslog)"; exit 1; }
		sleep 0.1
	done
	sleep 0.5	# the calendar loads
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
cat <<MSG

citygrid demo: 北京市东城区, citygridd on $socket
  consoles:  tmux attach -t $session   (one window per role: 受理 派遣 监督指挥 环卫 推送)
  commands:  $run/citygrid -S $socket case list --open
             runuser -u disp1 -- $run/citygrid -S $socket case list --state filed
             $run/citygrid -S $socket watch
Stop: tmux kill-session -t $session; kill \$(cat var/demo/citygridd.pid); schema/citygrid-db stop
MSG
if [ -t 0 ] && [ -t 1 ] && [ -z "${TMUX:-}" ] && tmux has-session -t $session 2>/dev/null; then
	exec tmux attach -t $session
fi
