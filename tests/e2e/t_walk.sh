#!/usr/bin/env bash
# The paths the commit walk charges each commit with, against git's own
# answer (git diff-tree -c: for a merge, the paths that differ from every
# parent) over a generated history with merges, renames, deletions,
# non-ASCII paths, a symlink and a submodule.
. "$(dirname "$0")/lib.sh"

N=${WALK_N:-1500}
lib=$PUSHGATE_BUILD/libpushgate.a
cflags="-std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -g -I$TOP/common"
if nm "$lib" 2>/dev/null | grep -q '__asan_init'; then
	cflags="$cflags -fsanitize=address,undefined"
fi
# shellcheck disable=SC2086,SC2046 # word splitting of the flag lists is intended
cc $cflags -o "$T/walk_driver" "$TOP/tests/e2e/walk_driver.c" "$lib" \
	$(pkg-config --cflags --libs libgit2 inih libssh2 libcrypto) 2>"$T/cc.log"
check "walk_driver compiles" test -x "$T/walk_driver" || sed 's/^/#   | /' "$T/cc.log"
cc -O2 -o "$T/gen" "$TOP/tests/bench/gen_history.c" 2>>"$T/cc.log"
check "gen_history compiles" test -x "$T/gen"

git init -q --bare "$T/h.git"
"$T/gen" -n "$N" 2>/dev/null | git -C "$T/h.git" fast-import --quiet
tip=$(git -C "$T/h.git" rev-parse main)
check "the history has $N commits" test "$(git -C "$T/h.git" rev-list --count main)" -eq "$N"

# Both answers as sorted "SHA<TAB>path" lines, plus "SHA<TAB>" per commit.
flatten() { awk '/^commit /{ c = substr($0, 8); print c "\t"; next } { print c "\t" $0 }' | LC_ALL=C sort; }
git -C "$T/h.git" -c core.quotePath=false rev-list main | while read -r c; do
	echo "commit $c"
	git -C "$T/h.git" -c core.quotePath=false diff-tree -r -c --no-commit-id --name-only --root "$c"
done | flatten >"$T/git.txt"

# Ours: the same commits once no ref reaches them.
git -C "$T/h.git" update-ref -d refs/heads/main
"$T/walk_driver" "$T/h.git" "$tip" >"$T/ours.raw"
check "the walk succeeds" test $? -eq 0
flatten <"$T/ours.raw" >"$T/ours.txt"
check "every commit is walked once" test "$(grep -c '^commit ' "$T/ours.raw")" -eq "$N"
if diff "$T/git.txt" "$T/ours.txt" >"$T/diff.txt"; then
	ok "the paths of every commit match git diff-tree -c"
else
	not_ok "the paths of every commit match git diff-tree -c"
	head -20 "$T/diff.txt" | sed 's/^/#   | /'
fi
# Its merges are clean: charged against their merge base, they change nothing either.
"$T/walk_driver" "$T/h.git" "$tip" merge-base | flatten | uniq >"$T/ours-base.txt"
if diff "$T/git.txt" "$T/ours-base.txt" >"$T/diff.txt"; then
	ok "against the merge base, every clean merge is charged with nothing"
else
	not_ok "against the merge base, every clean merge is charged with nothing"
	head -20 "$T/diff.txt" | sed 's/^/#   | /'
fi
check "thousands of changed paths were compared" test "$(wc -l <"$T/git.txt")" -gt 2000
check "non-ASCII paths were compared" grep -q 'Märchen' "$T/git.txt"

done_testing
