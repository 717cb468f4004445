#!/usr/bin/env bash
# The demo gate: a simulated radiation portal monitor on a pseudo-terminal, read by the hub as a
# serial port, stored in a SQLite file under var/demo. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${BIN:-.build/debug}
port=${PORT:-8080}
mkdir -p var/demo
"$bin/niisim" rpm --link var/demo/rpm-lane1 --vehicle-every "${VEHICLE_EVERY:-12}" --gamma-alarm-rate 0.25 \
  --seed "$(date +%s)" &
sim=$!
trap 'kill $sim 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 50); do [ -L var/demo/rpm-lane1 ] && break; sleep 0.1; done
echo "Dashboard: http://127.0.0.1:$port/   (API: http://127.0.0.1:$port/api/v1/events, Ctrl-C to stop)"
echo "Log in as admin with the password in var/demo/admin-credential.json (made on the first start)."
"$bin/niihub" serve --config config/demo.yaml --http-port "$port"
