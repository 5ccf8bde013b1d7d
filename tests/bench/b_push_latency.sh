#!/usr/bin/env bash
# What pushgate adds to a one-commit push.  The same fast-forward push over
# file:// goes, interleaved, into three bare repositories: one with no hooks
# (the floor), one whose three hooks are /bin/true (what git spends starting
# any three hooks), and one with pushgate's hooks and a typical policy.
# Each push's commit changes one file.  Medians of N pushes each.  Then
# each hook binary alone, N runs, against /bin/true started the same way;
# pre-receive also with windows and a freeze, and with [secrets] on (its
# compiled rules cached, as pushgate check leaves them; what compiling
# them costs a push without the cache is the time check reports).
set -eu
build=$1
N=${N:-61}
T=$(mktemp -d /tmp/pushgate-bench.XXXXXX)
trap 'rm -rf "$T"' EXIT
export HOME=$T GIT_CONFIG_NOSYSTEM=1
git config --global user.name bench
git config --global user.email bench@example.com
git config --global init.defaultBranch main

for r in plain noop pushgate; do git init -q --bare "$T/$r.git"; done
for h in pre-receive update post-receive; do
	ln -s /bin/true "$T/noop.git/hooks/$h"
	ln -s "$build/hooks/$h" "$T/pushgate.git/hooks/$h"
done
export PUSHGATE_CONFIG=$T/pushgate.ini PUSHGATE_USER=alice
cat >"$PUSHGATE_CONFIG" <<'INI'
[core]
identity = env:PUSHGATE_USER
[group "maintainers"]
members = alice, bob, @release
[group "release"]
members = carol
[branch "main"]
push = @maintainers
control = ISO27001:8.32
[branch "release/*"]
push = @release
[branch "**"]
force_push = *
[tag "v*"]
create = @release
INI
chmod 0644 "$PUSHGATE_CONFIG"
# The same policy with change control on main and v* tags: a zone, windows
# open all week, a freeze in the past.
win=$T/change-control.ini
{
	sed 's/^identity = env:PUSHGATE_USER$/&\ntimezone = Europe\/Helsinki/' "$PUSHGATE_CONFIG"
	printf '[branch "main"]\nwindow = Mon-Fri 00:00-24:00\nwindow = Sat-Sun 00:00-24:00\n'
	printf 'freeze = 2000-12-20..2001-01-06\n[tag "v*"]\nfreeze = 2000-12-20..2001-01-06\n'
} >"$win"
chmod 0644 "$win"

# The same policy with secret scanning (builtin rules) and content limits.
sec=$T/secrets/pushgate.ini
mkdir -p "$T/secrets"
{
	cat "$PUSHGATE_CONFIG"
	printf '[secrets]\nrules = builtin\n[path "**"]\nmax_size = 10M\nname = ^[^ ]+$\n'
} >"$sec"
chmod 0644 "$sec"
compiled=$("$build/pushgate" check -c "$sec" | sed -n 's/.*\[secrets\]: [0-9]* rules, compiled in \([0-9.]*\) ms.*/\1/p')

git init -q "$T/w"
cd "$T/w"
git commit -q --allow-empty -m base
for r in plain noop pushgate; do git push -q "$T/$r.git" main; done

median() { sort -n "$1" | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)] / 1000}'; }
for i in $(seq 1 "$N"); do
	echo "line $i of the notes, password = none" >>notes.txt
	git add notes.txt
	git commit -q -m "c$i"
	for r in plain noop pushgate; do
		t0=${EPOCHREALTIME/./}
		git push -q "$T/$r.git" main
		t1=${EPOCHREALTIME/./}
		echo $((t1 - t0)) >>"$T/$r.us"
	done
done

tip=$(git rev-parse HEAD)
prev=$(git rev-parse HEAD~1)
echo "$prev $tip refs/heads/main" >"$T/stdin"
cd "$T/pushgate.git"
run() {
	local out=$1; shift
	for i in $(seq 1 "$N"); do
		t0=${EPOCHREALTIME/./}
		GIT_DIR=. "$@" <"$T/stdin" >/dev/null 2>&1 || true
		t1=${EPOCHREALTIME/./}
		echo $((t1 - t0)) >>"$T/$out.us"
	done
}
run true /bin/true
run pre "$build/hooks/pre-receive"
PUSHGATE_CONFIG=$win run prewin "$build/hooks/pre-receive"
PUSHGATE_CONFIG=$sec run presec "$build/hooks/pre-receive"
run upd "$build/hooks/update" refs/heads/main "$prev" "$tip"
run post "$build/hooks/post-receive"

p=$(median "$T/plain.us") n=$(median "$T/noop.us") g=$(median "$T/pushgate.us")
awk -v p="$p" -v n="$n" -v g="$g" -v N="$N" \
    -v t="$(median "$T/true.us")" -v a="$(median "$T/pre.us")" \
    -v b="$(median "$T/upd.us")" -v c="$(median "$T/post.us")" \
    -v w="$(median "$T/prewin.us")" -v x="$(median "$T/presec.us")" \
    -v y="${compiled:-?}" 'BEGIN {
	printf "push latency: one-commit fast-forward over file://, median of %d\n", N
	printf "  no hooks (floor)           %6.2f ms\n", p
	printf "  three /bin/true hooks      %6.2f ms  (+%.2f ms: git starting three hooks)\n", n, n - p
	printf "  pushgate hooks             %6.2f ms  (+%.2f ms over the floor, ratio %.2f;\n", g, g - p, g / p
	printf "                                        +%.2f ms over /bin/true hooks)\n", g - n
	printf "  each hook alone, over /bin/true (%.2f ms):\n", t
	printf "    pre-receive %+.2f ms   update %+.2f ms   post-receive %+.2f ms\n", a - t, b - t, c - t
	printf "    pre-receive with windows and a freeze %+.2f ms (%+.2f ms for them)\n", w - t, w - a
	printf "    pre-receive with [secrets], max_size, name %+.2f ms (%+.2f ms for them)\n", x - t, x - a
	printf "      (from the compiled-rules cache; compiling them takes %s ms)\n", y
}'
