# The two commands of the README, and a few more.  Meson + Ninja do the
# building; this file only strings the steps together.
#
#   make run    install what is missing, build, run the service on 127.0.0.1:8080
#   make test   install what is missing, build, run every test (also under ASan+UBSan)

BUILD      ?= build
BUILD_SAN  ?= build-asan
NODE_TESTS  = tests/e2e/*.test.mjs

.PHONY: all build run test test-unit test-e2e test-asan deps deps-test npm clean

all: build

deps:
	@scripts/deps.sh build

deps-test:
	@scripts/deps.sh test

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
	$(MAKE) test-unit test-e2e
	$(MAKE) test-asan

test-unit: $(BUILD)/build.ninja
	ninja -C $(BUILD)
	meson test -C $(BUILD) --print-errorlogs

test-e2e: $(BUILD)/build.ninja
	ninja -C $(BUILD)
	ABUSEDESK_BIN=$(BUILD)/abusedesk node --test $(NODE_TESTS)

test-asan: $(BUILD_SAN)/build.ninja
	ninja -C $(BUILD_SAN)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		meson test -C $(BUILD_SAN) --print-errorlogs
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ABUSEDESK_BIN=$(BUILD_SAN)/abusedesk ABUSEDESK_SANITIZED=1 node --test $(NODE_TESTS)

clean:
	rm -rf $(BUILD) $(BUILD_SAN) node_modules
