#!/bin/sh
# fuzz.sh -- run the libFuzzer targets of tests/fuzz (ASan+UBSan, clang).
#
#   scripts/fuzz.sh SECONDS [TARGET...]     (default: every target)
#   FUZZ_JOBS=N, FUZZ_BUDGET=SECONDS        (see below)
#
# Builds $BUILD_FUZZ (default build-fuzz) with -Dfuzz=true if needed, then
# runs each target for SECONDS, $FUZZ_JOBS at a time (default: the number of
# CPUs, at most 4).  Each target reads its seed corpus tests/fuzz/corpus/T
# and the crash reproducers tests/fuzz/regressions/T, and writes what it
# learns to $BUILD_FUZZ/corpus/T (kept between runs, never in the repo).
# A crash, leak, timeout or sanitizer report leaves its input in
# $BUILD_FUZZ/artifacts/T/ and makes this script fail; once the bug is
# fixed, the input goes into tests/fuzz/regressions/T/ so `make test`
# replays it for ever.  The last lines printed are the executions per target.
set -eu
cd "$(dirname "$0")/.."

secs=${1:?usage: scripts/fuzz.sh SECONDS [TARGET...]}
shift
BUILD_FUZZ=${BUILD_FUZZ:-build-fuzz}
all="json_report form ipaddr datetime url email taxonomy config http_parse"
[ -f src/util/multipart.c ] && [ -f tests/fuzz/multipart.c ] && all="$all multipart"
targets=${*:-$all}
jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
[ "$jobs" -gt 4 ] && jobs=4
# FUZZ_BUDGET (seconds for the whole run, as CI sets it): fewer seconds a target if needed.
if [ -n "${FUZZ_BUDGET:-}" ]; then
	n=$(echo $targets | wc -w)
	rounds=$(( (n + jobs - 1) / jobs ))
	[ $(( rounds * secs )) -gt "$FUZZ_BUDGET" ] && secs=$(( FUZZ_BUDGET / rounds ))
fi

if [ ! -f "$BUILD_FUZZ/build.ninja" ]; then
	# werror off here only: clang warns where gcc (the -Werror gate) does not.
	CC=clang meson setup "$BUILD_FUZZ" --buildtype=debugoptimized -Dfuzz=true -Dwerror=false \
		-Db_sanitize=address,undefined -Db_lundef=false
fi
ninja -C "$BUILD_FUZZ" $(for t in $targets; do printf 'fuzz-%s ' "$t"; done)

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

run_one() {
	t=$1
	work="$BUILD_FUZZ/corpus/$t"
	art="$BUILD_FUZZ/artifacts/$t"
	mkdir -p "$work" "$art" "tests/fuzz/regressions/$t"
	dict=""
	[ -f "tests/fuzz/dict/$t.dict" ] && dict="-dict=tests/fuzz/dict/$t.dict"
	"$BUILD_FUZZ/fuzz-$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2560 \
		-print_final_stats=1 -artifact_prefix="$art/" $dict \
		"$work" "tests/fuzz/corpus/$t" "tests/fuzz/regressions/$t" \
		>"$BUILD_FUZZ/fuzz-$t.log" 2>&1
}

# In batches of $jobs: every run lasts the same time, so nothing waits long.
running=0
status=0
for t in $targets; do
	run_one "$t" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait || true
		running=0
	fi
done
wait || true

echo "target        executions  exec/s  corpus  result"
for t in $targets; do
	log="$BUILD_FUZZ/fuzz-$t.log"
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	corp=$(ls "$BUILD_FUZZ/corpus/$t" | wc -l)
	if grep -qE '^==[0-9]+==ERROR|^SUMMARY: |runtime error:|invariant failed|Test unit written' "$log"; then
		result="FINDING: see $log and $BUILD_FUZZ/artifacts/$t/"
		status=1
	else
		result=ok
	fi
	printf '%-13s %10s  %6s  %6s  %s\n' "$t" "${runs:-?}" "${rate:-?}" "$corp" "$result"
done
if [ "$status" -ne 0 ]; then
	for t in $targets; do
		log="$BUILD_FUZZ/fuzz-$t.log"
		grep -qE '^==[0-9]+==ERROR|^SUMMARY: |runtime error:|invariant failed|Test unit written' "$log" || continue
		echo "---- $t: the end of $log"
		grep -vE '^#[0-9]+\s' "$log" | tail -40
	done
fi
exit $status
