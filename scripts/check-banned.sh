#!/bin/sh
# check-banned.sh -- the libc calls the house style bans (STYLE.md 17),
# looked for in src/, tests/unit/ and tests/fuzz/.  Run by the test suite.
set -eu
cd "$(dirname "$0")/.."
pattern='\b(sprintf|vsprintf|strcpy|strcat|strncat|strtok|atoi|atol|atoll|gets)[[:space:]]*\('
if grep -rnE "$pattern" src tests/unit tests/fuzz --include='*.c' --include='*.h' | grep -v 'snprintf\|vsnprintf' ; then
	echo "check-banned: banned calls found above" >&2
	exit 1
fi
echo "check-banned: no banned calls in src/, tests/unit/ and tests/fuzz/"
