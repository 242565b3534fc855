# Photos in the store: citygrid media put|get and the media.put/get
# operations.  A photo sent twice is stored once; read back it is the
# same bytes; an upload broken off resumes from what the store holds
# (shown by a corrupt first chunk that the resumed upload completes and
# the hash check then throws away); bad chunks, hashes, types and sizes
# are refused and change nothing; a step naming a photo not in the store
# is refused; files given to --attachments and --photos are sent first.
# Run by tests/run from the repo top, with the check cluster running.
. tests/sh/tap.env
need_root
. tests/sh/daemon.env
db=schema/citygrid-db
trap cg_stop EXIT
sql() { $db psql -At -c "$1"; }
# talk USER N: frames on stdin, replies on stdout; the connection is held
# until N replies have come (20 s at most; replies of requests that go to
# the database may come in any order), so a loaded machine makes it
# slower, not wrong.
talk() {
	{ cat; i=0; while [ "$(grep -ao '"ok":' "$cg_run/talk.out" 2>/dev/null | wc -l)" -lt "$2" ] &&
	    [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done; } |
	    runuser -u "$1" -- socat -t 1 - "UNIX-CONNECT:$cg_socket" 2>/dev/null >"$cg_run/talk.out"
	cat "$cg_run/talk.out"
	rm -f "$cg_run/talk.out"
}
hello='{"id":1,"op":"hello","args":{"proto":1}}'
jpg=$cg_run/manhole.jpg
png=$cg_run/manhole.png
cp tests/data/manhole.jpg "$jpg"
cp tests/data/manhole.png "$png"
printf 'media.sh %s %s' "$$" "$(date +%s%N)" >>"$png"	# a photo no other test stored
chmod 644 "$jpg" "$png"
jsha=$(sha256sum "$jpg" | cut -c1-64)
psha=$(sha256sum "$png" | cut -c1-64)

# put, put again, get.
out=$(as seat1 media put "$jpg")
case $out in "$jsha  $jpg") ok "media put prints the photo's SHA-256" ;; *) nok "media put prints the photo's SHA-256: $out" ;; esac
row=$(sql "SELECT mime || ' ' || bytes FROM media WHERE sha256 = '$jsha'")
if [ "$row" = "image/jpeg $(wc -c <"$jpg")" ]; then ok "stored as image/jpeg with its size"; else nok "stored as image/jpeg with its size: $row"; fi
out=$(as huanwei1 --json media put "$jpg")
case $out in *"\"sha256\": \"$jsha\""*) ok "a second put of the same photo gives the same hash" ;; *) nok "a second put: $out" ;; esac
if [ "$(sql "SELECT count(*) FROM media WHERE sha256 = '$jsha'")" = 1 ]; then ok "and it is stored once"; else nok "and it is stored once"; fi
mkdir -m 777 "$cg_run/out"
as disp1 media get "$jsha" --output "$cg_run/out/back.jpg"
check "media get --output gives back the same bytes" cmp "$jpg" "$cg_run/out/back.jpg"
as disp1 media get "$jsha" >"$cg_run/back2.jpg"
check "media get to a pipe gives back the same bytes" cmp "$jpg" "$cg_run/back2.jpg"
as disp1 media get "$(printf '%064d' 0)" --output "$cg_run/out/none.jpg" 2>"$cg_run/err"
rc=$?
if [ $rc -ne 0 ] && grep -q "不存在" "$cg_run/err" && [ ! -e "$cg_run/out/none.jpg" ]; then ok "an unknown photo: not found, no file left ($rc)"; else nok "an unknown photo: $rc $(cat "$cg_run/err")"; fi

# A file that is not a photo, and one that is not there.
printf 'just text\n' >"$cg_run/note.txt"
chmod 644 "$cg_run/note.txt"
as seat1 media put "$cg_run/note.txt" 2>"$cg_run/err"
rc=$?
if [ $rc = 66 ] && grep -q "不是照片" "$cg_run/err"; then ok "a text file is not a photo (exit 66)"; else nok "a text file: $rc $(cat "$cg_run/err")"; fi
as seat1 media put "$cg_run/missing.jpg" 2>"$cg_run/err"
rc=$?
if [ $rc = 66 ] && grep -q "无法打开" "$cg_run/err"; then ok "a missing file cannot be opened (exit 66)"; else nok "a missing file: $rc $(cat "$cg_run/err")"; fi

# Resume: the store keeps a first chunk; the CLI asks and sends the rest.
psize=$(wc -c <"$png")
first=$(head -c 300 "$png" | base64 -w0)
put() { echo "{\"id\":$1,\"op\":\"media.put\",\"args\":{\"sha256\":\"$psha\",\"mime\":\"image/png\",\"bytes\":$psize,\"offset\":$2${3:+,\"data\":\"$3\"}}}"; }
{ frame "$hello"; frame "$(put 2 0 "$first")"; frame "$(put 3 0 "$first")"; frame "$(put 4 900 "$first")"; frame "$(put 5 0)"; } |
    talk seat1 5 >"$cg_run/resume.out"
check "a first chunk: the store has 300 bytes" grep -aq '"id":2,"ok":true,"result":{[^}]*"have":300' "$cg_run/resume.out"
check "the same chunk again changes nothing" grep -aq '"id":3,"ok":true,"result":{[^}]*"have":300' "$cg_run/resume.out"
check "a chunk at the wrong offset changes nothing" grep -aq '"id":4,"ok":true,"result":{[^}]*"have":300' "$cg_run/resume.out"
check "a chunk without data only asks" grep -aq '"id":5,"ok":true,"result":{[^}]*"have":300[^}]*"done":false' "$cg_run/resume.out"
out=$(as seat1 media put "$png")
case $out in "$psha  $png") ok "media put resumes after the stored chunk and completes" ;; *) nok "media put resumes: $out" ;; esac
if [ "$(sql "SELECT count(*) FROM media_upload WHERE sha256 = '$psha'")" = 0 ]; then ok "nothing is left half-sent"; else nok "nothing is left half-sent"; fi

# A corrupt first chunk: the resumed upload fails the hash and is dropped.
sql "DELETE FROM media WHERE sha256 = '$psha'" >/dev/null
bad=$(head -c 300 /dev/zero | base64 -w0)
{ frame "$hello"; frame "$(put 2 0 "$bad")"; } | talk seat1 2 >/dev/null
as seat1 media put "$png" 2>"$cg_run/err"
rc=$?
if [ $rc -ne 0 ] && grep -q "与哈希.*不符" "$cg_run/err"; then ok "a resumed upload over corrupt bytes fails the hash check"; else nok "corrupt resume: $rc $(cat "$cg_run/err")"; fi
if [ "$(sql "SELECT count(*) FROM media WHERE sha256 = '$psha'")/$(sql "SELECT count(*) FROM media_upload WHERE sha256 = '$psha'")" = 0/0 ]; then ok "and nothing of it is kept"; else nok "and nothing of it is kept"; fi
out=$(as seat1 media put "$png")
case $out in "$psha  $png") ok "sent again from the start, it is stored" ;; *) nok "sent again: $out" ;; esac

# Bad requests: each refused with E_INVALID, none stores anything.
z=$(printf '%064d' 0)
n0=$(sql "SELECT (SELECT count(*) FROM media) || '/' || (SELECT count(*) FROM media_upload WHERE sha256 IN ('$z', '$jsha'))")
big=$(head -c 600000 /dev/zero | base64 -w0)
{
	frame "$hello"
	frame '{"id":2,"op":"media.put","args":{"sha256":"ABC","mime":"image/png","bytes":5,"offset":0}}'
	frame "{\"id\":3,\"op\":\"media.put\",\"args\":{\"sha256\":\"$z\",\"mime\":\"text/plain\",\"bytes\":5,\"offset\":0}}"
	frame "{\"id\":4,\"op\":\"media.put\",\"args\":{\"sha256\":\"$z\",\"mime\":\"image/png\",\"bytes\":0,\"offset\":0}}"
	frame "{\"id\":5,\"op\":\"media.put\",\"args\":{\"sha256\":\"$z\",\"mime\":\"image/png\",\"bytes\":5,\"offset\":0,\"data\":\"not base64!\"}}"
	frame "{\"id\":6,\"op\":\"media.put\",\"args\":{\"sha256\":\"$z\",\"mime\":\"image/png\",\"bytes\":700000,\"offset\":0,\"data\":\"$big\"}}"
	frame "{\"id\":7,\"op\":\"media.put\",\"args\":{\"sha256\":\"$z\",\"mime\":\"image/png\",\"bytes\":40000000,\"offset\":0}}"
	frame "{\"id\":8,\"op\":\"media.put\",\"args\":{\"sha256\":\"$z\",\"mime\":\"image/png\",\"bytes\":4,\"offset\":0,\"data\":\"AAAAAAAA\"}}"
	frame "{\"id\":9,\"op\":\"media.get\",\"args\":{\"sha256\":\"$jsha\",\"length\":9999999}}"
	frame "{\"id\":10,\"op\":\"media.put\",\"args\":{\"sha256\":\"$jsha\",\"mime\":\"image/jpeg\",\"bytes\":7,\"offset\":0}}"
} | talk seat1 10 >"$cg_run/bad.out"
for i in 2 3 4 5 6 7 8 9 10; do
	if grep -aq "\"id\":$i,\"ok\":false,\"error\":{\"code\":\"E_INVALID\"" "$cg_run/bad.out"; then
		ok "bad media request $i: E_INVALID"
	else
		nok "bad media request $i: E_INVALID: $(grep -ao "\"id\":$i,[^}]*}" "$cg_run/bad.out")"
	fi
done
check "a chunk past the size says so" grep -aq '"id":8,.*超出所报大小' "$cg_run/bad.out"
n1=$(sql "SELECT (SELECT count(*) FROM media) || '/' || (SELECT count(*) FROM media_upload WHERE sha256 IN ('$z', '$jsha'))")
if [ "$n0" = "$n1" ]; then ok "the bad requests stored nothing ($n1)"; else nok "the bad requests stored nothing ($n0 → $n1)"; fi

# Steps with photos: an unknown hash is refused; files are sent first.
c=$(as seat1 --json case new --kind event --class 0102 --source hotline \
    --description 媒体测试垃圾 --lon 116.417 --lat 39.935 |
    sed -n 's/.*"case_no": "\([^"]*\)".*/\1/p')
as super1 case file "$c" >/dev/null && as disp1 case dispatch "$c" --department HWZX >/dev/null &&
    as huanwei1 case accept "$c" >/dev/null
logs() { sql "SELECT count(*) FROM case_log l JOIN cases k ON k.id = l.case_id WHERE k.case_no = '$c'"; }
l0=$(logs)
as huanwei1 case feedback "$c" --reason 已清运 --attachments "$(printf '%064d' 7)" 2>"$cg_run/err"
rc=$?
if [ $rc -ne 0 ] && grep -q "未上传" "$cg_run/err"; then ok "a feedback naming a photo not stored is refused"; else nok "unknown attachment: $rc $(cat "$cg_run/err")"; fi
if [ "$(logs)" = "$l0" ] && [ "$(sql "SELECT state FROM cases WHERE case_no = '$c'")" = handling ]; then ok "and the case is as it was"; else nok "and the case is as it was"; fi
cp tests/data/manhole.png "$cg_run/after.png"
printf '\n' >>"$cg_run/after.png"	# another photo: another hash
chmod 644 "$cg_run/after.png"
asha=$(sha256sum "$cg_run/after.png" | cut -c1-64)
as huanwei1 case feedback "$c" --reason 已清运 --attachments "$cg_run/after.png,$jsha" >/dev/null 2>"$cg_run/err"
att=$(sql "SELECT array_to_string(l.attachments, ',') FROM case_log l JOIN cases k ON k.id = l.case_id WHERE k.case_no = '$c' AND l.action = 'feedback'")
if [ "$att" = "$asha,$jsha" ]; then ok "--attachments sends the file and attaches both, in order"; else nok "--attachments: '$att' $(cat "$cg_run/err")"; fi
as seat1 case check "$c" >/dev/null
as seat1 case checked "$c" --result passed --photos "$jpg" >/dev/null 2>"$cg_run/err"
ph=$(sql "SELECT array_to_string(t.photos, ',') FROM task t JOIN cases k ON k.id = t.case_id WHERE k.case_no = '$c' AND t.kind = 'check'")
if [ "$ph" = "$jsha" ]; then ok "--photos of a check result go with its task"; else nok "--photos: '$ph' $(cat "$cg_run/err")"; fi
out=$(as super1 --json case show "$c" | jq -r '.tasks[] | select(.kind == "check") | .photos | join(",")')
if [ "$out" = "$jsha" ]; then ok "case show lists the task's photos"; else nok "case show lists the task's photos: $out"; fi
echo "1..$n"
