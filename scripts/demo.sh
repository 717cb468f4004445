#!/usr/bin/env bash
# The demo gate: the hub on a SQLite file under var/demo, and a simulator for each device of
# config/demo.yaml (portal monitor, OCR camera, scanner, N42 instrument, GT06 e-seals on a route).
# Ctrl-C stops the hub and every simulator.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${BIN:-.build/debug}
port=${PORT:-8080}
seed=$(date +%s)
mkdir -p var/demo/scanner var/demo/n42
pids=()
cleanup() {
  trap - EXIT INT TERM
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

"$bin/niisim" rpm --link var/demo/rpm-lane1 --vehicle-every "${VEHICLE_EVERY:-12}" --gamma-alarm-rate 0.25 --seed "$seed" &
pids+=($!)
for _ in $(seq 50); do [ -L var/demo/rpm-lane1 ] && break; sleep 0.1; done

"$bin/niihub" serve --config config/demo.yaml --http-port "$port" &
hub=$!
pids+=($hub)
# The OCR camera and the seals dial in: wait until the hub listens.
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/17023) 2>/dev/null && break; sleep 0.1; done

"$bin/niisim" ocr --tcp 127.0.0.1:17101 --lane 1 --every 20 --misread-rate 0.25 --seed "$seed" 2>/dev/null &
pids+=($!)
"$bin/niisim" scan --folder var/demo/scanner --lane 1 --every 30 --suspect-rate 0.3 --seed "$seed" 2>/dev/null &
pids+=($!)
"$bin/niisim" n42 --folder var/demo/n42 --every 20 --alarm-rate 0.25 --seed "$seed" 2>/dev/null &
pids+=($!)
"$bin/niisim" gt06 --port 17023 --units 3 --interval 5 --kmh 90 --alarm-rate 0.05 --seed "$seed" \
  --imei-base 864717000000001 2>/dev/null &
pids+=($!)

echo "Dashboard: http://127.0.0.1:$port/   (API: http://127.0.0.1:$port/api/v1/events, Ctrl-C to stop)"
echo "Log in as admin with the password in var/demo/admin-credential.json (made on the first start)."
wait "$hub"
