#!/usr/bin/env bash
# Coverage-guided fuzzing of the hub's decoders with libFuzzer (swiftc -sanitize=fuzzer,address).
#
#   scripts/fuzz.sh [--seconds N] [--runs N] [--max-len N] [--rss-limit-mb N] [--no-asan] [TARGET...]   (no TARGET: every one)
#
# --no-asan instruments for coverage only (about twice the executions a second, for long runs);
# Swift's own bounds and overflow checks still stop the run on a fault.
# HubModel, HubDrivers and HubImaging are compiled apart from SwiftPM, instrumented, into .build-fuzz/ (so
# `swift build` never sees libFuzzer's main), then the harness in Fuzz/ is linked against them.
# Without TARGET, every one the harness knows: each registered family's protocols (HubDrivers'
# DeviceFamilies), then framers, declarations, container.
# Each target keeps its growing corpus in .build-fuzz/corpus/TARGET, seeded from its family's captures
# (../shared/corpus read in place, and those recorded in the repository) and the simulators' encoders.
# A crash leaves its input in .build-fuzz/crashes/ and fails the run. Prints one summary line per
# target: executions, coverage, corpus size.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/opt/swift/usr/bin:$PATH
SECONDS_EACH=10
RUNS=-1
MAX_LEN=4096
# libFuzzer's RSS ceiling: a buffer that grows without bound fails the run.
RSS_LIMIT_MB=2048
SANITIZE=fuzzer,address
TARGETS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) SECONDS_EACH=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --max-len) MAX_LEN=$2; shift 2 ;;
    --rss-limit-mb) RSS_LIMIT_MB=$2; shift 2 ;;
    --no-asan) SANITIZE=fuzzer; shift ;;
    *) TARGETS+=("$1"); shift ;;
  esac
done

OUT=.build-fuzz
BIN=$OUT/${SANITIZE//,/-}
LOGS=$OUT/logs-${SANITIZE//,/-}
SHARED=$(cd .. && pwd)/shared/corpus
mkdir -p "$OUT/crashes" "$LOGS" "$BIN"
# HubDrivers reads XML through libxml2 (the CLibXML2 system module and its headers).
FLAGS=(-O -sanitize=$SANITIZE -swift-version 6 -enable-upcoming-feature ExistentialAny
       -enable-upcoming-feature MemberImportVisibility -I "$BIN" -L "$BIN" -I Sources/CLibXML2)
for flag in $(pkg-config --cflags libxml-2.0); do FLAGS+=(-Xcc "$flag"); done
# HubImaging reads PNG and TIFF through libpng and libtiff (CLibPNG, CLibTIFF).
FLAGS+=(-I Sources/CLibPNG -I Sources/CLibTIFF)
for flag in $(pkg-config --cflags libpng libtiff-4); do FLAGS+=(-Xcc "$flag"); done

# An instrumented static library and module for one package target, rebuilt when its sources change
# (a stamp of their contents: a file added or edited during a build is not mistaken for built).
module() {
  local name=$1; shift
  local sources stamp
  mapfile -t sources < <(find "Sources/$name" -name '*.swift' | sort)
  # HubDrivers is compiled against HubModel's module, so a change there rebuilds it too.
  stamp=$( (cat "${sources[@]}"; [ "$name" = HubModel ] || cat "$BIN/HubModel.stamp") | sha256sum | cut -c1-64)
  if [ -f "$BIN/lib$name.a" ] && [ "$(cat "$BIN/$name.stamp" 2>/dev/null)" = "$stamp" ]; then return; fi
  echo "fuzz: compiling $name (instrumented)"
  rm -f "$BIN/$name.stamp" "$BIN/fuzz-hub"
  swiftc "${FLAGS[@]}" -parse-as-library -wmo -module-name "$name" -emit-module -emit-module-path "$BIN/$name.swiftmodule" \
    -emit-library -static -o "$BIN/lib$name.a" "$@" "${sources[@]}" 2> >(grep -v 'warning: Cannot export local symbol' >&2)
  echo "$stamp" > "$BIN/$name.stamp"
}
module HubModel
module HubDrivers -lHubModel
module HubImaging -lHubModel
if [ ! -x "$BIN/fuzz-hub" ] || [ -n "$(find Fuzz -newer "$BIN/fuzz-hub" -print -quit)" ]; then
  echo "fuzz: linking the harness"
  swiftc "${FLAGS[@]}" -parse-as-library Fuzz/*.swift -lHubDrivers -lHubImaging -lHubModel -lxml2 -lpng16 -ltiff -o "$BIN/fuzz-hub.tmp" \
    2> >(grep -v 'warning: Cannot export local symbol' >&2)
  mv "$BIN/fuzz-hub.tmp" "$BIN/fuzz-hub"
fi
[ ${#TARGETS[@]} -gt 0 ] || read -ra TARGETS <<< "$(ASAN_OPTIONS=detect_leaks=0 FUZZ_TARGET=--list "$BIN/fuzz-hub")"

status=0
for t in "${TARGETS[@]}"; do
  corpus="$OUT/corpus/$t"
  mkdir -p "$corpus"
  log="$LOGS/$t.log"
  # Inputs up to 4 KiB reach past every frame limit the drivers are run with here (N42's is set to
  # 1 KiB in the harness); RSS is capped so a buffer that grows without bound fails the run. Leaks
  # are not checked here; scripts/bench/xml_rss.py measures RSS over 100,000 malformed XML documents.
  if ASAN_OPTIONS=detect_leaks=0 SWIFT_BACKTRACE=enable=no FUZZ_TARGET=$t FUZZ_SEED_DIR="$corpus" FUZZ_SHARED="$SHARED" \
      "$BIN/fuzz-hub" "$corpus" -max_len="$MAX_LEN" -max_total_time="$SECONDS_EACH" -runs="$RUNS" -rss_limit_mb="$RSS_LIMIT_MB" -timeout=60 -detect_leaks=0 \
      -print_final_stats=1 -artifact_prefix="$OUT/crashes/$t-" >"$log" 2>&1; then
    result=ok
  else
    result=CRASH
    status=1
  fi
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || echo 0)
  cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' "$log" | tail -1 || true)
  echo "fuzz $t: $result, $execs executions, ${SECONDS_EACH}s limit, $cov"
  [ $result = ok ] || { grep -E 'invariant broken|ERROR: AddressSanitizer|Fatal error|SUMMARY' "$log" | head -5; echo "log: $log"; }
done
exit $status
