# The programs' options, citygrid-db's migration rules and make deps.
# Run by tests/run from the repo top, with the check cluster running.
. tests/sh/tap.env

db=schema/citygrid-db
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; CITYGRID_DBNAME=postgres $db psql -q -c "DROP DATABASE IF EXISTS citygrid_store_t" >/dev/null 2>&1' EXIT

# --help and --version are true: every option --help lists is in the man page.
for p in daemon/citygridd:man/citygridd.8 console/citygrid:man/citygrid.1; do
	man=${p#*:}
	p=${p%:*}
	check "$p --version prints its name and version" sh -c "$p --version | grep -q '^$(basename $p) [0-9]'"
	check "$p --help exits 0" "$p" --help
	for opt in $($p --help | grep -o -- '--[a-z-]*' | sort -u); do
		check "$p option $opt of --help is in $man" grep -q -- "Fl Fl ${opt#--}" "$man"
	done
	check "$p refuses an unknown option" sh -c "! $p --no-such-option"
done
check "citygridd -n prints the defaults" sh -c "daemon/citygridd -n -f /dev/null | grep -q '^standard = CJT214-2007'"
printf '[daemon]\nno_such_key = 1\n' >"$tmp/bad.conf"
check "citygridd -n fails on an unknown key" sh -c "! daemon/citygridd -n -f '$tmp/bad.conf'"
check "citygridd -n names the unknown key" sh -c "daemon/citygridd -n -f '$tmp/bad.conf' 2>&1 | grep -q 'unknown key daemon:no_such_key'"
printf '[worktime]\nperiods = 12:00-08:00\n' >"$tmp/bad2.conf"
check "citygridd -n refuses bad work periods" sh -c "! daemon/citygridd -n -f '$tmp/bad2.conf'"

check "citygrid-db status says running" sh -c "$db status | grep -q '^running: host='"
check "citygrid-db url names the socket directory" sh -c "$db url | grep -q 'host=/'"
check "citygrid-db refuses an unknown command" sh -c "! $db frobnicate"

# Migrations in a scratch database, from a copy of the schema we can edit.
cp -r schema "$tmp/schema"
export CITYGRID_SCHEMA="$tmp/schema" CITYGRID_DBNAME=citygrid_store_t
check "migrate a new database" $db migrate
check "migrate again changes nothing" sh -c "$db migrate 2>&1 | grep -q 'schema up to date'"
printf 'CREATE TABLE store_t_half (x int);\nSELECT no_such_function();\n' >"$tmp/schema/900-broken.sql"
check "a failing migration is refused" sh -c "! $db migrate"
check "a failing migration leaves nothing" sh -c \
    "$db psql -At -c \"SELECT count(*) FROM pg_tables WHERE tablename = 'store_t_half'\" | grep -qx 0"
check "a failing migration is not recorded" sh -c \
    "$db psql -At -c 'SELECT count(*) FROM schema_migration WHERE version = 900' | grep -qx 0"
rm "$tmp/schema/900-broken.sql"
echo "-- edited" >>"$tmp/schema/002-core.sql"
check "an edited applied migration is refused" sh -c "$db migrate 2>&1 | grep -q 'was edited after it was applied'"
unset CITYGRID_SCHEMA CITYGRID_DBNAME

# make deps as a user: with a missing package it prints the apt-get line and fails.
cp Makefile "$tmp/Makefile"
chmod 755 "$tmp"
chmod 644 "$tmp/Makefile"
if [ "$(id -u)" = 0 ]; then
	out=$(runuser -u nobody -- make -s -C "$tmp" deps DEB_PACKAGES="tmux citygrid-no-such-pkg" 2>&1)
	rc=$?
	check "make deps as a user fails when a package is missing" test "$rc" -ne 0
	check "make deps as a user prints the apt-get line" sh -c \
	    "echo '$out' | grep -q 'apt-get install -y --no-install-recommends citygrid-no-such-pkg'"
	check "make deps as a user passes when nothing is missing" \
	    runuser -u nobody -- make -s -C "$tmp" deps DEB_PACKAGES="tmux"
fi
# make install puts programs, schema, data and man pages under DESTDIR.
inst=$tmp/inst
if make -s install DESTDIR="$inst" PREFIX=/usr >"$tmp/install.log" 2>&1; then
	ok "make install DESTDIR=… PREFIX=/usr"
else
	nok "make install: $(tail -3 "$tmp/install.log")"
fi
for f in usr/bin/citygrid usr/sbin/citygridd usr/sbin/citygrid-db \
    usr/share/citygrid/schema/001-codes.sql usr/share/citygrid/schema/data/holiday-cn.csv \
    usr/share/citygrid/schema/demo/cases.sh usr/share/man/man1/citygrid.1 \
    usr/share/man/man5/citygrid.conf.5 usr/share/man/man7/citygrid-protocol.7 \
    usr/share/citygrid/keymaps/dispatch.ini; do
	check "installed $f" test -e "$inst/$f"
done
check "the installed citygrid-db finds the installed schema" \
    grep -qx 'here=/usr/share/citygrid/schema' "$inst/usr/sbin/citygrid-db"
echo "1..$n"
