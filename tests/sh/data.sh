# The reference data converted into the repository (code tables, the
# district's divisions and outline, the holiday calendar) is exactly what
# schema/data/convert-shared makes from ../shared today.  Migrations 003
# and 005 are among its outputs: a difference means the shared data
# changed and needs a new migration, never an edit of an applied one.
. tests/sh/tap.env
shared=$(cd .. && pwd)/shared
if [ ! -d "$shared/standards" ]; then
	echo "1..0 # SKIP no ../shared next to the checkout"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if schema/data/convert-shared "$shared" "$tmp" >/dev/null 2>"$tmp/err"; then
	ok "convert-shared runs"
else
	nok "convert-shared runs: $(cat "$tmp/err")"
fi
for f in 003-classes.sql 005-calendar.sql data/divisions-110101.csv data/110101-outline.geojson \
    data/holiday-cn.csv data/holiday-cn-years.csv; do
	if cmp -s "$tmp/$f" "schema/$f"; then
		ok "schema/$f is what convert-shared makes"
	else
		nok "schema/$f differs from what convert-shared makes"
	fi
done
echo "1..$n"
