#!/usr/bin/env bash
# What the hooks add to a one-commit push: the same fast-forward push over
# file:// into a repository with pushgate's three hooks and into one with
# none (the floor), interleaved, N times each; medians.  Then the
# pre-receive binary alone, run N times on one ref update.
set -eu
build=$1
N=${N:-41}
T=$(mktemp -d /tmp/pushgate-bench.XXXXXX)
trap 'rm -rf "$T"' EXIT
export HOME=$T GIT_CONFIG_NOSYSTEM=1
git config --global user.name bench; git config --global user.email bench@example.com
git config --global init.defaultBranch main

git init -q --bare "$T/hooked.git"; git init -q --bare "$T/plain.git"
for h in pre-receive update post-receive; do ln -s "$build/hooks/$h" "$T/hooked.git/hooks/$h"; done
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
[tag "v*"]
create = @release
INI
chmod 0644 "$PUSHGATE_CONFIG"

git init -q "$T/w"; cd "$T/w"
git commit -q --allow-empty -m base
git push -q "$T/hooked.git" main; git push -q "$T/plain.git" main

now() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
: >"$T/hooked.ms"; : >"$T/plain.ms"
for i in $(seq 1 "$N"); do
	echo "$i" >f; git add f; git commit -q -m "c$i"
	t0=$(now); git push -q "$T/hooked.git" main; t1=$(now)
	git push -q "$T/plain.git" main; t2=$(now)
	echo $(( (t1 - t0) / 1000 )) >>"$T/hooked.ms"
	echo $(( (t2 - t1) / 1000 )) >>"$T/plain.ms"
done
h=$(median <"$T/hooked.ms"); p=$(median <"$T/plain.ms")

# The hook alone, as pre-receive runs after the objects arrived.
tip=$(git rev-parse HEAD); prev=$(git rev-parse HEAD~1)
cd "$T/hooked.git"
: >"$T/hook.us"
for i in $(seq 1 "$N"); do
	t0=$(now)
	echo "$prev $tip refs/heads/main" | GIT_DIR=. "$build/hooks/pre-receive"
	t1=$(now)
	echo $(( (t1 - t0) / 1000 )) >>"$T/hook.us"
done
k=$(median <"$T/hook.us")
: >"$T/true.us"
for i in $(seq 1 "$N"); do t0=$(now); /bin/true; t1=$(now); echo $(( (t1 - t0) / 1000 )) >>"$T/true.us"; done
z=$(median <"$T/true.us")

awk -v h="$h" -v p="$p" -v k="$k" -v z="$z" -v n="$N" 'BEGIN {
	printf "push latency, one-commit fast-forward over file:// (median of %d)\n", n
	printf "  no hooks (floor):          %7.2f ms\n", p / 1000
	printf "  pushgate hooks:            %7.2f ms   (+%.2f ms, ratio %.2f)\n", h / 1000, (h - p) / 1000, h / p
	printf "  pre-receive alone:         %7.2f ms   (/bin/true: %.2f ms)\n", k / 1000, z / 1000
}'
