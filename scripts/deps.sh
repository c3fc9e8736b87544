#!/bin/sh
# deps.sh -- install the Debian packages abusedesk needs, if missing.
#
#   scripts/deps.sh build   what `make build` / `make run` need
#   scripts/deps.sh test    that, plus what `make test` needs
#   scripts/deps.sh bench   build's, plus what `make bench` needs
#   scripts/deps.sh fuzz    build's, plus clang and libFuzzer for `make fuzz`
#
# Installs with apt-get as root, or through sudo; where neither works it
# prints the exact command to run and fails.
set -eu

build_pkgs="gcc make pkg-config meson ninja-build libcjson-dev libsqlite3-dev libcurl4-openssl-dev libsodium-dev libmagic-dev nodejs npm"
test_pkgs="libcmocka-dev sqlite3 chromium"
bench_pkgs="wrk nginx sqlite3"
fuzz_pkgs="clang libclang-rt-dev"

case "${1:-build}" in
build) want="$build_pkgs" ;;
test) want="$build_pkgs $test_pkgs" ;;
bench) want="$build_pkgs $bench_pkgs" ;;
fuzz) want="$build_pkgs $fuzz_pkgs" ;;
*) echo "usage: $0 build|test|bench|fuzz" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
	# a package counts as present when dpkg says installed (any libcurl dev flavour will do)
	if [ "$p" = libcurl4-openssl-dev ] && pkg-config --exists libcurl 2>/dev/null; then
		continue
	fi
	# node and npm may come from elsewhere than Debian (e.g. NodeSource): any will do
	if [ "$p" = nodejs ] && command -v node >/dev/null 2>&1; then
		continue
	fi
	if [ "$p" = npm ] && command -v npm >/dev/null 2>&1; then
		continue
	fi
	# any nginx will do as the bench's reference (nginx-light, nginx-full...)
	if [ "$p" = nginx ] && command -v nginx >/dev/null 2>&1; then
		continue
	fi
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "deps: installing:$missing"
if [ "$(id -u)" = 0 ]; then
	sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	sudo="sudo -n"
else
	echo "deps: cannot install packages (not root, no sudo). Run as root:" >&2
	echo "  apt-get update && apt-get install -y$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq || true
$sudo apt-get install -y -qq --no-install-recommends $missing
