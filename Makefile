# NII Hub: `make demo` and `make test` set up everything they need on a fresh Debian machine.
SHELL := /bin/bash
export PATH := /opt/swift/usr/bin:$(PATH)
SWIFT ?= swift

# What building and running the hub needs from Debian.
RUNTIME_PACKAGES := libsqlite3-dev libudev-dev libxml2 pkg-config python3 python3-pip
# What the tests need on top.
TEST_PACKAGES := $(RUNTIME_PACKAGES) umockdev libumockdev-dev libxml2-utils chromium chromium-driver openssl curl
TEST_PYTHON := jsonschema selenium schemathesis

TEST_BUNDLE = $(shell $(SWIFT) build --show-bin-path)/niihubPackageTests.xctest

.PHONY: all build release demo test deps test-deps corpus-check corpus-check-built bench clean

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
	$(SWIFT) build --build-tests
	@# The outside conformance checker first, so swift test's summary stays the last line.
	@$(MAKE) --no-print-directory corpus-check-built
	@# The USB tests fake devices with umockdev, whose preload library must wrap the test process.
	umockdev-wrapper $(TEST_BUNDLE) --testing-library swift-testing --filter HubUdevTests
	@# The headless-browser test alone, then everything else in parallel.
	NIIHUB_BROWSER_TESTS=1 $(SWIFT) test --skip-build --filter BrowserTests
	$(SWIFT) test --skip-build

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

## Decode throughput of the GPS and seal drivers on the corpora (release build).
bench: release
	.build/release/niihub bench-decode --protocol nmea ../shared/corpus/nmea/*.log --repeat 200
	.build/release/niihub bench-decode --protocol nmea --driver-only ../shared/corpus/nmea/*.log --repeat 200
	@mkdir -p var/bench
	@for p in gt06 teltonika-codec8; do python3 -c 'import json,sys; [print(json.loads(l)["hex"]) for l in open(sys.argv[1])]' \
		../shared/corpus/tracker/$$p-frames.jsonl > var/bench/$$p.hex; done
	.build/release/niihub bench-decode --protocol gt06 var/bench/gt06.hex --repeat 200
	.build/release/niihub bench-decode --protocol teltonika var/bench/teltonika-codec8.hex --repeat 200

clean:
	rm -rf .build var
