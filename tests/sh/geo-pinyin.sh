# The pinyin initials of migration 020 are exactly what
# console/pinyin-gen.sh -s makes from Debian's Unihan today, the same
# extraction as the seat console's table: a difference means Unihan
# changed and needs a new migration, never an edit of an applied one.
. tests/sh/tap.env
unihan=/usr/share/unicode/Unihan_Readings.txt.bz2
if [ ! -f "$unihan" ]; then
	echo "1..0 # SKIP no $unihan (Debian package unicode-data)"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
check "pinyin-gen.sh -s runs" sh -c "sh console/pinyin-gen.sh -s '$unihan' >'$tmp/020.sql'"
check "schema/020-pinyin.sql is what pinyin-gen.sh -s makes" cmp -s "$tmp/020.sql" schema/020-pinyin.sql
check "pinyin-gen.sh makes the console's table" sh -c \
    "sh console/pinyin-gen.sh '$unihan' | cmp -s - console/pinyin-table.c"
# Both tables from one extraction: the same letter for every ideograph.
c=$(sed -n 's/^    "\(.*\)"$/\1/p' console/pinyin-table.c | tr -d '\n' | md5sum)
s=$(sed -n "s/^'\(.*\)'$/\1/p" schema/020-pinyin.sql | tr -d '\n' | md5sum)
check "the console and the database have the same initials" test "$c" = "$s"
for p in "安:a" "东:d" "饿:e" "欧:o" "嗯:n" "十:s"; do
	ch=${p%%:*}
	cp=$(printf %s "$ch" | iconv -f UTF-8 -t UTF-32LE | od -An -tu4 | tr -d ' ')
	got=$(sed -n "s/^'\(.*\)'$/\1/p" schema/020-pinyin.sql | tr -d '\n' | cut -c$((cp - 19968 + 1)))
	check "the initial of $ch is ${p#*:}" test "$got" = "${p#*:}"
done
echo "1..$n"
