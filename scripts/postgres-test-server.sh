#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests: a fresh cluster under /tmp on 127.0.0.1, never the machine's
# own cluster (which may or may not be running, on 5432).
#
#   eval "$(scripts/postgres-test-server.sh start)"   # prints `export ISHI_TEST_DATABASE_URL=...`
#   cargo test --workspace
#   scripts/postgres-test-server.sh stop              # stops it and deletes the cluster
#
# `status` says whether it runs; `env` prints the export line again. ISHI_PG_PORT (default 55432) and
# ISHI_PG_DIR (default /tmp/ishi-pg-PORT) choose another port or place. The role `ishi` (password `ishi`,
# CREATEDB) is what the tests use; they create and drop their own databases through it. Only the export
# line goes to stdout; everything else goes to stderr.
#
# Debian: apt-get install postgresql. Run as root, the server runs as the `postgres` OS user (PostgreSQL
# refuses to run as root); otherwise as the calling user.
set -euo pipefail

port=${ISHI_PG_PORT:-55432}
dir=${ISHI_PG_DIR:-/tmp/ishi-pg-$port}
data=$dir/data
# Marks a directory this script made, so that `start` and `stop` never delete anything else.
marker=$dir/.ishi-postgres-test-server
url="postgres://ishi:ishi@127.0.0.1:$port/postgres"

say() { echo "postgres-test-server: $*" >&2; }
die() {
    say "$*"
    exit 1
}

# Debian keeps the server binaries out of PATH, one directory per major version; take the newest.
find_bindir() {
    local newest
    newest=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [[ -n $newest && -x $newest/initdb ]]; then
        echo "$newest"
    elif command -v pg_config >/dev/null && [[ -x "$(pg_config --bindir)/initdb" ]]; then
        pg_config --bindir
    elif command -v initdb >/dev/null; then
        dirname "$(command -v initdb)"
    else
        die "no PostgreSQL server binaries (initdb, pg_ctl) found; Debian: apt-get install postgresql"
    fi
}
bin=$(find_bindir)

if [[ $(id -u) -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || die "running as root needs the 'postgres' OS user (made by the postgresql package)"
    owner=postgres
    as_owner() { runuser -u postgres -- "$@"; }
else
    owner=$(id -un)
    as_owner() { "$@"; }
fi

running() { [[ -f $data/PG_VERSION ]] && as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; }

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; }

print_env() { echo "export ISHI_TEST_DATABASE_URL=$url"; }

start() {
    if running; then
        say "already running on 127.0.0.1:$port ($data)"
        print_env
        return
    fi
    if port_taken; then
        die "127.0.0.1:$port is taken by another program; choose another port with ISHI_PG_PORT"
    fi
    if [[ -e $dir ]]; then
        [[ -f $marker ]] || die "$dir exists and was not made by this script; remove it or set ISHI_PG_DIR"
        rm -rf "$dir"
    fi
    mkdir -p "$dir"
    touch "$marker"
    [[ $owner == "$(id -un)" ]] || chown "$owner" "$dir"

    # Throwaway data: no fsync anywhere (initdb --no-sync, fsync=off) makes creating test databases fast.
    as_owner "$bin/initdb" --pgdata="$data" --username=postgres --encoding=UTF8 --locale=C \
        --auth-local=trust --auth-host=scram-sha-256 --no-sync >"$dir/initdb.log" 2>&1 ||
        die "initdb failed:$(echo && cat "$dir/initdb.log")"
    # The socket goes into our own directory so it never meets the system cluster's /var/run/postgresql.
    as_owner "$bin/pg_ctl" --pgdata="$data" --log="$dir/server.log" --wait --timeout=60 \
        -o "-k $dir -c listen_addresses=127.0.0.1 -p $port -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start >&2 || die "the server did not start:$(echo && tail -n 30 "$dir/server.log")"
    as_owner "$bin/psql" --no-psqlrc --quiet -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres -d postgres \
        -c "CREATE ROLE ishi LOGIN PASSWORD 'ishi' CREATEDB" >&2
    say "running on 127.0.0.1:$port (PostgreSQL $(cat "$data/PG_VERSION"), cluster $data, log $dir/server.log)"
    print_env
}

stop() {
    if running; then
        as_owner "$bin/pg_ctl" --pgdata="$data" --mode=fast --wait --timeout=60 stop >&2
    fi
    if [[ -f $marker ]]; then
        rm -rf "$dir"
        say "stopped; removed $dir"
    else
        say "nothing to stop in $dir"
    fi
}

case ${1:-} in
    start) start ;;
    stop) stop ;;
    status)
        if running; then
            say "running on 127.0.0.1:$port ($data)"
        else
            say "not running ($data)"
            exit 3
        fi
        ;;
    env)
        running || die "not running; use: eval \"\$($0 start)\""
        print_env
        ;;
    *)
        echo "usage: $0 start|stop|status|env   (eval \"\$($0 start)\" exports ISHI_TEST_DATABASE_URL)" >&2
        exit 2
        ;;
esac
