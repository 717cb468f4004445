# NII Hub: `make demo` and `make test` set up everything they need on a fresh Debian machine.
SHELL := /bin/bash
export PATH := /opt/swift/usr/bin:$(PATH)
SWIFT ?= swift

# What building and running the hub needs from Debian; the console's browser libraries are served
# from /usr/share/javascript (Leaflet: the transit map; Chart.js: count rates; Bootstrap 5: served for later screens).
RUNTIME_PACKAGES := libsqlite3-dev libudev-dev libxml2 libxml2-dev pkg-config python3 python3-pip \
	libjs-leaflet libjs-chart.js libjs-bootstrap5 libpng-dev libtiff-dev
# What the benchmarks need on top: gpsd's gpsdecode, to race the NMEA decoder against; Chromium for
# the scan-to-screen figures.
BENCH_PACKAGES := $(RUNTIME_PACKAGES) gpsd gpsd-clients chromium chromium-driver
# Where `make bench` measures ingest (a throwaway store, emptied first; sqlite:PATH).
BENCH_STORE ?= sqlite:var/bench/ingest/ingest.sqlite
BENCH_RESULTS := var/bench/results
SOAK_MINUTES ?= 30
SOAK_RATE ?= 5000
SOAK_HOGS ?= 0
# What the tests need on top.
TEST_PACKAGES := $(RUNTIME_PACKAGES) umockdev libumockdev-dev libxml2-utils chromium chromium-driver postgresql openssl curl procps nginx libnginx-mod-stream
TEST_PYTHON := jsonschema selenium schemathesis aiosmtpd

# The tests build with the PostgreSQL store (a package trait, off in a plain `swift build`); every
# swift command of one run names the same traits, so --skip-build finds what was built. They build
# with normal debug asserts: SwiftNIO's "readable, then nothing to read" assert once fired because two
# readers shared one serial port; the hub now takes a port exclusively (RELIABILITY.md §7).
TEST_TRAITS := --traits PostgreSQL
# Suites run alone before the parallel phase (see test:): each starts hubs beside child processes,
# or times a pseudo-terminal's silence against the test's own writes (the baud hunt listens at each
# speed; the health test's 3 s silence window passed while a starved test waited to write).
SERIAL_SUITES := NotificationDeliveryTests|NotificationRuleEditingTests|SealCommandTests|PackageCommandTests|PackageRouteTests|SerialBaudHuntTests|DeviceHealthTests

# Swift Testing captures a backtrace for every Swift error thrown in the test process, caught or
# not; a hub decoding events throws on each wrong type guess (JSONValue), and with dozens of hubs
# running at once the unwinding took a tenth of the parallel phase's CPU (perf, 2026-12-06).
export SWT_SWIFT_ERROR_BACKTRACING_ENABLED := 0

TEST_BUNDLE = $(shell $(SWIFT) build --show-bin-path $(TEST_TRAITS))/niihubPackageTests.xctest

.PHONY: all build release demo test deps test-deps corpus-check corpus-check-built bench bench-quick bench-growth bench-ingest bench-replicas soak fuzz clean

all: build

deps:
	@bash scripts/ensure-packages.sh $(RUNTIME_PACKAGES)

test-deps: deps
	@bash scripts/ensure-packages.sh $(TEST_PACKAGES)
	@bash scripts/ensure-python-modules.sh $(TEST_PYTHON)

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

## Builds, starts a simulated portal monitor and the hub on a SQLite file, prints the dashboard URL.
demo: build
	@bash scripts/demo.sh

## Installs test needs, builds, runs every test.
test: test-deps
	$(SWIFT) build --build-tests $(TEST_TRAITS)
	@# The outside conformance checker first, so swift test's summary stays the last line.
	@$(MAKE) --no-print-directory corpus-check-built
	@# A short coverage-guided fuzz of every decoder (docs/fuzzing.md); any crash fails the run.
	bash scripts/fuzz.sh --seconds 5
	@# The USB tests fake devices with umockdev, whose preload library must wrap the test process.
	@# NIIHUB_REQUIRE_UMOCKDEV=1: a missing preload fails the run instead of skipping the USB suites.
	NIIHUB_REQUIRE_UMOCKDEV=1 umockdev-wrapper $(TEST_BUNDLE) --testing-library swift-testing --filter HubUdevTests
	@# The headless-browser test alone, then everything else in parallel.
	NIIHUB_BROWSER_TESTS=1 $(SWIFT) test --skip-build $(TEST_TRAITS) --filter 'BrowserTests|DailyReportTests'
	@# Ten thousand connections alone: a test process holding 10,000 descriptors made Foundation's
	@# Process.run crash (Signal 11 in memcpy) for a suite that started niisim at that moment.
	$(SWIFT) test --skip-build $(TEST_TRAITS) --filter ConnectionScaleTests
	@# The failover system test alone (issue 20, T3): its own primary + standby pair (no with-postgres),
	@# a served hub and five units on two cores, whose timings the parallel suites would stretch.
	$(SWIFT) test --skip-build $(TEST_TRAITS) --filter HubSystemTests.FailoverTests
	@# Three served replicas behind nginx on one database, the correlating one killed (issue 20, T7):
	@# alone too, for the same reason.
	bash scripts/with-postgres.sh $(SWIFT) test --skip-build $(TEST_TRAITS) --filter HubSystemTests.ReplicaTests
	@# The suites that start hubs beside child processes (a mail relay, niihub package, simulated units)
	@# alone: among all the parallel suites they starved the pty and timer tests on two cores.
	bash scripts/with-postgres.sh $(SWIFT) test --skip-build $(TEST_TRAITS) --filter '$(SERIAL_SUITES)'
	@# A throwaway PostgreSQL (scripts/with-postgres.sh) for the store suites, which run on both stores.
	bash scripts/with-postgres.sh $(SWIFT) test --skip-build $(TEST_TRAITS) --skip ConnectionScaleTests --skip HubSystemTests.FailoverTests \
		--skip HubSystemTests.ReplicaTests --skip HubSystemTests.DailyReportTests --skip '$(SERIAL_SUITES)'

## The hub against the outside corpora, as the before-stop hook runs it.
corpus-check: build corpus-check-built

corpus-check-built:
	../shared/tools/corpus-check rpm --hub .build/debug/niihub --shared ../shared
	../shared/tools/corpus-check iso6346 --hub .build/debug/niihub --shared ../shared
	../shared/tools/corpus-check n42 --hub .build/debug/niihub --shared ../shared \
		--files ../shared/corpus/n42/*.n42 ../shared/corpus/n42/*.N42 ../shared/corpus/n42/*.xml
	../shared/tools/corpus-check nmea --hub .build/debug/niihub --shared ../shared --files ../shared/corpus/nmea/*.log --min 0.99
	../shared/tools/corpus-check gt06 --hub .build/debug/niihub --shared ../shared --min 0.98
	../shared/tools/corpus-check teltonika --hub .build/debug/niihub --shared ../shared --min 0.98

## Ingest into SQLite and into a throwaway PostgreSQL (fsync on), events/s (release build with PostgreSQL).
bench-ingest: deps
	$(SWIFT) build -c release --traits PostgreSQL --product niihub
	@mkdir -p var/bench && rm -f var/bench/ingest.sqlite*
	.build/release/niihub bench-ingest --store sqlite:var/bench/ingest.sqlite
	NIIHUB_PG_DURABLE=1 bash scripts/with-postgres.sh sh -c '.build/release/niihub bench-ingest --fresh-database --store "$$NIIHUB_TEST_POSTGRES_URL"'

## Hub replicas on one PostgreSQL (issue 20): 1, 2 and 3 release replicas of one site behind nginx, on a
## throwaway cluster with fsync on, the seal load of e2e.py sent through nginx; messages/s, ack latency,
## CPU per message of each replica, PostgreSQL and nginx, the append lock's busy share, and each transit
## deviation found exactly once. A few minutes after the build; REPLICAS_ARGS passes options (--units 10000).
REPLICAS_ARGS ?=
bench-replicas: deps
	@bash scripts/ensure-packages.sh postgresql nginx libnginx-mod-stream
	$(SWIFT) build -c release --traits PostgreSQL --product niihub
	$(SWIFT) build -c release --traits PostgreSQL --product niisim
	NIIHUB_PG_DURABLE=1 bash scripts/with-postgres.sh python3 scripts/bench/replicas.py $(REPLICAS_ARGS)
	@# The gate-forwarding load on the same tiers: gate hubs draining their backlogs into the replicas.
	NIIHUB_PG_DURABLE=1 bash scripts/with-postgres.sh python3 scripts/bench/forwarding.py $(FORWARDING_ARGS)

## Every benchmark of BENCHMARKS.md on a release build; results in var/bench/results, a summary at the end.
bench: release
	@bash scripts/ensure-packages.sh $(BENCH_PACKAGES)
	@bash scripts/ensure-python-modules.sh selenium numpy
	@mkdir -p $(BENCH_RESULTS)
	python3 scripts/bench/decode.py
	python3 scripts/bench/e2e.py
	python3 scripts/bench/alarm.py
	python3 scripts/bench/alarm.py --seal-load 10000 --samples 50
	python3 scripts/bench/image.py
	.build/release/niihub bench-link --store sqlite:var/bench/link/population.sqlite --json $(BENCH_RESULTS)/link.json
	@case "$(BENCH_STORE)" in sqlite:*) rm -f "$(patsubst sqlite:%,%,$(BENCH_STORE))"*;; esac
	.build/release/niihub bench-store --store $(BENCH_STORE) --json $(BENCH_RESULTS)/ingest-$(firstword $(subst :, ,$(BENCH_STORE))).json
	.build/release/niihub bench-attribution --trucks 10000 --seed 1 --json $(BENCH_RESULTS)/attribution.json
	python3 scripts/bench/cpu_per_message.py --sweep 100,1000,10000
	@python3 scripts/bench/summary.py $(BENCH_RESULTS)
	@# Last, so its verdict is the last thing said: worse CPU per message than recorded fails the run.
	python3 scripts/bench/cpu_per_message.py --quick

## Commit latency as a SQLite store grows to GROWTH_GB (1–2 minutes per GB, GROWTH_GB of disk); the
## summary of `make bench` shows its last run. The store is kept in var/bench/growth for a later, larger run.
GROWTH_GB ?= 20
bench-growth: release
	@mkdir -p var/bench/growth $(BENCH_RESULTS)
	.build/release/niihub bench-growth --store sqlite:var/bench/growth/store.sqlite --gigabytes $(GROWTH_GB) --json $(BENCH_RESULTS)/growth.json

## About a minute: hub CPU per message, end to end, against the recorded figure (fails when >20 % worse).
## BENCH_RECORD=1 records this run as the new figure (scripts/bench/baseline.json).
bench-quick: release
	python3 scripts/bench/cpu_per_message.py --quick $(if $(BENCH_RECORD),--record)

## The hub at SOAK_RATE events/s from simulated trackers for SOAK_MINUTES (SOAK_HOGS busy processes beside it); RSS, descriptors and stage queues to var/soak/soak.csv.
soak: release
	python3 scripts/bench/soak.py --minutes $(SOAK_MINUTES) --rate $(SOAK_RATE) --hogs $(SOAK_HOGS)

## Coverage-guided fuzzing (libFuzzer) of every decoder: FUZZ_SECONDS per target, FUZZ_TARGETS to pick some.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=
fuzz:
	bash scripts/fuzz.sh --seconds $(FUZZ_SECONDS) $(FUZZ_TARGETS)

clean:
	rm -rf .build .build-fuzz var
