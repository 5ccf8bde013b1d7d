#!/usr/bin/env bash
# The man pages, made from docs/*.md by pandoc: each renders without a
# warning at 80 columns (tables become lists, see docs/man-tables.lua), and every subcommand and every key the policy
# parser takes is in them.
. "$(dirname "$0")/lib.sh"

m1=$PUSHGATE_BUILD/man/pushgate.1 m5=$PUSHGATE_BUILD/man/pushgate.ini.5
for m in "$m1" "$m5"; do
	MANWIDTH=80 man --warnings -l "$m" 2>"$T/warn" | col -bx >"$T/page"
	check "$(basename "$m") renders" test $? -eq 0
	check "$(basename "$m") renders without warnings" test ! -s "$T/warn" ||
		sed 's/^/#   | /' "$T/warn"
done
# Words hyphenated at a line's end are joined again.
MANWIDTH=80 man -l "$m1" 2>/dev/null | col -bx | sed -z 's/\xe2\x80\x90\n *//g' >"$T/p1"
MANWIDTH=80 man -l "$m5" 2>/dev/null | col -bx | sed -z 's/\xe2\x80\x90\n *//g' >"$T/p5"
expect_contains "pushgate(1) has its name line" "$T/p1" "pushgate — "
for cmd in "pushgate check" "pushgate explain" "pushgate log verify" "pushgate log show" \
	"pushgate scan" "pushgate approve" "pushgate report" "pushgate version"; do
	expect_contains "pushgate(1) documents $cmd" "$T/p1" "$cmd"
done
# Every key common/config.c accepts, in the section page.
keys=$(sed -n 's/^\t{ "\([a-z_]*\)", IN_.*/\1/p' "$TOP/common/config.c" | sort -u)
check "the key table of config.c was read" test "$(echo "$keys" | wc -l)" -gt 40
missing=""
for k in $keys; do
	grep -qE "(^|[^a-z_])$k([^a-z_]|$)" "$T/p5" || missing="$missing $k"
done
check "pushgate.ini(5) documents every key${missing:+ (missing:$missing)}" test -z "$missing"
for s in core group branch tag path secrets replica; do
	expect_contains "pushgate.ini(5) has [$s]" "$T/p5" "[$s"
done
done_testing
