#!/usr/bin/env bash
# Load test of `ishi serve` on loopback with wrk (Debian: apt-get install wrk): the area endpoint and a
# specialist's evaluation, as a logged-in user, on a fresh embedded database.
#
#   scripts/load-test.sh                 # 15 s per endpoint, 64 connections, 2 wrk threads
#   DURATION=30s CONNECTIONS=128 scripts/load-test.sh
#
# Builds the release binary, starts it on a free port with a throwaway --data-dir, logs in as the first
# admin (its password is read from the server's stderr) on a database with the fictional example roster
# (`--examples`), then runs wrk --latency on each endpoint and prints requests/s, p99
# and the error count. Everything it starts is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${DURATION:-15s}
connections=${CONNECTIONS:-64}
threads=${THREADS:-2}
specialist=${SPECIALIST:-}

command -v wrk >/dev/null || { echo "load-test: wrk is missing (Debian: apt-get install wrk)" >&2; exit 1; }
cargo build --release --locked -p ishi-cli >&2
bin=${CARGO_TARGET_DIR:-target}/release/ishi

work=$(mktemp -d /tmp/ishi-load.XXXXXX)
server_pid=
cleanup() {
    [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin" serve --port "$port" --data-dir "$work/data" --insecure-cookies --examples 2>"$work/server.log" &
server_pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do
    curl -fsS "$base/healthz" >/dev/null 2>&1 && break
    sleep 0.1
done
password=$(sed -n 's/^  password: //p' "$work/server.log")
[[ -n $password ]] || { echo "load-test: no admin password in the server's log:" >&2; cat "$work/server.log" >&2; exit 1; }

curl -fsS -o /dev/null -c "$work/cookies" -H 'content-type: application/json' \
    -d "{\"login\":\"admin\",\"password\":\"$password\"}" "$base/api/session"
cookie="ishi_session=$(awk '$6=="ishi_session"{print $7}' "$work/cookies")"

# A specialist to evaluate: EX001 of the fictional example roster (`--examples`).
specialist=${specialist:-EX001}

run() {
    local name=$1 path=$2
    curl -fsS -o /dev/null -H "cookie: $cookie" "$base$path" || { echo "load-test: $path does not answer 200" >&2; exit 1; }
    echo "== $name: GET $path ($duration, $connections connections, $threads threads)"
    wrk -t"$threads" -c"$connections" -d"$duration" --latency -H "cookie: $cookie" "$base$path" | tee "$work/$name.txt"
    local rps p99 errors
    rps=$(awk '/^Requests\/sec:/{print $2}' "$work/$name.txt")
    p99=$(awk '$1=="99%"{print $2}' "$work/$name.txt")
    errors=$(awk '/Non-2xx or 3xx responses:/{n+=$NF} /Socket errors:/{gsub(",","");n+=$4+$6+$8+$10} END{print n+0}' "$work/$name.txt")
    echo "RESULT $name requests/s=$rps p99=$p99 errors=$errors"
}

run area "/api/areas/1301"
run evaluation "/api/specialists/$specialist/evaluation"
