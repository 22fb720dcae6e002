# The two commands of the README:
#   make run    set up, build and run the dashboard on ./data with the demo feeder
#   make test   set up, then run every check and test (what .ci/run calls)

SHELL := /bin/bash
# wasm-opt (binaryen) comes from npm; cargo-leptos finds it on PATH.
export PATH := $(CURDIR)/end2end/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)

DATA_DIR ?= ./data
LISTEN ?= 127.0.0.1:3000

.PHONY: setup stac-tools grib-samples release run build test lint unit e2e bench bench-dashboard fuzz clean-e2e

setup:
	@scripts/setup.sh

# The Python tools the STAC tests run (stac-api-validator, pystac-client),
# in .stac-tools/, from PyPI.
stac-tools:
	@scripts/stac-tools.sh

# ecCodes' tools and the registry's GRIB2 files the decoding tests compare
# against, in target/grib-samples/.
grib-samples:
	@scripts/grib-samples.sh

# The release build writes brotli and gzip copies of the wasm, JS and CSS,
# which the server sends to browsers that accept them. Every build splits the
# wasm (`--split`): the board's code first, each other page's when opened.
release: setup
	cargo leptos build --release --precompress --split

run: release
	LEPTOS_SITE_ROOT=target/site target/release/opsboard serve --data-dir $(DATA_DIR) --listen $(LISTEN) --demo

# The debug server and the wasm site, as the browser tests use them.
build: setup
	cargo leptos build --split

lint: setup
	@# A clone stands on its own: nothing of it may read a folder beside it.
	@! git grep -nE '\.\./shared' -- ':!*.md' || { echo 'lint: a file reads the shared folder beside the clone'; exit 1; }
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p app --lib --target wasm32-unknown-unknown --features hydrate -- -D warnings

unit: setup stac-tools grib-samples
	cargo test --workspace

e2e: build
	cd end2end && npx playwright test

test: lint build unit e2e

bench: setup bench-dashboard grib-samples
	@command -v vipsthumbnail >/dev/null && command -v mogrify >/dev/null && command -v mapserv >/dev/null || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libvips-tools imagemagick cgi-mapserver >/dev/null; }
	cargo bench -p server --bench drop_latency
	cargo bench -p server --bench login
	cargo bench -p server --bench decisions
	cargo bench -p server --bench positions
	@scripts/stac-tools.sh bench
	cargo bench -p server --bench catalogue_search
	cargo bench -p server --bench thumbnails
	cargo bench -p server --bench source_latency
	cargo bench -p server --bench ingest_burst
	cargo bench -p server --bench sources_load
	cargo bench -p server --bench field_maps

# Dashboard figures in Chromium on a release build with 5 000 products in view:
# server render time, time to interactive, wasm + JS size.
bench-dashboard: release
	cd end2end && npx playwright test --config bench.config.ts

# Every fuzz target for FUZZ_SECONDS each (default 60), with a nightly
# toolchain and cargo-fuzz that scripts/fuzz.sh installs if missing.
fuzz:
	@scripts/fuzz.sh
