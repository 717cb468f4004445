#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL: a cluster made by initdb in a temporary folder,
# listening on a Unix socket in that folder only (no TCP port), with NIIHUB_TEST_POSTGRES_URL
# pointing at it. The server is stopped and the folder removed when the command ends, however it ends.
#
#   scripts/with-postgres.sh swift test --skip-build --traits PostgreSQL
#
# initdb refuses to run as root, so as root the server runs as the `postgres` user (Debian's
# package makes it). NIIHUB_PG_DURABLE=1 keeps fsync on (benchmarks); tests turn it off for speed.
set -euo pipefail

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
    echo "with-postgres: no PostgreSQL server under /usr/lib/postgresql (apt-get install postgresql)" >&2
    exit 1
fi

dir=$(mktemp -d /tmp/niihub-pg.XXXXXX)
as=()
if [ "$(id -u)" = 0 ]; then
    user=postgres
    id -u "$user" >/dev/null 2>&1 || user=nobody
    chown "$user" "$dir"
    as=(runuser -u "$user" --)
fi

cleanup() {
    "${as[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap cleanup EXIT

fast="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
[ "${NIIHUB_PG_DURABLE:-0}" = 1 ] && fast=""
"${as[@]}" "$bindir/initdb" -D "$dir/data" -U niihub --auth=trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
if ! "${as[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 120 \
    -o "-k $dir -c listen_addresses='' -c max_connections=300 $fast" start >/dev/null; then
    cat "$dir/server.log" >&2
    exit 1
fi

export NIIHUB_TEST_POSTGRES_URL="postgres://niihub@/postgres?host=$dir"
# The tests fail, rather than skip, when PostgreSQL is wanted and not reachable.
export NIIHUB_REQUIRE_POSTGRES=1
echo "with-postgres: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') at $NIIHUB_TEST_POSTGRES_URL" >&2
status=0
"$@" || status=$?
exit "$status"
