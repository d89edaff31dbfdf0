# Two commands do all the set-up (see README.md):
#
#   make serve   build the page and serve it at http://127.0.0.1:8080/
#   make test    run every test: formatting, lints, native, wasm in
#                headless Chromium, and the page end to end
#
# Each installs the tools it needs when they are missing and skips those
# already present at the right version.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := serve

TOOLS := $(CURDIR)/target/tools
E2E := tests/e2e
export PATH := $(TOOLS)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)

TRUNK_VERSION := 0.21.14
BINARYEN_VERSION := 132
# The CLI must match the wasm-bindgen crate exactly: read it from the lock.
WASM_BINDGEN_VERSION = $(shell awk '/^name = "wasm-bindgen"$$/ { getline; \
  gsub(/[^0-9.]/, ""); print }' Cargo.lock)
CHROMIUM := /usr/bin/chromium
CHROMEDRIVER := /usr/bin/chromedriver
MNIST ?= ../shared/mnist
# Root may install Debian packages directly; anyone else goes through sudo.
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: serve build sizes bench-page test tools tools-test wasm-target trunk wasm-bindgen \
  binaryen browser playwright lint test-native test-wasm test-e2e

## The main job: build the page (release, wasm-opt) and serve it.
serve: tools
	@echo "Serving the page at http://127.0.0.1:8080/ (Ctrl-C stops)"
	trunk serve --release --offline

## Build the page into dist/ without serving it.
build: tools
	trunk build --release --offline

## The size of each file the page loads, raw and gzipped.
sizes: build
	@for f in dist/*.wasm dist/*.js; do \
	  printf '%-40s %8d bytes, %7d gzipped\n' $$f $$(stat -c %s $$f) $$(gzip -9 -c $$f | wc -c); \
	done

## The page's speed in headless Chromium: how soon it shows, training
## (default and 40 shots), one drawing through the ten networks.
bench-page: tools-test build
	node $(E2E)/bench.mjs

## Every test, in the order a failure is cheapest to find.
test: tools-test lint test-native test-wasm test-e2e

lint:
	cargo fmt --all -- --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --all-targets --target wasm32-unknown-unknown -- -D warnings

test-native:
	cargo test --release

# The model's wasm test compares its digest with the native one.
test-wasm:
	cargo build --release --bin snn
	SNN_NATIVE_FINGERPRINT=$$(target/release/snn fingerprint) \
	CHROMEDRIVER=$(CHROMEDRIVER) cargo test --release \
	  --target wasm32-unknown-unknown --test wasm_page --test wasm_worker --test wasm_model

test-e2e: build
	node --test $(E2E)/

# ---- tools ---------------------------------------------------------------

tools: wasm-target trunk wasm-bindgen binaryen
tools-test: tools browser playwright

wasm-target:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown \
	  || rustup target add wasm32-unknown-unknown

trunk:
	@trunk --version 2>/dev/null | grep -qx "trunk $(TRUNK_VERSION)" \
	  || cargo install --locked trunk --version $(TRUNK_VERSION)

# Not --locked: the CLI's own lock names a webpki-roots release that the
# registry here does not serve.
wasm-bindgen:
	@test -n "$(WASM_BINDGEN_VERSION)" || { echo "no wasm-bindgen in Cargo.lock"; exit 1; }
	@wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $(WASM_BINDGEN_VERSION)" \
	  || cargo install --force wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION)

# Debian's binaryen is too old (its wasm-opt output fails to start in
# Chromium); npm carries a current one.
binaryen:
	@wasm-opt --version 2>/dev/null | grep -q "version $(BINARYEN_VERSION)" \
	  || npm install --prefix $(TOOLS) --no-save --no-package-lock \
	       --no-audit --no-fund binaryen@$(BINARYEN_VERSION)

browser:
	@test -x $(CHROMIUM) -a -x $(CHROMEDRIVER) \
	  || { $(SUDO) apt-get update && $(SUDO) apt-get install -y chromium chromium-driver; }

# playwright-core drives Debian's Chromium; it downloads no browser.
playwright:
	@test -f $(E2E)/node_modules/playwright-core/package.json \
	  && grep -q "\"version\": \"$$(node -p "require('./$(E2E)/package.json').devDependencies['playwright-core']")\"" \
	       $(E2E)/node_modules/playwright-core/package.json \
	  || npm install --prefix $(E2E) --no-package-lock --no-audit --no-fund
