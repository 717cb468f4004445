#!/usr/bin/env bash
# A throwaway PostgreSQL primary and its streaming standby on loopback, for failover tests: kill the
# primary hard, promote the standby, and check that what was acknowledged is still there.
#
#   scripts/pg-pair.sh start DIR [--sync on|off]   prints "P1 P2 DIR" (primary port, standby port, socket folder)
#   scripts/pg-pair.sh kill-primary DIR            SIGKILL the primary's postmaster and its children
#   scripts/pg-pair.sh promote DIR                 the standby becomes the primary
#   scripts/pg-pair.sh status DIR                  "PORT read-write|in-recovery|down" per server
#   scripts/pg-pair.sh psql DIR PORT SQL           runs SQL (one transaction per statement), prints rows
#   scripts/pg-pair.sh stop DIR                    stops both, removes DIR
#
# DIR/a is the primary and DIR/b the standby; their logs are DIR/a.log and DIR/b.log. fsync stays on:
# the tests are about durability. initdb refuses to run as root, so as root the servers run as
# `postgres` (Debian's package makes it), as in with-postgres.sh. Every wait is bounded (60 s).
set -euo pipefail

# Close what the caller left open: Foundation's Process (Linux) learns that its child ended when a
# socket the child inherited closes, and a server started here would keep it open, so the caller
# would wait for as long as the server runs. (255 is bash's handle on this script.)
for fd in /proc/$$/fd/*; do
    fd=${fd##*/}
    [ "$fd" -gt 2 ] && [ "$fd" != 255 ] && eval "exec $fd>&-"
done

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
    echo "pg-pair: no PostgreSQL server under /usr/lib/postgresql (apt-get install postgresql)" >&2
    exit 1
fi
as=()
user=$(id -un)
if [ "$(id -u)" = 0 ]; then
    user=postgres
    id -u "$user" >/dev/null 2>&1 || user=nobody
    as=(runuser -u "$user" --)
fi
wait_s=60

self=$(realpath "$0")
usage() { sed -n '5,10p' "$self" | sed 's/^# //' >&2; exit 2; }

# psql on the socket in DIR; statements from stdin, so each commits on its own; bounded by a timeout.
sql() {
    local dir=$1 port=$2
    "${as[@]}" timeout 20 "$bindir/psql" -X -q -t -A -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U niihub -d postgres
}

# The last lines of both servers' logs, for a failure's report.
logs() {
    local dir=$1 f
    for f in "$dir/a.log" "$dir/b.log"; do
        [ -f "$f" ] && { echo "--- $f" >&2; tail -n 40 "$f" >&2; }
    done
    return 0
}

# until_true WHAT CMD…: polls CMD every 50 ms until it succeeds, or fails after $wait_s seconds.
until_true() {
    local what=$1
    shift
    local deadline=$((SECONDS + wait_s))
    until "$@"; do
        if [ "$SECONDS" -ge "$deadline" ]; then
            echo "pg-pair: gave up after ${wait_s}s waiting for $what" >&2
            return 1
        fi
        sleep 0.05
    done
}

refused() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
answers() { [ "$(sql "$1" "$2" <<<"$3" 2>/dev/null)" = "$4" ]; }
ports() { cat "$1/ports"; }

# start_server DATA LOG OPTIONS: on a free random loopback port (a few tries: another run may take a
# port between the check and the start); prints the port.
start_server() {
    local data=$1 log=$2 opts=$3 port
    for _ in 1 2 3 4 5; do
        port=$((20000 + RANDOM % 40000))
        refused "$port" || continue
        if "${as[@]}" "$bindir/pg_ctl" -D "$data" -l "$log" -w -t "$wait_s" \
            -o "-p $port -c listen_addresses=127.0.0.1 -c max_connections=200 $opts" start >/dev/null; then
            echo "$port"
            return 0
        fi
    done
    return 1
}

start() {
    local dir=$1 sync=$2 p1 p2
    mkdir -p "$dir"
    [ -z "$(ls -A "$dir")" ] || { echo "pg-pair: $dir is not empty" >&2; exit 1; }
    [ ${#as[@]} -gt 0 ] && chown "$user" "$dir"
    # A failed start leaves nothing running and no folder: the caller has nothing to clean.
    started=0
    trap 'if [ "$started" != 1 ]; then logs "$dir"; stop "$dir"; fi' EXIT

    "${as[@]}" "$bindir/initdb" -D "$dir/a" -U niihub --auth=trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    cat >"$dir/a/pg_hba.conf" <<'HBA'
local all         all              trust
local replication all              trust
host  all         all 127.0.0.1/32 trust
host  replication all 127.0.0.1/32 trust
HBA
    p1=$(start_server "$dir/a" "$dir/a.log" "-k $dir -c wal_level=replica -c max_wal_senders=5")
    # -N: the copy is not fsynced here; the standby syncs its folder at start with syncfs, one call
    # instead of a file-by-file fsync (about 0.2 s instead of 3 s).
    "${as[@]}" "$bindir/pg_basebackup" -h 127.0.0.1 -p "$p1" -U niihub -D "$dir/b" -R -X stream -c fast -N \
        >"$dir/basebackup.log" 2>&1 || { cat "$dir/basebackup.log" >&2; exit 1; }
    p2=$(start_server "$dir/b" "$dir/b.log" "-k $dir -c recovery_init_sync_method=syncfs")
    echo "$p1 $p2" >"$dir/ports"
    until_true "the standby to stream" \
        answers "$dir" "$p1" "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'" 1
    if [ "$sync" = on ]; then
        # Only now: with synchronous_standby_names set and no standby streaming, every commit waits
        # for ever (issue 20 plan, section 6.1). ALTER SYSTEM writes the primary's auto.conf only, so
        # the standby, cloned before, does not carry it: after promotion its commits do not wait.
        sql "$dir" "$p1" <<<"ALTER SYSTEM SET synchronous_standby_names = '*'; SELECT pg_reload_conf();" >/dev/null
        until_true "the standby to turn synchronous" \
            answers "$dir" "$p1" "SELECT sync_state FROM pg_stat_replication" sync
    fi
    started=1
    echo "$p1 $p2 $dir"
}

# SIGKILL, as a crash: the postmaster and the children it had (checkpointer, walwriter, walsender,
# backends), read before the kill, since they do not all die with it. Never by name: other
# PostgreSQL servers may run on this machine.
kill_primary() {
    local dir=$1 pid kids k
    read -r p1 _ <<<"$(ports "$dir")"
    pid=$(head -n 1 "$dir/a/postmaster.pid")
    kids=$(pgrep -P "$pid" || true)
    kill -9 "$pid"
    for k in $kids; do kill -9 "$k" 2>/dev/null || true; done
    until_true "port $p1 to refuse connections" refused "$p1" || { logs "$dir"; exit 1; }
}

promote() {
    local dir=$1
    read -r _ p2 <<<"$(ports "$dir")"
    "${as[@]}" "$bindir/pg_ctl" -D "$dir/b" -w -t "$wait_s" promote >/dev/null || { logs "$dir"; exit 1; }
    until_true "the standby to leave recovery" answers "$dir" "$p2" "SELECT pg_is_in_recovery()" f \
        || { logs "$dir"; exit 1; }
}

status() {
    local dir=$1 port r
    for port in $(ports "$dir"); do
        r=$(sql "$dir" "$port" <<<"SELECT pg_is_in_recovery()" 2>/dev/null || true)
        case $r in
            t) echo "$port in-recovery" ;;
            f) echo "$port read-write" ;;
            *) echo "$port down" ;;
        esac
    done
}

# Whether the postmaster of data folder $1 runs. A killed one stays a zombie until pid 1 reaps it,
# which here can take long; pg_ctl would wait for it to remove its pid file, which it never will.
running() {
    local pid
    pid=$(head -n 1 "$1/postmaster.pid" 2>/dev/null) || return 1
    [ -n "$pid" ] && ps -o stat= -p "$pid" 2>/dev/null | grep -qv Z
}

stop() {
    local dir=$1 d
    [ -d "$dir" ] || return 0
    for d in a b; do
        running "$dir/$d" || continue
        "${as[@]}" "$bindir/pg_ctl" -D "$dir/$d" -m immediate -w -t "$wait_s" stop >/dev/null 2>&1 || true
    done
    rm -rf "$dir"
}

[ $# -ge 2 ] || usage
cmd=$1 dir=$(realpath -m "$2")
shift 2
# The servers' user may not read the caller's working folder (pg_ctl and initdb look it up).
cd /
case $cmd in
    start)
        sync=on
        if [ $# -gt 0 ]; then
            [ $# = 2 ] && [ "$1" = --sync ] && { [ "$2" = on ] || [ "$2" = off ]; } || usage
            sync=$2
        fi
        start "$dir" "$sync" ;;
    kill-primary) kill_primary "$dir" ;;
    promote) promote "$dir" ;;
    status) status "$dir" ;;
    psql) [ $# = 2 ] || usage; sql "$dir" "$1" <<<"$2" ;;
    stop) stop "$dir" ;;
    *) usage ;;
esac
