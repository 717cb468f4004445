#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL: a cluster made by initdb in a temporary folder,
# listening on a Unix socket in that folder (NIIHUB_TEST_POSTGRES_URL) and on a loopback TCP port
# that takes TLS connections only (NIIHUB_TEST_POSTGRES_TCP_URL, no sslmode: the hub's default;
# the server's certificate comes from a throwaway CA made here, NIIHUB_TEST_POSTGRES_CA). The server
# is stopped and the folder removed when the command ends, however it ends.
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

# A CA and a server certificate for 127.0.0.1 it signed; the key readable by the server's user only.
tls="$dir/tls"
mkdir "$tls"
ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
{
    openssl req -x509 "${ec[@]}" -keyout "$tls/ca.key" -out "$tls/ca.crt" -days 2 -subj "/CN=niihub test PostgreSQL CA" \
        -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
    openssl req "${ec[@]}" -keyout "$tls/server.key" -out "$tls/server.csr" -subj "/CN=127.0.0.1"
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >"$tls/server.ext"
    openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.crt" -CAkey "$tls/ca.key" -CAcreateserial \
        -out "$tls/server.crt" -days 2 -extfile "$tls/server.ext"
} >"$dir/openssl.log" 2>&1 || { cat "$dir/openssl.log" >&2; exit 1; }
chmod 600 "$tls/server.key"
[ ${#as[@]} -gt 0 ] && chown "$user" "$tls/server.key" "$tls/server.crt"
# The socket trusts its local users; TCP takes TLS only (a plain TCP connection is rejected).
cat >"$dir/data/pg_hba.conf" <<'HBA'
local     all all              trust
hostssl   all all 127.0.0.1/32 trust
hostnossl all all 127.0.0.1/32 reject
HBA

# A free loopback port: a few random tries, since another run may take one between check and start.
started=0
for _ in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue
    if "${as[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 120 \
        -o "-k $dir -c listen_addresses=127.0.0.1 -p $port -c ssl=on -c ssl_cert_file=$tls/server.crt -c ssl_key_file=$tls/server.key -c max_connections=300 $fast" \
        start >/dev/null; then
        started=1
        break
    fi
done
if [ "$started" != 1 ]; then
    cat "$dir/server.log" >&2
    exit 1
fi

export NIIHUB_TEST_POSTGRES_URL="postgres://niihub@/postgres?host=$dir&port=$port"
export NIIHUB_TEST_POSTGRES_TCP_URL="postgres://niihub@127.0.0.1:$port/postgres"
export NIIHUB_TEST_POSTGRES_CA="$tls/ca.crt"
# The tests fail, rather than skip, when PostgreSQL is wanted and not reachable.
export NIIHUB_REQUIRE_POSTGRES=1
echo "with-postgres: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') at $NIIHUB_TEST_POSTGRES_URL" >&2
status=0
"$@" || status=$?
exit "$status"
