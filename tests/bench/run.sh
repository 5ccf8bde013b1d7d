#!/usr/bin/env bash
# make bench: figures, never pass/fail.  Each benchmark prints a ratio
# against a floor measured in the same run.
set -eu
build=$(cd "${1:-build}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
for b in "$here"/b_*.sh; do
	bash "$b" "$build"
done
