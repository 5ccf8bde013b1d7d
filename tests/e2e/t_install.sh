#!/usr/bin/env bash
# install.sh: per-repository links, Gitea's hooks/<hook>.d/, the server-wide
# core.hooksPath, uninstalling, idempotence, and never overwriting a hook that
# pushgate did not install. Everything goes below the scratch directory $T:
# --prefix "$T/prefix..." and GIT_CONFIG_SYSTEM=$T/gitconfig-system.
. "$(dirname "$0")/lib.sh"

INSTALL=$TOP/install.sh
HOOKS="pre-receive update post-receive"
export PUSHGATE_BUILD
for f in hooks/pre-receive hooks/update hooks/post-receive pushgate; do
	if [ ! -x "$PUSHGATE_BUILD/$f" ]; then
		not_ok "build has $f (PUSHGATE_BUILD=$PUSHGATE_BUILD)"
		done_testing
	fi
done

P=$T/prefix
LX=$P/libexec/pushgate
OUT=$T/out

# run ARGS...: install.sh with ARGS; output in $OUT, exit code in $rc.
run() { rc=0; "$INSTALL" "$@" >"$OUT" 2>&1 || rc=$?; }
# expect_rc NAME CODE: the last run exited CODE.
expect_rc() {
	if [ "$rc" -eq "$2" ]; then ok "$1"; else
		not_ok "$1"; echo "#   exit $rc, expected $2"; sed 's/^/#   | /' "$OUT"; fi
}
# snap DIR...: type, mode, link target, mtime and checksum of everything below
# each DIR (objects excluded), for "nothing changed" comparisons.
snap() {
	local d
	for d in "$@"; do
		[ -e "$d" ] || { echo "$d absent"; continue; }
		(cd "$d" && {
			find . -path ./objects -prune -o -type d -printf '%p d %m\n'
			find . -path ./objects -prune -o ! -type d -printf '%p %y %m %l %T@\n'
			find . -path ./objects -prune -o -type f -exec md5sum {} +
		} | sort | sed "s|^|$d: |")
	done
}
same_snap() { # NAME FILE DIR...: snapshot of DIR... equals FILE
	local n=$1 f=$2; shift 2
	if snap "$@" | cmp -s - "$f"; then ok "$n"; else
		not_ok "$n"; snap "$@" | diff "$f" - | sed 's/^/#   /'; fi
}
links_to() { [ -L "$1" ] && [ "$(readlink "$1")" = "$2" ]; }
# is_linked REPO: the three hooks of REPO are links into $LX.
is_linked() {
	local h
	for h in $HOOKS; do links_to "$1/hooks/$h" "$LX/$h" || return 1; done
}
no_links() {
	local h
	for h in $HOOKS; do [ ! -e "$1/hooks/$h" ] && [ ! -L "$1/hooks/$h" ] || return 1; done
}
bare() { git init -q --bare "$T/$1.git"; echo "$T/$1.git"; }

# ---------------------------------------------------------------- usage

run --help
expect_rc "--help exits 0" 0
expect_contains "--help prints usage" "$OUT" "Usage: install.sh"
run --bogus
expect_rc "unknown option exits 2" 2
expect_contains "unknown option is named" "$OUT" "install.sh: unknown option: --bogus"
expect_contains "unknown option prints usage" "$OUT" "Usage: install.sh"
run --prefix "$P" stray
expect_rc "stray argument exits 2" 2
run --repo --prefix "$P"
expect_rc "--repo without a repository exits 2" 2
check "usage errors install nothing" test ! -e "$P"
run --repo "$T" --prefix "$P"
expect_rc "a directory that is not a git dir is refused" 1
expect_contains "... and named" "$OUT" "$T does not look like a git repository"
check "... before anything is installed" test ! -e "$P"

# ---------------------------------------------------------------- bare repositories

A=$(bare a) B=$(bare b)
samples=$(cd "$A/hooks" && find . -name '*.sample' -exec md5sum {} + | sort | md5sum)
run --repo "$A" "$B" --prefix "$P"
expect_rc "install into two repositories" 0
check "repo a: hooks link to the prefix" is_linked "$A"
check "repo b: hooks link to the prefix" is_linked "$B"
for f in hooks/pre-receive hooks/update hooks/post-receive; do
	check "prefix has ${f#hooks/}, same as the build" cmp -s "$PUSHGATE_BUILD/$f" "$LX/${f#hooks/}"
done
check "prefix has bin/pushgate, same as the build" cmp -s "$PUSHGATE_BUILD/pushgate" "$P/bin/pushgate"
check "prefix has the man pages" cmp -s "$PUSHGATE_BUILD/man/pushgate.ini.5" "$P/share/man/man5/pushgate.ini.5"
check "man finds pushgate(1) there" test "$(MANPATH=$P/share/man man -w pushgate)" = "$P/share/man/man1/pushgate.1"
check "and pushgate.ini(5)" test "$(MANPATH=$P/share/man man -w 5 pushgate.ini)" = "$P/share/man/man5/pushgate.ini.5"
check "installed files are mode 0755" \
	test "$(stat -c %a "$LX/pre-receive" "$LX/update" "$LX/post-receive" "$P/bin/pushgate" | sort -u)" = 755
check "git's sample hooks are left alone" test "$(cd "$A/hooks" && find . -name '*.sample' -exec md5sum {} + | sort | md5sum)" = "$samples"

seed=$(git config --file "$A/config" receive.certNonceSeed)
check "repo a gets a nonce seed for signed pushes" test "${#seed}" -eq 64
check "repo b gets its own" test "$(git config --file "$B/config" receive.certNonceSeed)" != "$seed"
expect_contains "... and is told so" "$OUT" "set receive.certNonceSeed in $A/config"

snap "$A" "$B" "$P" >"$T/snap1"
run --repo "$A" "$B" --prefix "$P"
expect_rc "rerun exits 0" 0
check "a rerun keeps the seed" test "$(git config --file "$A/config" receive.certNonceSeed)" = "$seed"
same_snap "rerun changes nothing (not even mtimes)" "$T/snap1" "$A" "$B" "$P"
run --prefix "$P" --repo "$A" --repo "$B"
expect_rc "options in another order, --repo repeated" 0
same_snap "... same state" "$T/snap1" "$A" "$B" "$P"
(cd "$T" && "$INSTALL" --repo a.git ./b.git/ --prefix "$P") >"$OUT" 2>&1; rc=$?
expect_rc "relative repository paths" 0
same_snap "... same state" "$T/snap1" "$A" "$B" "$P"

# A changed binary in the prefix is replaced; unchanged ones are not touched.
echo "stale" >"$LX/update"
touch -d '2001-01-01' "$LX/pre-receive"
mt=$(stat -c %Y "$LX/pre-receive")
run --prefix "$P" --repo "$A"
expect_rc "reinstall over a stale binary" 0
check "stale binary replaced" cmp -s "$PUSHGATE_BUILD/hooks/update" "$LX/update"
check "identical binary not rewritten" test "$(stat -c %Y "$LX/pre-receive")" = "$mt"

# A link into another pushgate prefix is ours: it is repointed.
ln -sfn /opt/old-pushgate/libexec/pushgate/update "$A/hooks/update"
run --repo "$A" --prefix "$P"
expect_rc "a link into another pushgate prefix is ours" 0
check "... and is repointed" links_to "$A/hooks/update" "$LX/update"

# ---------------------------------------------------------------- foreign hooks

C=$(bare c) D=$(bare d)
cp "$D/hooks/pre-receive.sample" "$D/hooks/pre-receive"
chmod +x "$D/hooks/pre-receive"
P2=$T/prefix2
snap "$C" "$D" "$P2" >"$T/snap2"
run --repo "$C" "$D" --prefix "$P2"
expect_rc "a foreign pre-receive makes the whole run fail" 1
expect_contains "... naming the file" "$OUT" "$D/hooks/pre-receive"
expect_contains "... saying it is not ours" "$OUT" "pushgate did not install"
same_snap "... the other repository, the foreign hook and the prefix are untouched" "$T/snap2" "$C" "$D" "$P2"

ln -s /usr/share/gitolite3/hooks/common/update "$C/hooks/update"
snap "$C" "$D" "$P2" >"$T/snap2"
run --prefix "$P2" --repo "$C"
expect_rc "a symlink elsewhere (gitolite's update) is refused" 1
expect_contains "... naming it and its target" "$OUT" "$C/hooks/update is a symlink to /usr/share/gitolite3/hooks/common/update"
same_snap "... nothing changed" "$T/snap2" "$C" "$D" "$P2"
rm "$C/hooks/update"

# ---------------------------------------------------------------- uninstall (repositories)

# b gets a foreign pre-receive after pushgate's was installed.
rm "$B/hooks/pre-receive"
printf '#!/bin/sh\nexit 0\n' >"$B/hooks/pre-receive"
chmod +x "$B/hooks/pre-receive"
foreign=$(md5sum <"$B/hooks/pre-receive")
ln -sfn /usr/share/gitolite3/hooks/common/update "$B/hooks/update"
run --uninstall --repo "$A" "$B" --prefix "$P"
expect_rc "uninstall from two repositories" 0
check "repo a: our links removed" no_links "$A"
check "repo b: our link removed" test ! -e "$B/hooks/post-receive" -a ! -L "$B/hooks/post-receive"
check "repo b: foreign pre-receive kept" test "$(md5sum <"$B/hooks/pre-receive")" = "$foreign"
check "repo b: foreign update symlink kept" links_to "$B/hooks/update" /usr/share/gitolite3/hooks/common/update
expect_contains "... and reported as left alone" "$OUT" "left alone: $B/hooks/pre-receive"
check "git's sample hooks are still there" test "$(cd "$A/hooks" && find . -name '*.sample' -exec md5sum {} + | sort | md5sum)" = "$samples"
check "uninstalling links keeps the prefix" test -x "$LX/pre-receive" -a -x "$P/bin/pushgate"
snap "$A" "$B" "$P" >"$T/snap3"
run --repo "$A" "$B" --uninstall
expect_rc "uninstall twice exits 0" 0
same_snap "... and changes nothing" "$T/snap3" "$A" "$B" "$P"

# ---------------------------------------------------------------- Gitea

G=$T/gitea-repositories
# Stands in for the gitea binary that .d/gitea calls: logs and accepts.
mkdir -p "$T/bin"
printf '#!/bin/sh\ncat >/dev/null\necho "gitea $*" >>"%s"\n' "$T/gitea.log" >"$T/bin/gitea"
chmod 0755 "$T/bin/gitea"
GA=$(gitea_repo alice/proj) GB=$(gitea_repo bob/tools) GW=$(gitea_repo alice/proj.wiki)
# A hook from Gitea's web UI is stored as hooks/<hook>.d/<hook>.
printf '#!/bin/sh\nexit 0\n' >"$GB/hooks/pre-receive.d/pre-receive"
chmod 0755 "$GB/hooks/pre-receive.d/pre-receive"
gitea_sums() { (cd "$G" && find . -path '*/hooks/*' -type f -exec md5sum {} + | sort); }
gitea_sums >"$T/gsum"
gitea_linked() { # REPO: .d/pushgate links for all three hooks, runnable by the dispatcher
	local h
	for h in $HOOKS; do
		links_to "$1/hooks/$h.d/pushgate" "$LX/$h" || return 1
		test -x "$1/hooks/$h.d/pushgate" && test -f "$1/hooks/$h.d/pushgate" || return 1
	done
}

run --gitea "$G" --prefix "$P"
expect_rc "--gitea installs" 0
expect_contains "... reports the number of repositories" "$OUT" "3 repositories"
check "alice/proj: .d/pushgate links" gitea_linked "$GA"
check "bob/tools: .d/pushgate links" gitea_linked "$GB"
check "alice/proj.wiki: .d/pushgate links" gitea_linked "$GW"
check "dispatchers, .d/gitea and the web-UI hook are byte-identical" \
	cmp -s "$T/gsum" <(gitea_sums)
check "dispatchers are still regular files" test ! -L "$GA/hooks/pre-receive" -a ! -L "$GB/hooks/update"
snap "$G" "$P" >"$T/snap4"
run --prefix "$P" --gitea "$G"
expect_rc "--gitea rerun exits 0" 0
same_snap "... and changes nothing" "$T/snap4" "$G" "$P"

if [ "$(cd "$GA/hooks/pre-receive.d" && echo *)" = "gitea pushgate" ]; then
	ok "pre-receive.d holds gitea and pushgate"
else
	not_ok "pre-receive.d holds gitea and pushgate"; find "$GA/hooks/pre-receive.d" | sed 's/^/#   /'
fi

# Gitea's dispatcher runs the linked hook, gives it the push's stdin or
# arguments, and a rejection by it fails the dispatcher. Shown with stand-in
# hooks (exit 7) installed from a stand-in build into a separate root.
SB=$T/standin-build
mkdir -p "$SB/hooks" "$SB/man"
cp "$PUSHGATE_BUILD/man/"* "$SB/man/"
for h in $HOOKS; do
	# shellcheck disable=SC2016 # expanded by the stand-in hook
	printf '#!/bin/sh\necho "standin %s args=$* stdin=$(cat)" >>"%s"\nexit 7\n' "$h" "$T/standin.log" >"$SB/hooks/$h"
done
cp "$SB/hooks/update" "$SB/pushgate"
chmod 0755 "$SB"/hooks/* "$SB/pushgate"
G2=$T/gitea2
GS=$(G=$G2 gitea_repo dave/site)
PUSHGATE_BUILD=$SB run --gitea "$G2" --prefix "$T/prefix-standin"
expect_rc "install stand-in hooks into another Gitea root" 0
: >"$T/gitea.log"
drc=0
echo "1111 2222 refs/heads/main" | GIT_DIR=$GS "$GS/hooks/pre-receive" || drc=$?
check "pre-receive dispatcher fails with the pushgate hook's code" test "$drc" = 7
expect_contains "... Gitea's own hook ran" "$T/gitea.log" "gitea hook --config=/etc/gitea/app.ini pre-receive"
expect_contains "... pushgate's hook ran with the push's stdin" "$T/standin.log" "standin pre-receive args= stdin=1111 2222 refs/heads/main"
drc=0
GIT_DIR=$GS "$GS/hooks/update" refs/heads/main 1111 2222 </dev/null || drc=$?
check "update dispatcher fails with the pushgate hook's code" test "$drc" = 7
expect_contains "... pushgate's update hook got the arguments" "$T/standin.log" "standin update args=refs/heads/main 1111 2222"

# A repository created later, without Gitea's dispatcher yet: warned, installed.
GN=$G/carol/new.git
git init -q --bare "$GN"
run --gitea "$G" --prefix "$P"
expect_rc "a repository without a dispatcher is still handled" 0
expect_contains "... with a warning about the missing dispatcher" "$OUT" "$GN/hooks/pre-receive (Gitea's dispatcher) is missing"
check "... and gets the links" gitea_linked "$GN"
expect_contains "... 4 repositories now" "$OUT" "4 repositories"
rm -rf "$G/carol"

# A foreign .d/pushgate in one repository: nothing changes anywhere.
run --gitea "$G" --prefix "$P" --uninstall
expect_rc "--gitea --uninstall" 0
check "alice/proj: links gone" test ! -L "$GA/hooks/pre-receive.d/pushgate" -a ! -L "$GA/hooks/update.d/pushgate"
check "bob/tools: links gone" test ! -L "$GB/hooks/post-receive.d/pushgate"
check "Gitea's files and the web-UI hook untouched by uninstall" cmp -s "$T/gsum" <(gitea_sums)
check "... and the .d directories remain" test -d "$GA/hooks/pre-receive.d" -a -d "$GW/hooks/update.d"
run --uninstall --gitea "$G" --prefix "$P"
expect_rc "--gitea --uninstall twice exits 0" 0

printf '#!/bin/sh\nexit 0\n' >"$GB/hooks/update.d/pushgate"
snap "$G" >"$T/snap5"
run --gitea "$G" --prefix "$P"
expect_rc "a foreign .d/pushgate fails the whole run" 1
expect_contains "... naming it" "$OUT" "$GB/hooks/update.d/pushgate exists and is a regular file"
same_snap "... and no repository is changed" "$T/snap5" "$G"
rm "$GB/hooks/update.d/pushgate"

# Run as root, a .d directory that install.sh creates gets the owner of hooks/,
# so that Gitea (running as its own user) can still rewrite .d/gitea there.
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
	GO=$G/erin/owned.git
	git init -q --bare "$GO"
	chown -R nobody "$GO/hooks"
	run --gitea "$G" --prefix "$P"
	expect_rc "root install into a repository owned by another user" 0
	check "... the created .d directory belongs to the repository's owner" \
		test "$(stat -c %U "$GO/hooks/update.d")" = nobody
	rm -rf "$G/erin"
fi

# ---------------------------------------------------------------- core.hooksPath

export GIT_CONFIG_SYSTEM=$T/gitconfig-system
unset GIT_CONFIG_NOSYSTEM
syshp() { git config --system --get-all core.hooksPath; }
run --hooks-path --prefix "$P"
expect_rc "--hooks-path sets the system config" 0
check "... core.hooksPath is the prefix's hook directory" test "$(syshp)" = "$LX"
cp "$GIT_CONFIG_SYSTEM" "$T/gcs"
run --prefix "$P" --hooks-path
expect_rc "--hooks-path rerun exits 0" 0
check "... and leaves the config as it was" cmp -s "$T/gcs" "$GIT_CONFIG_SYSTEM"
run --hooks-path --uninstall --prefix "$P"
expect_rc "--hooks-path --uninstall" 0
check "... unsets core.hooksPath" test -z "$(syshp)"
run --uninstall --prefix "$P" --hooks-path
expect_rc "--hooks-path --uninstall twice exits 0" 0
check "... and keeps the prefix" test -x "$LX/update"

git config --system core.hooksPath /opt/other-hooks
cp "$GIT_CONFIG_SYSTEM" "$T/gcs"
P3=$T/prefix3
run --hooks-path --prefix "$P3"
expect_rc "a foreign core.hooksPath is refused" 1
expect_contains "... naming its value" "$OUT" "/opt/other-hooks"
check "... config unchanged" cmp -s "$T/gcs" "$GIT_CONFIG_SYSTEM"
check "... nothing installed" test ! -e "$P3"
run --hooks-path --uninstall --prefix "$P"
expect_rc "uninstall with a foreign core.hooksPath exits 0" 0
check "... and keeps the foreign value" cmp -s "$T/gcs" "$GIT_CONFIG_SYSTEM"
git config --system --unset core.hooksPath
export GIT_CONFIG_NOSYSTEM=1

# ---------------------------------------------------------------- DESTDIR, /etc/pushgate, manifest

# A fresh root: --destdir puts every file below it, /etc/pushgate included.
R=$T/root
mkdir -p "$R/usr/local/bin"
echo 'not pushgate' >"$R/usr/local/bin/other-tool"
snap "$R" >"$T/root-before"
run --destdir "$R" --prefix /usr/local
expect_rc "--destdir into a fresh root" 0
mode_is() { [ "$(stat -c %a "$1")" = "$2" ]; }
for f in libexec/pushgate/pre-receive libexec/pushgate/update libexec/pushgate/post-receive bin/pushgate; do
	check "... $f installed, mode 0755" mode_is "$R/usr/local/$f" 755
done
check "... the hooks are the build's" cmp -s "$PUSHGATE_BUILD/hooks/update" "$R/usr/local/libexec/pushgate/update"
check "... /etc/pushgate created below DESTDIR, mode 0755" mode_is "$R/etc/pushgate" 755
check "... owned by root (or the installing user)" test "$(stat -c %u "$R/etc/pushgate")" = "$(id -u)"
check "... pushgate.ini.example there, mode 0644" mode_is "$R/etc/pushgate/pushgate.ini.example" 644
check "... the example is config/pushgate.ini.example" cmp -s "$TOP/config/pushgate.ini.example" "$R/etc/pushgate/pushgate.ini.example"
check "... no pushgate.ini is made up" test ! -e "$R/etc/pushgate/pushgate.ini"
check "... a manifest in share/pushgate" test -f "$R/usr/local/share/pushgate/manifest"
check "... the manifest names final paths, not DESTDIR" \
	grep -qx 'f [0-9a-f]* /usr/local/bin/pushgate' "$R/usr/local/share/pushgate/manifest"
expect_not_contains "... and never DESTDIR" "$R/usr/local/share/pushgate/manifest" "$R"
check "... nothing outside DESTDIR: no /etc/pushgate in the scratch tree" test ! -e "$T/etc"
"$R/usr/local/bin/pushgate" check --help >"$T/help.out" 2>"$T/help.err"
check "installed pushgate check --help exits 0" test $? -eq 0
expect_contains "... with its usage on stdout" "$T/help.out" "usage: pushgate check [-c FILE]"
check "... and nothing on stderr" test ! -s "$T/help.err"
for sub in "explain" "log" "log verify" "log show"; do
	# shellcheck disable=SC2086 # $sub is one or two words
	"$R/usr/local/bin/pushgate" $sub --help >"$T/help.out" 2>&1
	check "pushgate $sub --help exits 0" test $? -eq 0
	expect_contains "... with its usage" "$T/help.out" "usage: pushgate $sub"
done

snap "$R" >"$T/root-installed"
run --destdir "$R" --prefix /usr/local
expect_rc "--destdir rerun" 0
same_snap "... changes nothing (not even mtimes)" "$T/root-installed" "$R"

# The admin's policy and release log are never installed, so never removed.
echo '[core]' >"$R/etc/pushgate/pushgate.ini"
mkdir -p "$R/var/lib/pushgate"
echo 'log line' >"$R/var/lib/pushgate/release.log"
echo '; the admin edited the example' >"$R/etc/pushgate/pushgate.ini.example.orig"
run --destdir "$R" --prefix /usr/local
expect_rc "install again over the admin's pushgate.ini" 0
check "... which is left as it was" test "$(cat "$R/etc/pushgate/pushgate.ini")" = '[core]'
rc=0
DESTDIR=$R "$INSTALL" --prefix /usr/local --uninstall >"$OUT" 2>&1 || rc=$?
expect_rc "\$DESTDIR --uninstall" 0
check "... the admin's pushgate.ini survives" test "$(cat "$R/etc/pushgate/pushgate.ini")" = '[core]'
check "... the release log survives" test "$(cat "$R/var/lib/pushgate/release.log")" = 'log line'
check "... the example is removed" test ! -e "$R/etc/pushgate/pushgate.ini.example"
check "... the manifest is removed" test ! -e "$R/usr/local/share/pushgate"
check "... libexec/pushgate is removed" test ! -e "$R/usr/local/libexec"
check "... the other tool in bin/ is kept" test "$(cat "$R/usr/local/bin/other-tool")" = 'not pushgate'
rm -rf "${R:?}/var" "$R/etc/pushgate/pushgate.ini" "$R/etc/pushgate/pushgate.ini.example.orig"
rmdir "$R/etc/pushgate" "$R/etc"
same_snap "... and nothing but what install added is gone" "$T/root-before" "$R"
run --destdir "$R" --prefix /usr/local --uninstall
expect_rc "uninstall twice exits 0" 0

# A file changed since install is left alone.
R2=$T/root2
rc=0
DESTDIR=$R2 "$INSTALL" --prefix /usr >"$OUT" 2>&1 || rc=$?
expect_rc "\$DESTDIR with --prefix /usr" 0
check "... /etc/pushgate below it" test -f "$R2/etc/pushgate/pushgate.ini.example"
check "... bin/pushgate below it" test -x "$R2/usr/bin/pushgate"
echo '; local note' >>"$R2/etc/pushgate/pushgate.ini.example"
run --destdir "$R2" --prefix /usr --uninstall
expect_rc "uninstall with an edited example" 0
expect_contains "... says it left it" "$OUT" "left alone: $R2/etc/pushgate/pushgate.ini.example"
check "... and kept it" test -f "$R2/etc/pushgate/pushgate.ini.example"
check "... removing the rest" test ! -e "$R2/usr/bin/pushgate"

# A prefix other than /usr and /usr/local: the example goes to share/, /etc is not touched.
run --destdir "$T/root3" --prefix /opt/pushgate
expect_rc "--prefix /opt/pushgate" 0
check "... example in share/pushgate" test -f "$T/root3/opt/pushgate/share/pushgate/pushgate.ini.example"
check "... no etc/ made" test ! -e "$T/root3/etc"

# ---------------------------------------------------------------- --template

PT=$T/prefix-tmpl
TD=$T/template
run --prefix "$PT" --template "$TD"
expect_rc "--template TDIR" 0
for h in $HOOKS; do
	check "... TDIR/hooks/$h links to the installed hook" links_to "$TD/hooks/$h" "$PT/libexec/pushgate/$h"
done
expect_contains "... says how to make it the default" "$OUT" "init.templateDir $TD"
snap "$TD" >"$T/tmpl-snap"
run --template "$TD" --prefix "$PT"
expect_rc "--template rerun" 0
same_snap "... changes nothing" "$T/tmpl-snap" "$TD"
git init -q --bare --template "$TD" "$T/fromtmpl.git"
for h in $HOOKS; do
	check "git init --template: hooks/$h is pushgate's" links_to "$T/fromtmpl.git/hooks/$h" "$PT/libexec/pushgate/$h"
done
export PUSHGATE_CONFIG=$T/tmpl.ini
write_config "$PUSHGATE_CONFIG" <<'INI'
[core]
identity = env:PUSHGATE_USER

[branch "main"]
push = alice
INI
w=$(new_clone tmpl "file://$T/fromtmpl.git")
commit "$w" first
rc=0
push_as bob "$OUT" -C "$w" push origin HEAD:main || rc=$?
check "a push into a repository made from the template is enforced" test "$rc" -ne 0
expect_contains "... refused by the policy" "$OUT" "remote: pushgate: REJECTED refs/heads/main"
check "... and main was not created" test -z "$(git -C "$T/fromtmpl.git" for-each-ref refs/heads)"
rc=0
push_as alice "$OUT" -C "$w" push origin HEAD:main || rc=$?
check "... while a permitted pusher gets through" test "$rc" -eq 0
unset PUSHGATE_CONFIG
echo 'mine' >"$T/foreign-hook"
TD2=$T/template2
mkdir -p "$TD2/hooks"
cp "$T/foreign-hook" "$TD2/hooks/update"
run --prefix "$PT" --template "$TD2"
expect_rc "--template over a foreign hook is refused" 1
check "... leaving it" cmp -s "$T/foreign-hook" "$TD2/hooks/update"
run --prefix "$PT" --template "$TD" --uninstall
expect_rc "--template --uninstall" 0
for h in $HOOKS; do
	check "... removes TDIR/hooks/$h" test ! -e "$TD/hooks/$h" -a ! -L "$TD/hooks/$h"
done
check "... keeps the binaries" test -x "$PT/bin/pushgate"

# ---------------------------------------------------------------- building

# Without PUSHGATE_BUILD and without binaries in build/, install.sh runs make
# in its checkout first (a stand-in checkout whose Makefile copies the build).
CK=$T/checkout
mkdir -p "$CK"
cp "$INSTALL" "$CK/install.sh"
mkdir -p "$CK/config" && cp "$TOP/config/pushgate.ini.example" "$CK/config/"
printf 'all:\n\tmkdir -p build/hooks build/man\n\tcp %s/hooks/* build/hooks/\n\tcp %s/pushgate build/\n\tcp %s/man/* build/man/\n' \
	"$PUSHGATE_BUILD" "$PUSHGATE_BUILD" "$PUSHGATE_BUILD" >"$CK/Makefile"
rc=0
(unset PUSHGATE_BUILD; "$CK/install.sh" --prefix "$T/prefix-built") >"$OUT" 2>&1 || rc=$?
expect_rc "missing build: install.sh runs make first" 0
expect_contains "... and says so" "$OUT" "install.sh: building: make -C $CK"
check "... and installs what make built" cmp -s "$PUSHGATE_BUILD/hooks/update" "$T/prefix-built/libexec/pushgate/update"
rc=0
PUSHGATE_BUILD=$T/nonexistent "$INSTALL" --prefix "$T/prefix-none" >"$OUT" 2>&1 || rc=$?
expect_rc "a PUSHGATE_BUILD without binaries is an error" 1
expect_contains "... naming what is missing" "$OUT" "$T/nonexistent/hooks/pre-receive"
check "... nothing installed" test ! -e "$T/prefix-none"

# ---------------------------------------------------------------- uninstall (prefix)

run --uninstall --prefix "$P"
expect_rc "--uninstall --prefix" 0
check "... removes libexec/pushgate" test ! -e "$LX"
check "... removes bin/pushgate" test ! -e "$P/bin/pushgate"
run --prefix "$P" --uninstall
expect_rc "--uninstall --prefix twice exits 0" 0

done_testing
