#!/usr/bin/env bash
# Secret scanning over a whole history, against the floor of reading the
# same blobs, and side by side with git-secrets and secretlint over the
# same bytes.  gen_history.c writes the bench's history (N commits, F
# files, blobs of a few hundred bytes of generated text); one commit on top
# adds an AWS key id, so every scanner has something to find.  In this run:
#   (a) the floor: `git cat-file --batch` over exactly the blobs pushgate
#       reads (every blob that some commit adds or changes: all that the
#       history reaches), median of 3;
#   (a') `git rev-list --objects --all`: git itself finding those blobs by
#       reading every tree once, median of 3;
#   (b) `pushgate scan` (builtin rules) over the whole history with one job
#       and with one per CPU, median of 3 each: wall time, its own split
#       into reading (inflating) and matching; peak memory of one job
#       (anonymous, and file pages: the pack), over this history and one a
#       fifth as long, and that of (a');
#   (c) the same history through git-secrets (`git secrets --scan-history`
#       with its AWS patterns: `git log -G` over every commit's diff, then
#       `git grep` of the commits that match), 1 run;
#   (d) the first S blobs (default 5000) as files in one tree: pushgate
#       scan over a packed commit of them, `git secrets --scan -r` over the
#       files, and secretlint (recommended preset) over the files, 1 run
#       each (secretlint given at most 15 minutes).
# git-secrets comes from Debian (installed here when missing, as root);
# secretlint from npm, into ~/.cache/pushgate-bench (skipped when npm
# cannot reach its registry).  Environment: N, F, SEED, S.
set -eu
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
N=${N:-50000} F=${F:-5000} SEED=${SEED:-1} S=${S:-5000}
cache=${XDG_CACHE_HOME:-$HOME/.cache}/pushgate-bench
T=$(mktemp -d /tmp/pushgate-bench.XXXXXX)
trap 'rm -rf "$T"' EXIT
export HOME=$T GIT_CONFIG_NOSYSTEM=1
git config --global init.defaultBranch main
git config --global user.name bench
git config --global user.email bench@example.com

. "$here/lib.sh"

# ---- the histories ----
cc -O2 -Wall -Wextra -Wshadow -o "$T/gen_history" "$here/gen_history.c"
history() {	# DIR COMMITS
	"$T/gen_history" -n "$2" -f "$F" -s "$SEED" 2>/dev/null | {
		git init -q --bare "$1"
		git -C "$1" fast-import --quiet
	}
	git clone -q "$1" "$T/plant"
	printf 'aws_access_key_id = AK''IAZ7QF3KXM2PLN4W5R\n' >"$T/plant/deploy.env"
	git -C "$T/plant" add deploy.env
	git -C "$T/plant" commit -q -m "deploy settings"
	git -C "$T/plant" push -q origin main
	rm -rf "$T/plant"
}
history "$T/src.git" "$N"
history "$T/small.git" $((N / 5))
git -C "$T/src.git" rev-list --objects --all | cut -d" " -f1 |
	git -C "$T/src.git" cat-file --batch-check='%(objecttype) %(objectname) %(objectsize)' |
	awk '$1 == "blob" {print $2; n++; b += $3} END {print n, b > "/dev/stderr"}' \
	>"$T/blobs" 2>"$T/blobs.n"
read -r nblobs nbytes <"$T/blobs.n"

# ---- (a) the floor ----
a=()
for i in 1 2 3; do
	timed t git -C "$T/src.git" cat-file --batch <"$T/blobs" >/dev/null
	a+=("$t")
done
floor=$(median "${a[@]}")

# ---- (a') git's own walk of the same trees ----
a=()
for i in 1 2 3; do
	timed t git -C "$T/src.git" rev-list --objects --all >/dev/null
	a+=("$t")
done
revlist=$(median "${a[@]}")

# ---- (b) pushgate scan: one job, then one per CPU ----
b=() b1=() rd=() sc=()
for i in 1 2 3; do
	timed t "$build/pushgate" scan -j 1 --git-dir "$T/src.git" >"$T/scan.out" 2>"$T/scan.err" || true
	b1+=("$t")
	rd+=("$(sed -n 's/.*read in \([0-9]*\) ms.*/\1/p' "$T/scan.err")")
	sc+=("$(sed -n 's/.*scanned in \([0-9]*\) ms.*/\1/p' "$T/scan.err")")
	timed t "$build/pushgate" scan --git-dir "$T/src.git" >"$T/scan.outj" 2>/dev/null || true
	b+=("$t")
done
grep -q ':aws-access-key-id:' "$T/scan.out" || { echo "b_secrets: pushgate scan missed the key" >&2; exit 1; }
cmp -s "$T/scan.out" "$T/scan.outj" || { echo "b_secrets: -j changed the findings" >&2; exit 1; }
peak_mem anon_big file_big "$build/pushgate" scan -j 1 --git-dir "$T/src.git"
peak_mem anon_small file_small "$build/pushgate" scan -j 1 --git-dir "$T/small.git"
peak_mem anon_revlist file_revlist git -C "$T/src.git" rev-list --objects --all
objs_big=$(git -C "$T/src.git" count-objects -v | awk '/^in-pack/ {print $2}')
objs_small=$(git -C "$T/small.git" count-objects -v | awk '/^in-pack/ {print $2}')

# ---- (c) git-secrets over the same history ----
if ! command -v git-secrets >/dev/null && [ "$(id -u)" -eq 0 ]; then
	apt-get install -y -qq git-secrets >/dev/null 2>&1 || true
fi
t_gsh=
if command -v git-secrets >/dev/null; then
	git clone -q "$T/src.git" "$T/src.work"
	git -C "$T/src.work" secrets --register-aws >/dev/null 2>&1
	(cd "$T/src.work" && timed t git secrets --scan-history >"$T/gsh.out" 2>&1 || true
	 echo "$t" >"$T/t_gsh")
	grep -q 'deploy.env' "$T/gsh.out" && t_gsh=$(cat "$T/t_gsh")
fi

# ---- (d) side by side over the same bytes ----
mkdir -p "$T/sample"
head -n "$S" "$T/blobs" | git -C "$T/src.git" cat-file --batch |
	perl -e 'binmode STDIN; my $i = 0;
		while (my $h = <STDIN>) { my ($id, $t, $n) = split / /, $h; read STDIN, my $d, $n; getc STDIN;
			my $dir = sprintf("%s/%02d", $ARGV[0], $i % 100); mkdir $dir;
			open my $f, ">", "$dir/$id.txt" or die; print $f $d; close $f; $i++ }' "$T/sample"
# An AWS key id for git-secrets, a GitHub token for secretlint (whose AWS rule wants a secret key too).
printf 'aws_access_key_id = AK''IAZ7QF3KXM2PLN4W5R\ntoken = "gh''p_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5"\n' \
	>"$T/sample/deploy.env"
sample_kb=$(cat "$T"/sample/*/* "$T/sample/deploy.env" | wc -c)
sample_kb=$((sample_kb / 1024))
git init -q "$T/side"
mv "$T/sample" "$T/side/sample"
git -C "$T/side" add -A && git -C "$T/side" commit -q -m sample && git -C "$T/side" repack -adq
timed t_pg "$build/pushgate" scan --git-dir "$T/side/.git" >/dev/null 2>&1 || true
t_gs=
if command -v git-secrets >/dev/null; then
	git -C "$T/side" secrets --register-aws >/dev/null 2>&1
	(cd "$T/side" && timed t git secrets --scan -r sample >"$T/gs.out" 2>&1 || true
	 echo "$t" >"$T/t_gs")
	grep -q 'deploy.env' "$T/gs.out" && t_gs=$(cat "$T/t_gs")
fi
t_sl=
if [ ! -x "$cache/node/node_modules/.bin/secretlint" ] && command -v npm >/dev/null; then
	mkdir -p "$cache/node"
	timeout 600 npm install --silent --prefix "$cache/node" secretlint \
		@secretlint/secretlint-rule-preset-recommend >/dev/null 2>&1 || true
fi
if [ -x "$cache/node/node_modules/.bin/secretlint" ]; then
	echo '{"rules":[{"id":"@secretlint/secretlint-rule-preset-recommend"}]}' >"$T/side/.secretlintrc.json"
	(cd "$T/side" && timed t timeout 900 "$cache/node/node_modules/.bin/secretlint" \
		--secretlintrc .secretlintrc.json "sample/**/*" >"$T/sl.out" 2>&1 || true
	 echo "$t" >"$T/t_sl")
	grep -q 'deploy.env' "$T/sl.out" && t_sl=$(cat "$T/t_sl")
fi

awk -v N="$N" -v nb="$nblobs" -v bytes="$nbytes" -v floor="$floor" -v wall="$(median "${b[@]}")" \
    -v wall1="$(median "${b1[@]}")" -v revlist="$revlist" -v jobs="$(nproc)" \
    -v rd="$(median "${rd[@]}")" -v sc="$(median "${sc[@]}")" -v ab="$anon_big" -v fb="$file_big" \
    -v as="$anon_small" -v fs="$file_small" -v ar="$anon_revlist" -v fr="$file_revlist" \
    -v ob="$objs_big" -v os="$objs_small" -v gsh="${t_gsh:-0}" -v S="$S" -v skb="$sample_kb" -v pg="$t_pg" \
    -v gs="${t_gs:-0}" -v sl="${t_sl:-0}" 'BEGIN {
	printf "secret scanning: %d commits, %d blobs (%.1f MB), builtin rules\n", N + 1, nb, bytes / 1e6
	printf "  floor: git cat-file --batch over those blobs      %8.0f ms\n", floor / 1e3
	printf "  git rev-list --objects --all (git finding them)   %8.0f ms\n", revlist / 1e3
	printf "  pushgate scan -j 1, whole history                 %8.0f ms  (%.2fx the floor)\n", wall1 / 1e3, wall1 / floor
	printf "    reading the blobs %.0f ms + matching %.0f ms = %.2fx the floor (matching alone %.2fx);\n", rd, sc, (rd + sc) * 1e3 / floor, sc * 1e3 / floor
	printf "    the rest is reading the trees\n"
	printf "  pushgate scan -j %d (one job per CPU)              %8.0f ms  (%.2fx the floor)\n", jobs, wall / 1e3, wall / floor
	if (gsh) printf "  git secrets --scan-history (4 AWS patterns)       %8.0f ms  (%.1fx pushgate scan -j %d, %.1fx -j 1)\n", gsh / 1e3, gsh / wall, jobs, gsh / wall1
	else     printf "  git secrets --scan-history: not run (git-secrets missing, or it found nothing)\n"
	printf "  peak memory of pushgate scan -j 1 (anonymous + file pages, KiB):\n"
	printf "    %d commits, %d objects: %d + %d\n", N / 5 + 1, os, as, fs
	printf "    %d commits, %d objects: %d + %d\n", N + 1, ob, ab, fb
	printf "    git rev-list --objects --all over the latter: %d + %d\n", ar, fr
	printf "  the first %d blobs as files (%d KiB):\n", S, skb
	printf "    pushgate scan of a packed commit of them   %8.0f ms\n", pg / 1e3
	if (gs) printf "    git secrets --scan -r over the files       %8.0f ms  (%.2fx pushgate)\n", gs / 1e3, gs / pg
	else    printf "    git secrets: not run\n"
	if (sl) printf "    secretlint over the files                  %8.0f ms  (%.0fx pushgate)\n", sl / 1e3, sl / pg
	else    printf "    secretlint: not run (npm unreachable, over 15 minutes, or it found nothing)\n"
}'
