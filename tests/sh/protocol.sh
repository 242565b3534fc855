# The daemon's protocol against bad input: malformed and oversized frames,
# bad JSON, no hello, unknown users; none of it harms a client watching
# meanwhile.  Raw frames are written with socat, as any client could.
. tests/sh/tap.env

. tests/sh/daemon.env
trap cg_stop EXIT
[ -n "${KEEP:-}" ] && trap "kill $cg_pid" EXIT
tmp=$cg_run

# One frame: 4-byte big-endian length, then the payload.
hello='{"id":1,"op":"hello","args":{"proto":1}}'

# Send bytes as a user, keep the connection open for $2 seconds, print what came back.
talk() {
	u=$1 secs=$2
	shift 2
	{ cat; sleep "$secs"; } | runuser -u "$u" -- socat -t 1 - "UNIX-CONNECT:$cg_socket" 2>/dev/null
}
need_root

# A watcher for the whole run: it must see the case made at the end.
{ frame "$hello"; frame '{"id":2,"op":"watch","args":{"scope":"all"}}'; } | talk super1 30 >"$tmp/watch.out" &
watcher=$!
sleep 0.5

frame "$hello" | talk nobody 0.5 >"$tmp/nobody.out"
check "an unknown Unix user is refused with E_AUTH" grep -aq '"E_AUTH"' "$tmp/nobody.out"
check "the refusal names the user" grep -aq 'nobody' "$tmp/nobody.out"

printf '\377\377\377\377' | talk seat1 0.5 >"$tmp/big.out"
check "an absurd frame length gets E_TOOBIG" grep -aq '"E_TOOBIG"' "$tmp/big.out"
printf '\0\0\0\0' | talk seat1 0.5 >"$tmp/zero.out"
check "a zero frame length gets E_FRAME" grep -aq '"E_FRAME"' "$tmp/zero.out"
{ printf '\0\32\0\0'; head -c 1000 /dev/zero; } | talk seat1 0.5 >"$tmp/trunc.out"
check "a frame over the limit (1.6 MB) gets E_TOOBIG" grep -aq '"E_TOOBIG"' "$tmp/trunc.out"

{ frame '{"id":1,"op":'; frame "$hello"; frame '{"id":2,"op":"ping"}'; } | talk seat1 0.5 >"$tmp/badjson.out"
check "bad JSON in a frame gets E_FRAME" grep -aq '"E_FRAME"' "$tmp/badjson.out"
check "the connection goes on after bad JSON" grep -aq '"id":2,"ok":true' "$tmp/badjson.out"
{ frame '[1,2]'; frame '{"id":1,"op":"hello","args":{"proto":1},"op":"x"}'; } | talk seat1 0.5 >"$tmp/notobj.out"
check "a non-object and duplicate keys are refused" sh -c "[ \$(grep -ao '\"E_FRAME\"' '$tmp/notobj.out' | wc -l) -eq 2 ]"

frame '{"id":5,"op":"case.list"}' | talk seat1 0.5 >"$tmp/nohello.out"
check "a request before hello gets E_PROTO" grep -aq '"id":5,"ok":false,"error":{"code":"E_PROTO"' "$tmp/nohello.out"
frame '{"id":1,"op":"hello","args":{"proto":0}}' | talk seat1 0.5 >"$tmp/old.out"
check "protocol version 0 gets E_PROTO" grep -aq '"E_PROTO"' "$tmp/old.out"
{ frame "$hello"; frame '{"id":2,"op":"no.such"}'; } | talk seat1 0.5 >"$tmp/unknown.out"
check "an unknown operation gets E_UNKNOWN_OP" grep -aq '"id":2,"ok":false,"error":{"code":"E_UNKNOWN_OP"' "$tmp/unknown.out"
{ frame "$hello"; frame '{"id":2,"op":"operator.add","args":{"user":"x","name":"x","roles":["admin"]}}'; } |
    talk seat1 0.5 >"$tmp/role.out"
check "a seat may not add operators (E_ROLE)" grep -aq '"id":2,"ok":false,"error":{"code":"E_ROLE"' "$tmp/role.out"
check "no operator was added" sh -c "schema/citygrid-db psql -At -c \"SELECT count(*) FROM operator WHERE unix_user = 'x'\" | grep -qx 0"

# Many connections that send garbage and vanish mid-frame.
i=0
while [ $i -lt 50 ]; do
	printf '\0\0\1\0{"id":' | talk seat1 0 >/dev/null &
	i=$((i + 1))
done
for p in $(jobs -p); do [ "$p" = "$watcher" ] || wait "$p"; done
check "the daemon survives 50 half frames" kill -0 $cg_pid

{ frame "$hello"; frame '{"id":2,"op":"case.new","args":{"kind":"event","class":"0102","source":"hotline","description":"协议测试: 暴露垃圾","lon":116.417,"lat":39.935,"client_ref":"protocol-test-'$$'"}}'; } |
    talk seat1 0.5 >"$tmp/new.out"
check "a seat registers a case after all that" grep -aq '"id":2,"ok":true' "$tmp/new.out"
i=0
until grep -aq '"action":"report"' "$tmp/watch.out" || [ $i -ge 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
check "the watcher stayed connected and saw the new case" grep -aq '"event":"case"' "$tmp/watch.out"
check "the watcher saw the report step" grep -aq '"action":"report"' "$tmp/watch.out"
check "the daemon logged no internal error" sh -c "! grep -q 'E_INTERNAL\\|fatal' '$cg_log'"
echo "1..$n"
