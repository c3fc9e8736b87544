# The two commands of the README, and a few more.  Meson + Ninja do the
# building; this file only strings the steps together.
#
#   make run    install what is missing, build, run the service on 127.0.0.1:8080
#   make test   install what is missing, build, run every test (also under ASan+UBSan)
#   make bench  benchmarks against nginx (bench/run.mjs); not part of make test
#   make fuzz   each libFuzzer target for FUZZ_SECONDS (fuzz-smoke: about a minute each)

BUILD      ?= build
BUILD_SAN  ?= build-asan
NODE_TESTS  = tests/e2e/*.test.mjs
BROWSER_TESTS = tests/browser/*.test.mjs

.PHONY: all build run test test-unit test-e2e test-browser test-asan deps deps-test npm clean

all: build

deps:
	@scripts/deps.sh build

deps-test:
	@scripts/deps.sh test

# Benchmarks: a release build (build-release) measured with wrk against nginx
# on 127.0.0.1; prints a table and saves it in build/bench/.
.PHONY: bench deps-bench
deps-bench:
	@scripts/deps.sh bench

bench: deps-bench npm
	node bench/run.mjs

# npm packages (package-lock.json): the developer page's API renderer is
# embedded from them at build time; the tests use the others.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

npm: node_modules/.package-lock.json

$(BUILD)/build.ninja: node_modules/.package-lock.json
	meson setup $(BUILD) --buildtype=debugoptimized

$(BUILD_SAN)/build.ninja: node_modules/.package-lock.json
	meson setup $(BUILD_SAN) --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false

build: deps npm $(BUILD)/build.ninja
	ninja -C $(BUILD)

run: build
	./$(BUILD)/abusedesk serve

test: deps-test
	$(MAKE) build
	$(MAKE) test-unit test-e2e test-browser
	$(MAKE) test-asan

test-unit: $(BUILD)/build.ninja
	@# a build dir first set up by `make run` (no cmocka then) is set up again now that cmocka is here
	@if grep -q unit-tests-need-cmocka $(BUILD)/meson-info/intro-tests.json 2>/dev/null && \
	    pkg-config --exists cmocka; then meson setup --reconfigure $(BUILD); fi
	ninja -C $(BUILD)
	meson test -C $(BUILD) --print-errorlogs

test-e2e: $(BUILD)/build.ninja
	ninja -C $(BUILD)
	ABUSEDESK_BIN=$(BUILD)/abusedesk node --test $(NODE_TESTS)

# Pages in Debian's Chromium (tests/browser/lib/chromium.mjs); screenshots in build/test-artifacts/.
test-browser: $(BUILD)/build.ninja
	ninja -C $(BUILD)
	ABUSEDESK_BIN=$(BUILD)/abusedesk node --test $(BROWSER_TESTS)

test-asan: $(BUILD_SAN)/build.ninja
	ninja -C $(BUILD_SAN)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		meson test -C $(BUILD_SAN) --print-errorlogs
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ABUSEDESK_BIN=$(BUILD_SAN)/abusedesk ABUSEDESK_SANITIZED=1 node --test $(NODE_TESTS)

# Fuzzing (tests/fuzz): libFuzzer targets under ASan+UBSan, built with clang in
# build-fuzz by scripts/fuzz.sh, which prints the executions per target and
# fails on any finding.  The corpora and crash reproducers also run in
# `make test` (meson test suite "fuzz"), without libFuzzer.
FUZZ_SECONDS ?= 300
.PHONY: fuzz fuzz-smoke deps-fuzz
deps-fuzz:
	@scripts/deps.sh fuzz

fuzz: deps-fuzz npm
	scripts/fuzz.sh $(FUZZ_SECONDS)

# CI: 60 s a target, shortened so that the whole run stays within 7 minutes.
fuzz-smoke: deps-fuzz npm
	FUZZ_BUDGET=420 scripts/fuzz.sh 60

clean:
	rm -rf $(BUILD) $(BUILD_SAN) node_modules
