#!/usr/bin/env bash
# install.sh: install pushgate's hooks and admin command, and link the hooks
# into bare repositories, Gitea repositories, or a server-wide core.hooksPath.
# See docs/install.md. Run with --help for usage.
set -euo pipefail

readonly HOOK_NAMES=(pre-receive update post-receive)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

usage() {
	cat <<'EOF'
Usage: install.sh [--prefix DIR] [--destdir STAGE] [--repo GITDIR...]
                  [--gitea ROOT] [--hooks-path] [--template TDIR] [--uninstall]

Installs the hooks to DIR/libexec/pushgate/{pre-receive,update,post-receive},
the admin command to DIR/bin/pushgate and its man pages to DIR/share/man
(pushgate(1), pushgate.ini(5)) (always, when installing); for
DIR /usr or /usr/local it creates /etc/pushgate and puts the example policy
there as pushgate.ini.example (elsewhere in DIR/share/pushgate), never
touching pushgate.ini; what it installed is listed in
DIR/share/pushgate/manifest. Then:

  --prefix DIR      install prefix (default /usr/local)
  --destdir STAGE   install every file below STAGE (default $DESTDIR), for
                    packaging; links and git config still name DIR, and
                    --repo, --gitea, --template paths are used as given
  --repo GITDIR...  link GITDIR/hooks/<hook> to the installed hooks, for each
                    bare repository given (repeatable)
  --gitea ROOT      link ROOT/<owner>/<repo>.git/hooks/<hook>.d/pushgate in
                    every Gitea repository (and wiki) under ROOT, Gitea's
                    [repository] ROOT; Gitea's own hook files are not touched
  --hooks-path      set core.hooksPath in the system git config to
                    DIR/libexec/pushgate (all repositories on this host)
  --template TDIR   link TDIR/hooks/<hook> to the installed hooks, for
                    git init --template TDIR or init.templateDir = TDIR
                    (every repository created later gets the hooks)
  --uninstall       remove what the given mode installed; with no mode,
                    remove the files the manifest lists (not pushgate.ini)
  -h, --help        show this help

Options may come in any order; every mode is idempotent. A hook pushgate did
not install is never overwritten: the run stops with exit 1 before changing
anything. Binaries come from the checkout's build/ (built with make when
missing) or from $PUSHGATE_BUILD.
EOF
}

say()  { printf 'install.sh: %s\n' "$*"; }
warn() { printf 'install.sh: warning: %s\n' "$*" >&2; }
die()  { printf 'install.sh: %s\n' "$*" >&2; exit 1; }
usage_error() {
	printf 'install.sh: %s\n' "$*" >&2
	usage >&2
	exit 2
}

# ---------------------------------------------------------------- options

prefix=/usr/local
destdir=${DESTDIR:-}
templates=()
repos=()
gitea_roots=()
hooks_path=0
uninstall=0

need_value() { # OPTION ARGC [VALUE]
	if [ "$2" -lt 2 ] || [ -z "$3" ] || [[ $3 == -* ]]; then
		usage_error "$1 needs a directory"
	fi
}

while [ $# -gt 0 ]; do
	case $1 in
	-h | --help)
		usage
		exit 0
		;;
	--prefix)
		need_value "$1" $# "${2-}"
		prefix=$2
		shift 2
		;;
	--prefix=*)
		prefix=${1#*=}
		[ -n "$prefix" ] || usage_error "--prefix needs a directory"
		shift
		;;
	--destdir)
		need_value "$1" $# "${2-}"
		destdir=$2
		shift 2
		;;
	--destdir=*)
		destdir=${1#*=}
		[ -n "$destdir" ] || usage_error "--destdir needs a directory"
		shift
		;;
	--template)
		need_value "$1" $# "${2-}"
		templates+=("$2")
		shift 2
		;;
	--template=*)
		[ -n "${1#*=}" ] || usage_error "--template needs a directory"
		templates+=("${1#*=}")
		shift
		;;
	--repo)
		shift
		n=0
		while [ $# -gt 0 ] && [[ $1 != -* ]]; do
			repos+=("$1")
			n=$((n + 1))
			shift
		done
		[ "$n" -gt 0 ] || usage_error "--repo needs at least one repository"
		;;
	--repo=*)
		[ -n "${1#*=}" ] || usage_error "--repo needs at least one repository"
		repos+=("${1#*=}")
		shift
		;;
	--gitea)
		need_value "$1" $# "${2-}"
		gitea_roots+=("$2")
		shift 2
		;;
	--gitea=*)
		[ -n "${1#*=}" ] || usage_error "--gitea needs a directory"
		gitea_roots+=("${1#*=}")
		shift
		;;
	--hooks-path)
		hooks_path=1
		shift
		;;
	--uninstall)
		uninstall=1
		shift
		;;
	-*)
		usage_error "unknown option: $1"
		;;
	*)
		usage_error "unexpected argument: $1 (repositories follow --repo)"
		;;
	esac
done

prefix=$(realpath -ms -- "$prefix")
libexec=$prefix/libexec/pushgate
bin=$prefix/bin/pushgate
share=$prefix/share/pushgate
manifest=$share/manifest
man1=$prefix/share/man/man1/pushgate.1
man5=$prefix/share/man/man5/pushgate.ini.5
# The configuration is read from /etc/pushgate whatever the prefix; a system
# prefix gets that directory and the example in it.
case $prefix in
/usr | /usr/local) etcdir=/etc/pushgate ;;
*) etcdir= ;;
esac
example=${etcdir:-$share}/pushgate.ini.example
# DESTDIR: files go to $D$path; every name recorded or linked is $path.
D=
if [ -n "$destdir" ]; then
	D=$(realpath -ms -- "$destdir")
	[ "$D" != / ] || D=
fi

# ---------------------------------------------------------------- helpers

# is_ours LINKTARGET HOOK: a link that pushgate made points to .../pushgate/HOOK.
is_ours() { [[ $1 == */pushgate/"$2" ]]; }

# looks_like_git_dir DIR: objects/ and HEAD or refs/.
looks_like_git_dir() {
	[ -d "$1/objects" ] && { [ -e "$1/HEAD" ] || [ -d "$1/refs" ]; }
}

# can_create PATH: PATH exists and is writable, or its nearest existing
# ancestor directory is.
can_create() {
	local p=$1
	while [ ! -e "$p" ] && [ ! -L "$p" ]; do
		p=$(dirname -- "$p")
	done
	[ -w "$p" ]
}

# Everything this run would change, gathered first; nothing is changed while
# any conflict is found.
conflicts=()
mkdirs=()       # directories to create, "DIR" (owner copied from its parent)
link_paths=()   # symlinks to create or repoint ...
link_targets=() # ... and what they point to
unchanged=0

conflict() { conflicts+=("$*"); }

# describe PATH: what is at PATH, for messages.
describe() {
	if [ -L "$1" ]; then
		printf 'a symlink to %s' "$(readlink -- "$1")"
	elif [ -d "$1" ]; then
		printf 'a directory'
	elif [ -f "$1" ]; then
		printf 'a regular file'
	else
		printf 'a special file'
	fi
}

# plan_dir DIR: DIR must be a directory; create it when missing.
plan_dir() {
	local d=$1 m
	if [ -d "$d" ]; then
		[ -w "$d" ] || conflict "$d: directory not writable"
		return 0
	fi
	if [ -e "$d" ] || [ -L "$d" ]; then
		conflict "$d exists and is $(describe "$d"), not a directory; not installed by pushgate"
		return 0
	fi
	for m in "${mkdirs[@]+"${mkdirs[@]}"}"; do
		[ "$m" = "$d" ] && return 0
	done
	can_create "$d" || conflict "$d: cannot create (parent not writable)"
	mkdirs+=("$d")
}

# plan_link PATH TARGET HOOK: PATH must end up a symlink to TARGET.
plan_link() {
	local path=$1 target=$2 hook=$3 cur p
	for p in "${link_paths[@]+"${link_paths[@]}"}"; do
		[ "$p" = "$path" ] && return 0
	done
	if [ -L "$path" ]; then
		cur=$(readlink -- "$path")
		if [ "$cur" = "$target" ]; then
			unchanged=$((unchanged + 1))
			return 0
		fi
		if ! is_ours "$cur" "$hook"; then
			conflict "$path is a symlink to $cur, which pushgate did not install"
			return 0
		fi
	elif [ -e "$path" ]; then
		conflict "$path exists and is $(describe "$path"), which pushgate did not install"
		return 0
	fi
	link_paths+=("$path")
	link_targets+=("$target")
}

# copy_owner REF PATH: when root, give PATH the owner and group of REF, so that
# the git server's user (e.g. Gitea) can still manage its hook directories.
copy_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		chown -h --reference="$1" -- "$2"
	fi
}

# install_file SRC DST: install SRC as DST, mode 0755, only when different.
# The new file is renamed into place, so a running push never sees it missing.
# install_file SRC PATH MODE: PATH is a name below $D.
installed_files=() # names (without $D) of the files this run put in place
install_file() {
	local src=$1 dst=$D$2 mode=$3 tmp
	installed_files+=("$2")
	if [ -f "$dst" ] && [ ! -L "$dst" ] && cmp -s -- "$src" "$dst"; then
		if [ "$(stat -c %a -- "$dst")" != "$mode" ]; then
			chmod "$mode" -- "$dst"
			say "fixed mode of $dst"
			return 0
		fi
		return 1
	fi
	make_dirs "$(dirname -- "$2")"
	tmp=$(dirname -- "$dst")/.pushgate.tmp.$$
	install -m "$mode" -- "$src" "$tmp"
	mv -f -- "$tmp" "$dst"
	say "installed $dst"
}

# make_dirs DIR: DIR (a name below $D) and each missing parent, mode 0755;
# the ones created are recorded in the manifest.
created_dirs=()
make_dirs() {
	local c='' part parts
	[ -z "$D" ] || mkdir -p -- "$D"
	IFS=/ read -ra parts <<<"${1#/}"
	for part in "${parts[@]}"; do
		[ -n "$part" ] || continue
		c=$c/$part
		if [ ! -d "$D$c" ]; then
			mkdir -m 0755 -- "$D$c"
			created_dirs+=("$c")
		fi
	done
}

# write_manifest: $D$manifest lists "d DIR" for each directory an install
# created and "f SHA256 FILE" for each file it put in place, this run's and
# earlier runs'; --uninstall removes exactly those.
write_manifest() {
	local f=$D$manifest tmp line p sum old=()
	declare -A seen=()
	[ ! -f "$f" ] || mapfile -t old <"$f"
	make_dirs "$share"
	tmp=$(dirname -- "$f")/.pushgate.tmp.$$
	{
		echo "# pushgate: what install.sh put in place; install.sh --uninstall removes it"
		for line in "${old[@]+"${old[@]}"}"; do
			case $line in "d /"*)
				[ -n "${seen[$line]+x}" ] || echo "$line"
				seen[$line]=1
				;;
			esac
		done
		for p in "${created_dirs[@]+"${created_dirs[@]}"}"; do
			[ -n "${seen["d $p"]+x}" ] || echo "d $p"
			seen["d $p"]=1
		done
		for p in "${installed_files[@]}"; do
			sum=$(sha256sum <"$D$p")
			echo "f ${sum%% *} $p"
			seen["f $p"]=1
		done
		for line in "${old[@]+"${old[@]}"}"; do
			case $line in "f "*)
				p=${line#f * }
				[ -n "${seen["f $p"]+x}" ] || echo "$line"
				seen["f $p"]=1
				;;
			esac
		done
	} >"$tmp"
	if [ -f "$f" ] && cmp -s -- "$tmp" "$f"; then
		rm -f -- "$tmp"
		return 0
	fi
	chmod 0644 -- "$tmp"
	mv -f -- "$tmp" "$f"
}

# Current core.hooksPath values in the system config, one per line.
system_hooks_path() {
	local out rc=0
	out=$(git config --system --get-all core.hooksPath) || rc=$?
	case $rc in
	0) printf '%s\n' "$out" ;;
	1) ;;
	*) die "cannot read the system git config (git config --system exited $rc)" ;;
	esac
}

# read_hooks_path: the array cur gets the system core.hooksPath values.
read_hooks_path() {
	local out
	out=$(system_hooks_path) || exit 1
	cur=()
	[ -z "$out" ] || mapfile -t cur <<<"$out"
}

strip_slash() {
	local p=$1
	while [ "${#p}" -gt 1 ] && [ "${p%/}" != "$p" ]; do p=${p%/}; done
	printf '%s' "$p"
}

# ---------------------------------------------------------------- checks

# Repositories (--repo): validated (also for --uninstall), deduplicated.
repo_dirs=()
declare -A seen_repo=()
for r in "${repos[@]+"${repos[@]}"}"; do
	r=$(strip_slash "$r")
	looks_like_git_dir "$r" ||
		die "$r does not look like a git repository (needs objects/ and HEAD or refs/)"
	key=$(realpath -m -- "$r")
	[ -z "${seen_repo[$key]+x}" ] || continue
	seen_repo[$key]=1
	repo_dirs+=("$r")
done

# Gitea repositories (--gitea): ROOT/<owner>/<repo>.git, wikis included.
gitea_dirs=()
for root in "${gitea_roots[@]+"${gitea_roots[@]}"}"; do
	root=$(strip_slash "$root")
	[ -d "$root" ] || die "$root: no such directory (expected Gitea's [repository] ROOT)"
	n=0
	shopt -s nullglob
	for d in "$root"/*/*.git; do
		[ -d "$d" ] || continue
		if ! looks_like_git_dir "$d"; then
			warn "skipping $d: does not look like a git repository"
			continue
		fi
		gitea_dirs+=("$d")
		n=$((n + 1))
	done
	shopt -u nullglob
	[ "$n" -gt 0 ] ||
		warn "no repositories found under $root (expected $root/<owner>/<repo>.git)"
done

# Template directories (--template): used as given, created when missing.
template_dirs=()
for t in "${templates[@]+"${templates[@]}"}"; do
	t=$(strip_slash "$t")
	if [ -e "$t" ] || [ -L "$t" ]; then
		[ -d "$t" ] || die "$t exists and is $(describe "$t"), not a directory"
	else
		[ -d "$(dirname -- "$t")" ] || die "$t: its parent directory does not exist"
	fi
	template_dirs+=("$t")
done

# No mode: just the binaries (install), or what the manifest lists (uninstall).
no_mode=0
if [ "${#repos[@]}" -eq 0 ] && [ "${#gitea_roots[@]}" -eq 0 ] &&
	[ "$hooks_path" -eq 0 ] && [ "${#templates[@]}" -eq 0 ]; then
	no_mode=1
fi

# ---------------------------------------------------------------- uninstall

if [ "$uninstall" -eq 1 ]; then
	removed=0
	# unlink_ours PATH HOOK: remove PATH if it is our symlink.
	unlink_ours() {
		if [ -L "$1" ] && is_ours "$(readlink -- "$1")" "$2"; then
			rm -f -- "$1"
			say "removed $1"
			removed=$((removed + 1))
		elif [ -e "$1" ] || [ -L "$1" ]; then
			say "left alone: $1 ($(describe "$1"), not installed by pushgate)"
		fi
	}
	for r in "${repo_dirs[@]+"${repo_dirs[@]}"}"; do
		for h in "${HOOK_NAMES[@]}"; do
			unlink_ours "$r/hooks/$h" "$h"
		done
	done
	for d in "${gitea_dirs[@]+"${gitea_dirs[@]}"}"; do
		for h in "${HOOK_NAMES[@]}"; do
			unlink_ours "$d/hooks/$h.d/pushgate" "$h"
		done
	done
	[ "${#gitea_roots[@]}" -eq 0 ] ||
		say "Gitea: ${#gitea_dirs[@]} repositories handled"
	for t in "${template_dirs[@]+"${template_dirs[@]}"}"; do
		for h in "${HOOK_NAMES[@]}"; do
			unlink_ours "$t/hooks/$h" "$h"
		done
	done
	if [ "$hooks_path" -eq 1 ]; then
		read_hooks_path
		if [ "${#cur[@]}" -eq 0 ]; then
			say "core.hooksPath is not set in the system git config"
		elif [ "${#cur[@]}" -eq 1 ] && [ "$(strip_slash "${cur[0]}")" = "$libexec" ]; then
			git config --system --unset-all core.hooksPath
			say "unset core.hooksPath ($libexec) in the system git config"
		else
			say "left alone: system core.hooksPath = ${cur[*]} (not $libexec)"
		fi
	fi
	if [ "$no_mode" -eq 1 ] && [ -f "$D$manifest" ]; then
		# Exactly what the manifest lists: files unchanged since install,
		# then the directories install created, deepest first, if empty.
		dirs=()
		while IFS= read -r line; do
			case $line in
			"f "*)
				rest=${line#f }
				sum=${rest%% *}
				p=${rest#* }
				if [ -f "$D$p" ] && [ ! -L "$D$p" ]; then
					cur_sum=$(sha256sum <"$D$p")
					if [ "${cur_sum%% *}" = "$sum" ]; then
						rm -f -- "$D$p"
						say "removed $D$p"
					else
						say "left alone: $D$p (changed since it was installed)"
					fi
				fi
				;;
			"d /"*) dirs+=("${line#d }") ;;
			esac
		done <"$D$manifest"
		rm -f -- "$D$manifest"
		say "removed $D$manifest"
		while IFS= read -r p; do
			[ -d "$D$p" ] || continue
			rmdir --ignore-fail-on-non-empty -- "$D$p"
			[ ! -d "$D$p" ] || say "left in place: $D$p (not empty)"
		done < <(for p in "${dirs[@]+"${dirs[@]}"}"; do printf '%d %s\n' "${#p}" "$p"; done |
			sort -rn | cut -d' ' -f2-)
	elif [ "$no_mode" -eq 1 ]; then
		# Installed before there was a manifest: the hooks and the command.
		for f in "${HOOK_NAMES[@]/#/$D$libexec/}" "$D$bin"; do
			if [ -e "$f" ] || [ -L "$f" ]; then
				rm -f -- "$f"
				say "removed $f"
			fi
		done
		if [ -d "$D$libexec" ]; then
			rmdir --ignore-fail-on-non-empty -- "$D$libexec"
			[ ! -d "$D$libexec" ] || warn "$D$libexec is not empty; left in place"
		fi
	fi
	if [ "$no_mode" -eq 1 ]; then
		read_hooks_path
		if [ "${#cur[@]}" -gt 0 ] && [ "$(strip_slash "${cur[-1]}")" = "$libexec" ]; then
			warn "the system core.hooksPath still points to $libexec; run: install.sh --hooks-path --uninstall --prefix $prefix"
		fi
		say "note: repository links to $libexec now dangle, and git skips a missing hook; remove them with --repo/--gitea --uninstall"
	fi
	if [ "${#repos[@]}" -gt 0 ] || [ "${#gitea_roots[@]}" -gt 0 ] || [ "${#templates[@]}" -gt 0 ]; then
		say "uninstall done ($removed links removed)"
	else
		say "uninstall done"
	fi
	exit 0
fi

# ---------------------------------------------------------------- install checks

# Binaries: $PUSHGATE_BUILD, or the checkout's build/ (made when missing).
build=${PUSHGATE_BUILD:-$here/build}
sources=("${HOOK_NAMES[@]/#/$build/hooks/}" "$build/pushgate")
pages=("$build/man/pushgate.1" "$build/man/pushgate.ini.5")
missing_sources() {
	local f
	for f in "${sources[@]}"; do
		[ -f "$f" ] && [ -x "$f" ] || printf '%s\n' "$f"
	done
	for f in "${pages[@]}"; do
		[ -f "$f" ] || printf '%s\n' "$f"
	done
}
if [ -n "$(missing_sources)" ]; then
	[ -z "${PUSHGATE_BUILD:-}" ] ||
		die "PUSHGATE_BUILD=$PUSHGATE_BUILD lacks: $(missing_sources | tr '\n' ' ')"
	say "building: make -C $here"
	make -C "$here" || die "make failed; fix the build or set PUSHGATE_BUILD"
	[ -z "$(missing_sources)" ] ||
		die "still missing after make: $(missing_sources | tr '\n' ' ')"
fi

[ -f "$here/config/pushgate.ini.example" ] ||
	die "$here/config/pushgate.ini.example is missing"

# The prefix itself (below $D).
for f in "$libexec" "$prefix/bin" "$share" ${etcdir:+"$etcdir"}; do
	f=$D$f
	if { [ -e "$f" ] || [ -L "$f" ]; } && [ ! -d "$f" ]; then
		conflict "$f exists and is $(describe "$f"), not a directory"
	fi
done
for f in "${HOOK_NAMES[@]/#/$libexec/}" "$bin" "$example" "$manifest" "$man1" "$man5"; do
	f=$D$f
	if [ -d "$f" ]; then
		conflict "$f is a directory"
	elif ! can_create "$f"; then
		conflict "$f: not writable"
	fi
done

for r in "${repo_dirs[@]+"${repo_dirs[@]}"}"; do
	plan_dir "$r/hooks"
	for h in "${HOOK_NAMES[@]}"; do
		plan_link "$r/hooks/$h" "$libexec/$h" "$h"
	done
	if v=$(git config --file "$r/config" --get core.hooksPath 2>/dev/null); then
		warn "$r sets core.hooksPath = $v, so git will not run the hooks in $r/hooks"
	fi
done

for d in "${gitea_dirs[@]+"${gitea_dirs[@]}"}"; do
	for h in "${HOOK_NAMES[@]}"; do
		disp=$d/hooks/$h
		if [ ! -e "$disp" ]; then
			warn "$disp (Gitea's dispatcher) is missing, so $disp.d/pushgate will not run until Gitea writes it (Site Administration: Resynchronize hooks)"
		elif [ -L "$disp" ] && is_ours "$(readlink -- "$disp")" "$h"; then
			warn "$disp is pushgate's own hook, not Gitea's dispatcher: Gitea's checks and $disp.d/ do not run; remove it with --repo $d --uninstall"
		elif ! grep -qF '.d/' -- "$disp" 2>/dev/null; then
			warn "$disp does not look like Gitea's dispatcher, so $disp.d/pushgate may not run"
		fi
		plan_dir "$disp.d"
		plan_link "$disp.d/pushgate" "$libexec/$h" "$h"
	done
done

for t in "${template_dirs[@]+"${template_dirs[@]}"}"; do
	plan_dir "$t"
	plan_dir "$t/hooks"
	for h in "${HOOK_NAMES[@]}"; do
		plan_link "$t/hooks/$h" "$libexec/$h" "$h"
	done
done

hp_set=0
if [ "$hooks_path" -eq 1 ]; then
	read_hooks_path
	if [ "${#cur[@]}" -gt 1 ]; then
		conflict "core.hooksPath is set ${#cur[@]} times in the system git config (${cur[*]}); pushgate did not set it"
	elif [ "${#cur[@]}" -eq 1 ]; then
		if [ "$(strip_slash "${cur[0]}")" != "$libexec" ]; then
			conflict "core.hooksPath is already set to ${cur[0]} in the system git config, not $libexec; pushgate did not set it"
		fi
	else
		hp_set=1
		sysconf=${GIT_CONFIG_SYSTEM:-/etc/gitconfig}
		can_create "$sysconf" || conflict "$sysconf: not writable"
	fi
fi

if [ "${#conflicts[@]}" -gt 0 ]; then
	for c in "${conflicts[@]}"; do
		printf 'install.sh: refusing: %s\n' "$c" >&2
	done
	die "nothing was changed"
fi

# ---------------------------------------------------------------- install

updated=0
for h in "${HOOK_NAMES[@]}"; do
	if install_file "$build/hooks/$h" "$libexec/$h" 755; then updated=$((updated + 1)); fi
done
if install_file "$build/pushgate" "$bin" 755; then updated=$((updated + 1)); fi
if install_file "$build/man/pushgate.1" "$man1" 644; then updated=$((updated + 1)); fi
if install_file "$build/man/pushgate.ini.5" "$man5" 644; then updated=$((updated + 1)); fi
[ "$updated" -gt 0 ] || say "$D$libexec and $D$bin are up to date"
if [ -n "$etcdir" ]; then
	n=${#created_dirs[@]}
	make_dirs "$etcdir"
	if [ "${#created_dirs[@]}" -gt "$n" ]; then
		[ "$(id -u)" -ne 0 ] || chown root:root -- "$D$etcdir"
		say "created $D$etcdir"
	fi
fi
install_file "$here/config/pushgate.ini.example" "$example" 644 || true
if [ -n "$etcdir" ] && [ ! -e "$D$etcdir/pushgate.ini" ]; then
	say "no policy yet: copy $D$example to $D$etcdir/pushgate.ini and edit it"
fi
write_manifest

for d in "${mkdirs[@]+"${mkdirs[@]}"}"; do
	mkdir -- "$d"
	if [ "$(id -u)" -eq 0 ]; then
		chown --reference="$(dirname -- "$d")" -- "$d"
		chmod --reference="$(dirname -- "$d")" -- "$d"
	fi
	say "created $d"
done

for i in "${!link_paths[@]}"; do
	p=${link_paths[$i]}
	tmp=$(dirname -- "$p")/.pushgate.tmp.$$
	rm -f -- "$tmp"
	ln -s -- "${link_targets[$i]}" "$tmp"
	copy_owner "$(dirname -- "$p")" "$tmp"
	mv -Tf -- "$tmp" "$p"
	say "linked $p -> ${link_targets[$i]}"
done

# Signed pushes (require_push_cert) need a nonce seed where git receives:
# a secret of the server's, set once and never changed by a rerun.
seed_nonce() {	# WHERE GIT-CONFIG-ARGS...
	local where=$1; shift
	git config "$@" --get receive.certNonceSeed >/dev/null 2>&1 && return 0
	git config "$@" receive.certNonceSeed "$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')"
	say "set receive.certNonceSeed in $where (for git push --signed)"
}
for r in "${repo_dirs[@]+"${repo_dirs[@]}"}" "${gitea_dirs[@]+"${gitea_dirs[@]}"}"; do
	seed_nonce "$r/config" --file "$r/config"
done

if [ "$hp_set" -eq 1 ]; then
	seed_nonce "the system git config" --system
	git config --system core.hooksPath "$libexec"
	say "set core.hooksPath = $libexec in the system git config"
	say "note: git now runs only these hooks for every repository on this host; each repository's own hooks/ is ignored"
fi

[ "${#repos[@]}" -eq 0 ] ||
	say "bare repositories: ${#repo_dirs[@]} handled"
[ "${#gitea_roots[@]}" -eq 0 ] ||
	say "Gitea: ${#gitea_dirs[@]} repositories handled; rerun after creating repositories"
if [ "${#repos[@]}" -gt 0 ] || [ "${#gitea_roots[@]}" -gt 0 ]; then
	say "done (${#link_paths[@]} links created or updated, $unchanged already in place)"
elif [ "${#templates[@]}" -gt 0 ]; then
	say "done (${#link_paths[@]} links created or updated, $unchanged already in place); new repositories get the hooks with: git config --system init.templateDir ${template_dirs[*]}"
elif [ "$hooks_path" -eq 0 ]; then
	say "hooks are in $D$libexec; attach them with --repo, --gitea, --template or --hooks-path"
fi
