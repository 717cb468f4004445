#!/usr/bin/env bash
# The demo gate: the hub on a SQLite file under var/demo, and a simulator for each device of
# config/demo.yaml (portal monitor, OCR camera, scanner, N42 instrument, GT06 e-seals on a route),
# plus a sealed transit: its declaration (with a corridor) is posted, and a GT06 seal drives along
# it, leaves it on a detour, comes back, turns short of the destination and drives back, so the map
# shows it moving and deviating again and again. Ctrl-C stops the hub and every simulator.
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
"$bin/niisim" scan --folder var/demo/scanner --lane 1 --every 30 --suspect-rate 0.3 --dual-energy --image-format dicos \
  --seed "$seed" 2>/dev/null &
pids+=($!)
"$bin/niisim" scan --folder var/demo/bags --lane B --scanner BAG-HALL-1 --baggage --reference flight:VN1234 --every 40 \
  --suspect-rate 0.2 --image-format tiff --seed "$seed" 2>/dev/null &
pids+=($!)
"$bin/niisim" n42 --folder var/demo/n42 --every 20 --alarm-rate 0.25 --seed "$seed" 2>/dev/null &
pids+=($!)
"$bin/niisim" gt06 --port 17023 --units 3 --interval 5 --kmh 90 --alarm-rate 0.05 --seed "$seed" \
  --imei-base 864717000000001 2>/dev/null &
pids+=($!)

# The transit: its declaration is posted with the admin token the first start wrote.
corridor="[[11.0720,106.1950],[11.0461,106.2291],[11.0105,106.2864]]"
# Along the corridor, off it on a detour about 1.5 km away, back, and 2 km short of the destination.
route="11.0720,106.1950;11.0694,106.1984;11.0749,106.2136;11.0461,106.2291;11.0220,106.2680"
for _ in $(seq 100); do [ -s var/demo/admin-credential.json ] && break; sleep 0.1; done
if python3 - "$port" "$corridor" <<'PY'
import datetime, json, sys, urllib.request
port, corridor = sys.argv[1], json.loads(sys.argv[2])
now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
stamp = lambda t: t.isoformat().replace("+00:00", "Z")
doc = {"number": "309900000001", "type": "transit", "office": "45BC", "site": "demo-gate",
       "trader": {"tin": "0301234567", "name": "Saigon Transit Logistics"}, "seals": ["864717000000101"],
       "plates": ["70C-456.78"], "channel": "green",
       "transit": {"origin": "45BC", "destination": "02CI", "corridor": corridor, "bufferM": 500,
                   "start": stamp(now), "end": stamp(now + datetime.timedelta(days=1))}}
token = json.load(open("var/demo/admin-credential.json"))["token"]
request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/declarations", data=json.dumps(doc).encode(),
                                 headers={"Content-Type": "application/json", "Authorization": "Bearer " + token})
urllib.request.urlopen(request, timeout=10)
PY
then
  "$bin/niisim" gt06 --port 17023 --units 1 --interval 2 --kmh 150 --route "$route" --seed "$seed" \
    --imei-base 864717000000101 2>/dev/null &
  pids+=($!)
else
  echo "No transit on the map: var/demo/admin-credential.json is gone (delete var/demo to start afresh)." >&2
fi

console="http://127.0.0.1:$port/"
echo "Operator console:   $console   (Bảng điều khiển cửa khẩu; Vietnamese or English, chosen at login)"
echo "Analyst workspace:  ${console}analysis   (image review: ${console}analysis#review)"
echo "Admin:              ${console}admin"
echo "API:                ${console}api/v1/openapi.json   (Ctrl-C stops the hub and the simulators)"
echo "Log in as admin with the password in var/demo/admin-credential.json (made on the first start)."
# On a desktop, open the console in the browser; on a server the URL above is enough.
if [[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]] && command -v xdg-open >/dev/null && [[ -z "${NIIHUB_DEMO_NO_BROWSER:-}" ]]; then
  xdg-open "$console" >/dev/null 2>&1 || true
fi
wait "$hub"
