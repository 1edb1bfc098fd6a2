# Build, test and serve the hairline visualizer (Rust -> WebAssembly + static site in www/).
#
#   make tools      install missing tools (idempotent, quick when all present)
#   make build      wasm build into www/pkg/
#   make build-test the test build (bench fixtures, test panic) into target/pkg-test/
#   make serve      build, then serve www/ at http://127.0.0.1:$(PORT)/
#   make test       test-native, test-wasm, test-e2e, in that order
#   make bench      build, then run tests/bench/run.mjs
#   make golden     regenerate the golden reference images
#   make dist       versioned folder for clinics: target/dist/hairline-visualizer-<version>/
#   make gallery    contact sheet of every test photo: target/gallery/
#   make clean

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DELETE_ON_ERROR:
.SUFFIXES:
MAKEFLAGS += --no-builtin-rules

# A freshly `cargo install`ed wasm-bindgen must be found by later recipes.
export PATH := $(HOME)/.cargo/bin:$(PATH)

PORT ?= 8080
HOST ?= 127.0.0.1

CRATE      := hairline_visualizer
WASM_TARGET := wasm32-unknown-unknown
WASM_IN    := target/$(WASM_TARGET)/release/$(CRATE).wasm
PKG_DIR    := www/pkg
WASM_OUT   := $(PKG_DIR)/$(CRATE)_bg.wasm

# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
WASM_BINDGEN_VERSION := $(shell awk '/^name = "wasm-bindgen"$$/ { getline; if ($$1 == "version") { gsub(/"/, "", $$3); print $$3; exit } }' Cargo.lock 2>/dev/null)

# wasm-opt: the pinned npm `binaryen` package (node_modules/.bin/wasm-opt) is
# preferred. Debian bookworm's binaryen 108 rewrites the exported
# `__wbindgen_externrefs` table to point at the funcref table (even at -O0),
# so the page dies with "WebAssembly.Table.set(): Argument 1 is invalid";
# a system wasm-opt is only used when it is at least WASM_OPT_MIN_VERSION.
# Set WASM_OPT=/path/to/wasm-opt to force one.
WASM_OPT ?=
WASM_OPT_MIN_VERSION ?= 116
WASM_OPT_FLAGS := -Oz --enable-bulk-memory --enable-sign-ext --enable-mutable-globals \
	--enable-nontrapping-float-to-int --enable-reference-types --enable-multivalue

CHROMIUM     ?= /usr/bin/chromium
CHROMEDRIVER ?= /usr/bin/chromedriver

.PHONY: all tools tool-rust-target tool-wasm-bindgen tool-apt tool-npm \
	build build-test wasm-opt serve test test-native test-wasm test-e2e mirror-clips bench dist gallery golden test-face test-segment test-render test-labels test-track fuzz clean

all: build

# ---------------------------------------------------------------- tools

tools: tool-rust-target tool-wasm-bindgen tool-apt tool-npm

tool-rust-target:
	@if ! rustup target list --installed | grep -qx '$(WASM_TARGET)'; then \
		echo '==> rustup target add $(WASM_TARGET)'; \
		rustup target add $(WASM_TARGET); \
	fi

# No --locked: the locked dependency set of wasm-bindgen-cli includes a version
# that the registry mirror here does not serve; plain resolution works.
tool-wasm-bindgen:
	@want='$(WASM_BINDGEN_VERSION)'; \
	if [ -z "$$want" ]; then echo 'error: no wasm-bindgen entry found in Cargo.lock' >&2; exit 1; fi; \
	have=$$(wasm-bindgen --version 2>/dev/null | awk '{print $$2}' || true); \
	if [ "$$have" != "$$want" ]; then \
		echo "==> cargo install wasm-bindgen-cli $$want (found: $${have:-none})"; \
		cargo install wasm-bindgen-cli --version "=$$want"; \
	fi

tool-apt:
	@if [ ! -x '$(CHROMIUM)' ] || [ ! -x '$(CHROMEDRIVER)' ]; then \
		echo '==> apt-get install chromium chromium-driver'; \
		export DEBIAN_FRONTEND=noninteractive; \
		SUDO=; if [ "$$(id -u)" != 0 ]; then SUDO=sudo; fi; \
		$$SUDO apt-get update; \
		$$SUDO apt-get install -y --no-install-recommends chromium chromium-driver; \
	fi

tool-npm:
	@if [ ! -d node_modules ] || [ ! -f node_modules/.package-lock.json ] \
		|| [ package-lock.json -nt node_modules/.package-lock.json ]; then \
		echo '==> npm ci'; \
		PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund; \
	fi

# ---------------------------------------------------------------- build

# Face-detection weights ship inside the npm package @vladmandic/face-api
# (MIT); the build copies them next to the site, they are not committed.
FACE_API_MODELS := node_modules/@vladmandic/face-api/model
FACE_MODELS := tiny_face_detector_model face_landmark_68_model
# The person segmentation net ships in @mediapipe/selfie_segmentation
# (Apache-2.0), copied the same way.
SEGMENT_MODEL := node_modules/@mediapipe/selfie_segmentation/selfie_segmentation.tflite

# Two builds: scalar (www/pkg/) and simd128 (www/pkg/simd/); the element
# picks one by feature detection at load. Both give identical pixels.
SIMD_FLAGS := -C target-feature=+simd128

build: tools
	cargo build --release --target $(WASM_TARGET) --lib
	RUSTFLAGS="$(SIMD_FLAGS)" cargo build --release --target $(WASM_TARGET) --lib --target-dir target/simd
	wasm-bindgen --target web --out-dir $(PKG_DIR) --no-typescript $(WASM_IN)
	wasm-bindgen --target web --out-dir $(PKG_DIR)/simd --no-typescript target/simd/$(WASM_TARGET)/release/$(CRATE).wasm
	@$(MAKE) --no-print-directory wasm-opt WASM_FILE=$(WASM_OUT) EXTRA_OPT_FLAGS=
	@$(MAKE) --no-print-directory wasm-opt WASM_FILE=$(PKG_DIR)/simd/$(CRATE)_bg.wasm EXTRA_OPT_FLAGS=--enable-simd
	@mkdir -p www/models
	@for m in $(FACE_MODELS); do \
		cp -f $(FACE_API_MODELS)/$$m.bin $(FACE_API_MODELS)/$$m-weights_manifest.json www/models/; \
	done
	@cp -f $(SEGMENT_MODEL) www/models/
	@ls -l $(PKG_DIR) $(PKG_DIR)/simd www/models

# The test build: the simd128 build with the benchmark's fixtures
# (CopyBench, CompositeBench) and Visualizer.testPanic (cargo features
# `bench`, `test-panic`), so none of them ships in www/pkg. It lives in
# target/pkg-test/ laid out like the site (pkg/simd/, models/); the test
# server mounts it at /__testpkg/, where the browser tests (an element with
# base-url="/__testpkg/") and `make bench` load it. simd128 only: the tests
# run in Chromium.
TEST_PKG := target/pkg-test

build-test: build
	RUSTFLAGS="$(SIMD_FLAGS)" cargo build --release --target $(WASM_TARGET) --lib --features bench,test-panic --target-dir target/test
	wasm-bindgen --target web --out-dir $(TEST_PKG)/pkg/simd --no-typescript target/test/$(WASM_TARGET)/release/$(CRATE).wasm
	@$(MAKE) --no-print-directory wasm-opt WASM_FILE=$(TEST_PKG)/pkg/simd/$(CRATE)_bg.wasm EXTRA_OPT_FLAGS=--enable-simd
	@mkdir -p $(TEST_PKG)/models
	@cp -f www/models/* $(TEST_PKG)/models/

# Optimise one wasm file in place with the first usable wasm-opt.
wasm-opt:
	@wasm_opt="$(WASM_OPT)"; \
	if [ -z "$$wasm_opt" ]; then \
		if [ -x node_modules/.bin/wasm-opt ]; then wasm_opt=node_modules/.bin/wasm-opt; \
		elif command -v wasm-opt >/dev/null; then \
			v=$$(wasm-opt --version | grep -oE '[0-9]+' | head -n1); \
			if [ "$${v:-0}" -ge $(WASM_OPT_MIN_VERSION) ]; then wasm_opt=wasm-opt; \
			else echo "warning: system wasm-opt $$v < $(WASM_OPT_MIN_VERSION) corrupts wasm-bindgen output; not using it" >&2; fi; \
		fi; \
	fi; \
	if [ -z "$$wasm_opt" ]; then \
		echo 'warning: no usable wasm-opt; $(WASM_FILE) left unoptimised' >&2; \
	else \
		echo "==> $$wasm_opt $(WASM_OPT_FLAGS) $(EXTRA_OPT_FLAGS) $(WASM_FILE)"; \
		if "$$wasm_opt" $(WASM_OPT_FLAGS) $(EXTRA_OPT_FLAGS) $(WASM_FILE) -o $(WASM_FILE).opt; then \
			mv -f $(WASM_FILE).opt $(WASM_FILE); \
		else \
			rm -f $(WASM_FILE).opt; \
			echo 'warning: wasm-opt could not process $(WASM_FILE); keeping the unoptimised file' >&2; \
		fi; \
	fi

serve: build
	@echo "==> http://$(HOST):$(PORT)/"
	node tools/serve.mjs --root www --port $(PORT) --host $(HOST)

# ---------------------------------------------------------------- tests

# Sequential on purpose, even under `make -j`.
test:
	$(MAKE) test-native
	$(MAKE) fuzz
	$(MAKE) test-wasm
	$(MAKE) test-e2e

test-native: tool-npm tool-apt
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	cargo test
	$(MAKE) --no-print-directory test-face
	$(MAKE) --no-print-directory test-segment
	$(MAKE) --no-print-directory test-track
	$(MAKE) --no-print-directory test-render
	$(MAKE) --no-print-directory test-labels

# The default design rendered on every test photo, measured against the
# hand labels: no hair darkened, the scalp behind the line covered, nothing
# off the head (tests/render_photos.rs; RENDER_PHOTOS_OUT=dir keeps renders).
test-render: tool-npm tool-apt
	@ls target/face-fixtures/*.rgba >/dev/null 2>&1 || node tests/face/oracle.mjs
	cargo test --release --test render_photos -- --nocapture

# Our face detector against the JavaScript library it reimplements, on every
# test photo: the oracle (face-api in Chromium) writes the reference and the
# decoded pixels, then the release-build test compares (within 1.5% of the
# interpupillary distance).
test-face: tool-npm tool-apt
	node tests/face/oracle.mjs
	cargo test --release --test face_native -- --nocapture

# The person segmentation net against LiteRT on every test photo: the committed
# reference (tests/fixtures/segment/, made by tools/segment_reference.py) is
# compared with the release-build net, which reads the photos as the face
# oracle decoded them (run here if they are missing). One test thread, so the
# printed run times are not shared with the damaged-file test.
test-segment: tool-npm tool-apt
	@ls target/face-fixtures/*.rgba >/dev/null 2>&1 || node tests/face/oracle.mjs
	cargo test --release --test segment_native -- --nocapture --test-threads=1

# The live mirror's tracker (src/track/) on synthetic 640x480 clips made from
# the test photos with known motion (uses the pixels test-face's oracle
# wrote), and its whole frame loop (the design drawn on the tracked head,
# the head fitted, dots kept off the backdrop); also checks target/mirror/
# clips if `node tests/mirror/make-clips.mjs` made them. About 3 minutes on
# this machine.
test-track: tool-npm
	cargo test --release --test track_native -- --nocapture

# Hair / scalp / face / background segmentation (src/segment/hair.rs) on the
# product's path for every test photo, scored against the hand labels in
# tests/fixtures/labels/ (in-sample, leave-one-photo-out, without landmarks),
# plus the check that training reproduces the shipped weights and the stage
# timings. Reads the photos as the face oracle decoded them (run here if
# they are missing). One test thread: the printed times are per stage.
test-labels: tool-npm tool-apt
	@ls target/face-fixtures/*.rgba >/dev/null 2>&1 || node tests/face/oracle.mjs
	cargo test --release --test segment_labels -- --nocapture --test-threads=1

# wasm-bindgen-test-runner drives headless Chromium through chromedriver; the
# browser flags (--no-sandbox etc., needed as root) come from webdriver.json.
test-wasm: tool-rust-target tool-wasm-bindgen tool-apt
	CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
	CHROMEDRIVER=$(CHROMEDRIVER) \
	cargo test --target $(WASM_TARGET)

# The live mirror's fake-camera clips (tests/mirror/make-clips.mjs) for the
# browser tests (tests/e2e/mirror.spec.mjs) and the bench: one photo's four
# clips, about a minute to make, remade only when the script or the pupils
# change.
MIRROR_CLIPS := target/mirror/front-shaved-dark-01.made

$(MIRROR_CLIPS): tests/mirror/make-clips.mjs tests/fixtures/pupils.json
	node tests/mirror/make-clips.mjs --names front-shaved-dark-01
	touch $@

mirror-clips: tool-npm tool-apt $(MIRROR_CLIPS)

test-e2e: build-test mirror-clips
	npx playwright test
	node --test tests/bench/

bench: build-test mirror-clips
	node tests/bench/run.mjs

dist: build
	node tools/dist.mjs

gallery: build
	node tests/gallery/run.mjs

# The design parser under libFuzzer for a bounded time (no sanitizer: runs
# on stable Rust; overflow checks and debug assertions stay on).
FUZZ_SECONDS ?= 60
fuzz:
	command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --version 0.13.2 --locked
	mkdir -p fuzz/corpus/design
	@echo '==> cargo fuzz run design ($(FUZZ_SECONDS) s; progress trimmed)'
	cargo fuzz run -s none design fuzz/corpus/design fuzz/seeds/design -- -dict=fuzz/design.dict -max_total_time=$(FUZZ_SECONDS) 2>&1 | tail -n 15

golden:
	UPDATE_GOLDEN=1 cargo test --test golden

clean:
	cargo clean
	rm -rf $(PKG_DIR) www/models $(TEST_PKG) target/playwright test-results playwright-report
