#!/usr/bin/env bash
# The commit walk: what pre-receive costs on a push that brings a long
# history.  gen_history.c writes a deterministic project-shaped history
# (N commits, a quarter of them merges, about F files at the tip, non-ASCII
# paths, a symlink, a gitlink, paths under src/crypto/); fast-import makes a
# source repository of it.  Then, in this run:
#   (a) the floors: `git rev-list --count main` (the walk) and
#       `git log --raw --no-renames --no-abbrev main` (every changed path of
#       every commit), medians of 3;
#   (b) the full-history push over file:// into an empty bare repository
#       with no hooks, 1 run;
#   (c) the same push into one with pushgate's hooks and a policy with a
#       branch rule, a subject rule and a path rule, 1 run; pre-receive's
#       own time is recorded by a wrapper hook, its peak RSS by GNU time;
#   (d) a push of main onto main~100 (100 first-parent commits, and the
#       side-branch commits of their merges: about 190 new commits), no
#       hooks and pushgate's, interleaved, medians of 3;
#   (e) main fast-forwarded over about L commits (default 10000) that
#       another branch of the repository already has: no object is new to
#       the repository, every commit is new to main, so main's commit rules
#       (and, in a second policy, a [path] rule with refs = refs/heads/main)
#       see all of them; medians of 3 against `git log --raw` over the
#       same range.
# Environment: N (commits, default 50000), F (files, default 5000), SEED,
# K (the small push, default 100), BENCH_CONFIG (a pushgate configuration
# to use instead of the default one below).
set -eu
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
N=${N:-50000} F=${F:-5000} SEED=${SEED:-1} K=${K:-100} L=${L:-10000}
[ "$N" -gt "$L" ] || L=$((N / 2))
[ "$N" -gt "$K" ] || K=$((N / 2))
T=$(mktemp -d /tmp/pushgate-bench.XXXXXX)
trap 'rm -rf "$T"' EXIT
export HOME=$T GIT_CONFIG_NOSYSTEM=1
git config --global init.defaultBranch main

. "$here/lib.sh"
# A duration in microseconds, readably.
s() {
	awk -v u="$1" 'BEGIN {
		if (u >= 1e7) printf "%.1f s", u / 1e6
		else if (u >= 1e6) printf "%.2f s", u / 1e6
		else printf "%.1f ms", u / 1e3 }'
}

# ---- the history ----
cc -O2 -Wall -Wextra -Wshadow -o "$T/gen_history" "$here/gen_history.c"
timed t_gen "$T/gen_history" -n "$N" -f "$F" -s "$SEED" >"$T/stream" 2>"$T/gen.txt"
git init -q --bare "$T/src.git"
timed t_import git -C "$T/src.git" fast-import --quiet <"$T/stream"
stream_mb=$(($(wc -c <"$T/stream") / 1048576))
rm -f "$T/stream"
# gen.txt: commits=... merges=... files=... blobs=...
read -r g_commits g_merges g_files _ < <(tr '=' ' ' <"$T/gen.txt" | awk '{print $2, $4, $6, $8}')
commits=$(git -C "$T/src.git" rev-list --count main)
merges=$(git -C "$T/src.git" rev-list --count --merges main)
files=$(git -C "$T/src.git" ls-tree -r main | wc -l)
if [ "$commits" != "$N" ] || [ "$commits" != "$g_commits" ] ||
   [ "$merges" != "$g_merges" ] || [ "$files" != "$g_files" ]; then
	echo "b_walk: the generated history is not what gen_history meant:" >&2
	echo "  git: $commits commits, $merges merges, $files files; gen_history: $(cat "$T/gen.txt")" >&2
	exit 1
fi

# ---- (a) the floors ----
a_count=() a_log=()
for i in 1 2 3; do
	timed t git -C "$T/src.git" rev-list --count main >/dev/null
	a_count+=("$t")
	timed t git -C "$T/src.git" log --raw --no-renames --no-abbrev main >/dev/null
	a_log+=("$t")
done
floor_count=$(median "${a_count[@]}") floor_log=$(median "${a_log[@]}")

# ---- pushgate's hooks, with pre-receive behind a timing wrapper ----
if [ -n "${BENCH_CONFIG:-}" ]; then
	config=$(cd "$(dirname "$BENCH_CONFIG")" && pwd)/$(basename "$BENCH_CONFIG")
	config_what="BENCH_CONFIG=$BENCH_CONFIG"
else
	config=$T/pushgate.ini
	config_what="default: branch push rule, subject rule, two [path] rules"
	# alice may write src/crypto, so that rule needs no tree at all; the
	# deny rule names a path the history never has, so every commit's
	# changed paths are computed and none matches: the full cost of the
	# walk, on a push that is accepted.
	cat >"$config" <<'INI'
[core]
identity = env:PUSHGATE_USER
[group "security"]
members = alice
[branch "main"]
push = alice
subject = ^CHG-[0-9]+:
[path "src/crypto/**"]
write = @security
[path "secrets/**"]
deny = yes
INI
	chmod 0644 "$config"
fi
export PUSHGATE_CONFIG=$config PUSHGATE_USER=alice

if [ -x /usr/bin/time ] && /usr/bin/time -f %M -o /dev/null true 2>/dev/null; then
	have_time=1
else
	have_time=0
fi
# BENCH_TIMES gets "start end exit-code"; BENCH_RSS, if set, the peak RSS.
cat >"$T/pre-receive" <<EOF
#!/usr/bin/env bash
t0=\${EPOCHREALTIME}
if [ -n "\${BENCH_RSS:-}" ]; then
	/usr/bin/time -f %M -o "\$BENCH_RSS" "$build/hooks/pre-receive" "\$@"
else
	"$build/hooks/pre-receive" "\$@"
fi
rc=\$?
t1=\${EPOCHREALTIME}
echo "\$t0 \$t1 \$rc" >"\$BENCH_TIMES"
exit \$rc
EOF
chmod 0755 "$T/pre-receive"
install_hooks() {
	rm -f "$1"/hooks/*.sample
	ln -s "$T/pre-receive" "$1/hooks/pre-receive"
	ln -s "$build/hooks/update" "$1/hooks/update"
	ln -s "$build/hooks/post-receive" "$1/hooks/post-receive"
}
export BENCH_TIMES=$T/times

# push NAME REPO REFSPEC: times a push; sets push_us, push_rc, and on
# failure push_why (the first line the hooks sent back, or git's).
push() {
	local t0 t1
	rm -f "$BENCH_TIMES"
	push_rc=0
	t0=$(us)
	git -C "$T/src.git" push --quiet "file://$2" "$3" 2>"$T/$1.err" || push_rc=$?
	t1=$(us)
	push_us=$((t1 - t0))
	push_why=
	if [ "$push_rc" != 0 ]; then
		# git pads side-band lines with spaces
		push_why=$(sed -n 's/^remote: //; T; s/[[:space:]]*$//p' "$T/$1.err" | grep -v '^$' | head -n 1)
		[ -n "$push_why" ] || push_why=$(sed -n '1s/[[:space:]]*$//p' "$T/$1.err")
	fi
}
# pre-receive's own time in microseconds (empty if it did not run) and its
# exit code, from the wrapper's record.
pre_times() {
	pre_us= pre_rc=
	[ -s "$BENCH_TIMES" ] || return 0
	read -r p0 p1 pre_rc <"$BENCH_TIMES"
	pre_us=$((${p1/./} - ${p0/./}))
}

# ---- (b) the full push, no hooks ----
git init -q --bare "$T/plain.git"
push plain "$T/plain.git" main
b_us=$push_us b_rc=$push_rc b_why=$push_why

# ---- (c) the full push, pushgate's hooks ----
git init -q --bare "$T/gate.git"
install_hooks "$T/gate.git"
[ "$have_time" = 1 ] && export BENCH_RSS=$T/rss
push gate "$T/gate.git" main
unset BENCH_RSS
c_us=$push_us c_rc=$push_rc c_why=$push_why
pre_times
c_pre_us=$pre_us c_pre_rc=$pre_rc c_rss=
if [ "$have_time" = 1 ] && [ -s "$T/rss" ]; then
	c_rss=$(tail -n 1 "$T/rss")
fi

# ---- (c2) the same, with a rule that must read every changed directory ----
# A rule anchored below a directory lets the walk skip every other
# directory; '**/*.pem' can match anywhere, so nothing is skipped.
full_config=$T/full.ini
printf '[core]\nidentity = env:PUSHGATE_USER\n[path "**/*.pem"]\ndeny = yes\n' >"$full_config"
chmod 0644 "$full_config"
git init -q --bare "$T/gate2.git"
install_hooks "$T/gate2.git"
[ "$have_time" = 1 ] && export BENCH_RSS=$T/rss2
PUSHGATE_CONFIG=$full_config push gate2 "$T/gate2.git" main
unset BENCH_RSS
c2_rc=$push_rc c2_why=$push_why
pre_times
c2_pre_us=$pre_us c2_rss=
if [ "$have_time" = 1 ] && [ -s "$T/rss2" ]; then
	c2_rss=$(tail -n 1 "$T/rss2")
fi
rm -rf "$T/gate2.git"

# ---- (d) the last K commits onto main~K ----
git init -q --bare "$T/base.git"
# main~K is K first-parent steps back: the push brings those K commits and
# the side-branch commits their merges bring.
d_new=$(git -C "$T/src.git" rev-list --count "main~$K..main")
timed t_base git -C "$T/src.git" push --quiet "file://$T/base.git" "main~$K:refs/heads/main"
d_plain=() d_gate=() d_pre=() d_why=
for i in 1 2 3; do
	git clone -q --bare "$T/base.git" "$T/dplain$i.git"
	git clone -q --bare "$T/base.git" "$T/dgate$i.git"
	install_hooks "$T/dgate$i.git"
done
for i in 1 2 3; do
	push dplain "$T/dplain$i.git" main
	[ "$push_rc" = 0 ] || { echo "b_walk: the $K-commit push without hooks failed: $push_why" >&2; exit 1; }
	d_plain+=("$push_us")
	push dgate "$T/dgate$i.git" main
	pre_times
	if [ "$push_rc" != 0 ]; then
		d_why=$push_why
	else
		d_gate+=("$push_us")
	fi
	[ -z "$pre_us" ] || [ "$pre_rc" != 0 ] || d_pre+=("$pre_us")
	rm -rf "$T/dplain$i.git" "$T/dgate$i.git"
done

# ---- (e) main fast-forwarded over L commits another branch has ----
# The first-parent depth whose range holds at least L commits, by bisection.
lo=1 hi=$(git -C "$T/src.git" rev-list --first-parent --count main)
hi=$((hi - 1))
while [ "$lo" -lt "$hi" ]; do
	mid=$(((lo + hi) / 2))
	if [ "$(git -C "$T/src.git" rev-list --count "main~$mid..main")" -ge "$L" ]; then
		hi=$mid
	else
		lo=$((mid + 1))
	fi
done
e_base=$(git -C "$T/src.git" rev-parse "main~$lo")
e_new=$(git -C "$T/src.git" rev-list --count "$e_base..main")
e_floor=()
for i in 1 2 3; do
	timed t git -C "$T/src.git" log --raw --no-renames --no-abbrev "$e_base..main" >/dev/null
	e_floor+=("$t")
done
e_floor=$(median "${e_floor[@]}")
git init -q --bare "$T/ff.git"
git -C "$T/src.git" push --quiet "file://$T/ff.git" "main:refs/heads/feature" "$e_base:refs/heads/main"
install_hooks "$T/ff.git"
scoped_config=$T/scoped.ini
cat >"$scoped_config" <<'INI'
[core]
identity = env:PUSHGATE_USER
[branch "main"]
push = alice
subject = ^CHG-[0-9]+:
[path "secrets/**"]
refs = refs/heads/main
deny = yes
INI
chmod 0644 "$scoped_config"
e_pre=() e_pre2=() e_why=
for i in 1 2 3; do
	for which in default scoped; do
		git -C "$T/ff.git" update-ref refs/heads/main "$e_base"
		if [ "$which" = scoped ]; then
			PUSHGATE_CONFIG=$scoped_config push ff "$T/ff.git" main
		else
			push ff "$T/ff.git" main
		fi
		pre_times
		if [ "$push_rc" != 0 ] || [ -z "$pre_us" ]; then
			e_why="$which: $push_why"
		elif [ "$which" = scoped ]; then
			e_pre2+=("$pre_us")
		else
			e_pre+=("$pre_us")
		fi
	done
done
rm -rf "$T/ff.git"

# ---- the table ----
per() { awk -v u="$1" -v n="$2" 'BEGIN {printf "%6.1f us/commit", u / n}'; }
echo "commit walk: a generated history over file:// (seed $SEED), pushgate config: $config_what"
printf '  history: %d commits (%d merges), %d files at the tip; generated in %s (%d MB stream), fast-import %s\n' \
	"$commits" "$merges" "$files" "$(s "$t_gen")" "$stream_mb" "$(s "$t_import")"
printf '  (a) floor: git rev-list --count main                     %9s  %s  median of 3\n' "$(s "$floor_count")" "$(per "$floor_count" "$commits")"
printf '      floor: git log --raw --no-renames --no-abbrev main   %9s  %s  median of 3\n' "$(s "$floor_log")" "$(per "$floor_log" "$commits")"
if [ "$b_rc" = 0 ]; then
	printf '  (b) full push, no hooks                                  %9s                     1 run\n' "$(s "$b_us")"
else
	printf '  (b) full push, no hooks                                  failed: %s\n' "$b_why"
fi
if [ "$c_rc" = 0 ]; then
	printf '  (c) full push, pushgate hooks                            %9s  (%+.2f s over (b))  1 run\n' \
		"$(s "$c_us")" "$(awk -v a="$c_us" -v b="$b_us" 'BEGIN {print (a - b) / 1e6}')"
else
	printf '  (c) full push, pushgate hooks                            rejected: %s\n' "$c_why"
fi
if [ -n "$c_pre_us" ] && [ "$c_pre_rc" = 0 ]; then
	printf '      pre-receive own time                                 %9s  %s  x%.2f the git log floor\n' \
		"$(s "$c_pre_us")" "$(per "$c_pre_us" "$commits")" \
		"$(awk -v a="$c_pre_us" -v b="$floor_log" 'BEGIN {print a / b}')"
	if [ "$have_time" = 0 ]; then
		echo "      pre-receive peak RSS                                 (not measured: /usr/bin/time, Debian package time, is missing)"
	elif [ -n "$c_rss" ]; then
		printf '      pre-receive peak RSS                                 %9.1f MB\n' "$(awk -v k="$c_rss" 'BEGIN {print k / 1024}')"
	fi
elif [ -n "$c_pre_us" ]; then
	printf '      pre-receive own time                                 rejected after %s (exit %s)\n' "$(s "$c_pre_us")" "$c_pre_rc"
fi
if [ -n "$c2_pre_us" ] && [ "$c2_rc" = 0 ]; then
	printf '  (c2) the same push, rule [path "**/*.pem"] (every changed directory read):\n'
	printf '      pre-receive own time                                 %9s  %s  x%.2f the git log floor\n' \
		"$(s "$c2_pre_us")" "$(per "$c2_pre_us" "$commits")" \
		"$(awk -v a="$c2_pre_us" -v b="$floor_log" 'BEGIN {print a / b}')"
	[ -z "$c2_rss" ] || printf '      pre-receive peak RSS                                 %9.1f MB\n' \
		"$(awk -v k="$c2_rss" 'BEGIN {print k / 1024}')"
else
	printf '  (c2) rule [path "**/*.pem"]: rejected: %s\n' "$c2_why"
fi
printf '  (d) push of main onto main~%d: %d new commits (setup push %s), medians of 3:\n' "$K" "$d_new" "$(s "$t_base")"
printf '      no hooks                                             %9s\n' "$(s "$(median "${d_plain[@]}")")"
if [ "${#d_gate[@]}" = 3 ]; then
	printf '      pushgate hooks                                       %9s\n' "$(s "$(median "${d_gate[@]}")")"
else
	printf '      pushgate hooks                                       rejected: %s\n' "$d_why"
fi
if [ "${#d_pre[@]}" = 3 ]; then
	printf '      pre-receive own time                                 %9s\n' "$(s "$(median "${d_pre[@]}")")"
fi
printf '  (e) main fast-forwarded over %d commits branch feature already has, medians of 3:\n' "$e_new"
printf '      floor: git log --raw over the same range              %9s  %s\n' "$(s "$e_floor")" "$(per "$e_floor" "$e_new")"
if [ "${#e_pre[@]}" = 3 ] && [ "${#e_pre2[@]}" = 3 ]; then
	e1=$(median "${e_pre[@]}") e2=$(median "${e_pre2[@]}")
	printf '      pre-receive, default policy (main: subject rule)      %9s  %s  x%.2f the floor\n' \
		"$(s "$e1")" "$(per "$e1" "$e_new")" "$(awk -v a="$e1" -v b="$e_floor" 'BEGIN {print a / b}')"
	printf '      pre-receive, + [path] refs = refs/heads/main          %9s  %s  x%.2f the floor\n' \
		"$(s "$e2")" "$(per "$e2" "$e_new")" "$(awk -v a="$e2" -v b="$e_floor" 'BEGIN {print a / b}')"
else
	printf '      pushgate hooks                                       rejected: %s\n' "$e_why"
fi
