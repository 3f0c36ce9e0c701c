#!/bin/sh
# The README's quickstart against a running Chorus, as `helm test` runs it (and the simulated
# deployment in e2e-tests): two new people, a group, a post seen live on a stream and read back
# from history, and a direct message. Needs sh, curl, sed and a writable TMPDIR. Reads
# CHORUS_USERS_URL, CHORUS_DMS_URL and CHORUS_GATEWAY_URL. Stops at the first step that fails,
# saying which.
set -eu
users=${CHORUS_USERS_URL:?}
dms=${CHORUS_DMS_URL:?}
gateway=${CHORUS_GATEWAY_URL:?}
work=$(mktemp -d)
stream_pid=""
trap '[ -n "$stream_pid" ] && kill "$stream_pid" 2>/dev/null; rm -rf "$work"' EXIT
run="t$(date +%s)$$"
alice="alice-$run"
bob="bob-$run"
group="garden-$run"

fail() {
  echo "chorus test FAILED: $*" >&2
  [ -f "$work/body" ] && echo "last answer: $(cat "$work/body")" >&2
  exit 1
}

# call EXPECTED_STATUS METHOD URL [TOKEN [JSON]]: the answer's body goes to $work/body.
call() {
  expected=$1 method=$2 url=$3 token=${4:-} body=${5:-}
  set -- -s -o "$work/body" -w '%{http_code}' -X "$method" "$url"
  [ -n "$token" ] && set -- "$@" -H "Authorization: Bearer $token"
  [ -n "$body" ] && set -- "$@" -H 'Content-Type: application/json' -d "$body"
  status=$(curl "$@") || fail "$method $url: no answer (curl exit $?)"
  [ "$status" = "$expected" ] || fail "$method $url answered $status, expected $expected"
}

token() {
  call 200 POST "$users/api/auth/token" "" "{\"name\":\"$1\",\"password\":\"quickstart-$run\"}"
  sed -n 's/.*"accessToken":"\([^"]*\)".*/\1/p' "$work/body"
}

# until_seen FILE TEXT SECONDS: waits for TEXT to appear in FILE.
until_seen() {
  tries=$(( $3 * 5 ))
  while ! grep -q "$2" "$1" 2>/dev/null; do
    tries=$((tries - 1))
    [ "$tries" -gt 0 ] || return 1
    sleep 0.2
  done
}

echo "1. register $alice and $bob, log in"
call 201 POST "$users/api/users" "" "{\"name\":\"$alice\",\"password\":\"quickstart-$run\"}"
call 201 POST "$users/api/users" "" "{\"name\":\"$bob\",\"password\":\"quickstart-$run\"}"
ALICE=$(token "$alice")
BOB=$(token "$bob")
[ -n "$ALICE" ] && [ -n "$BOB" ] || fail "no accessToken in the login answers"
call 200 GET "$users/api/me" "$ALICE"
grep -q "\"$alice\"" "$work/body" || fail "/api/me does not name $alice"

echo "2. $alice creates $group, $bob joins and listens"
call 201 POST "$gateway/api/groups" "$ALICE" "{\"name\":\"$group\"}"
call 200 PUT "$gateway/api/groups/$group/members/me" "$BOB"
curl -sN --max-time 60 "$gateway/api/groups/$group/events?access_token=$BOB" > "$work/stream" &
stream_pid=$!
# Every stream opens with an id-only event carrying its cursor: from then on it is live.
until_seen "$work/stream" '^id:' 15 || fail "$bob's stream did not open in 15 s"

echo "3. $alice posts; $bob sees it live and in history"
text="hello from the quickstart $run"
call 201 POST "$gateway/api/groups/$group/messages" "$ALICE" "{\"text\":\"$text\"}"
until_seen "$work/stream" "$text" 15 || fail "the post did not reach $bob's stream in 15 s"
grep -q '^event: group-message' "$work/stream" || fail "the stream has no group-message event"
call 200 GET "$gateway/api/groups/$group/messages" "$BOB"
grep -q "$text" "$work/body" || fail "the post is not in the group's history"

echo "4. $alice sends $bob a direct message"
call 201 POST "$dms/api/dms/$bob/messages" "$ALICE" "{\"text\":\"psst $run\"}"
call 200 GET "$dms/api/dms/$alice/messages" "$BOB"
grep -q "psst $run" "$work/body" || fail "the direct message is not in the conversation"

echo "chorus test passed"
