#!/usr/bin/env bash
# The README's first command: installs what pushgate needs, builds it,
# installs it under /usr/local, and shows it guarding a throwaway bare
# repository: an accepted push, then pushes it refuses, with their messages.
# ./demo.sh --installed PREFIX runs the same session against what is
# already installed there (the Debian package: --installed /usr), without
# installing or building anything.
set -euo pipefail
top=$(cd "$(dirname "$0")" && pwd)
prefix=${PREFIX:-/usr/local}
installed=0
if [ "${1:-}" = --installed ]; then
	[ -n "${2:-}" ] || { echo "usage: demo.sh [--installed PREFIX]" >&2; exit 2; }
	prefix=$2 installed=1
fi
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

if [ "$installed" -eq 0 ]; then
	say "Installing build dependencies (Debian 12 packages)"
	"$top/scripts/install-deps.sh"
	say "Building"
	# Under sudo, build as the user who called it, so a later `make check`
	# by that user can write build/.
	if [ "$(id -u)" -eq 0 ] && [ -n "${SUDO_USER:-}" ] && [ "$SUDO_USER" != root ]; then
		runuser -u "$SUDO_USER" -- make -C "$top" -s
	else
		make -C "$top" -s
	fi
	say "Installing to $prefix"
	as_root=()
	[ "$(id -u)" -eq 0 ] || as_root=(sudo)
	"${as_root[@]}" "$top/install.sh" --prefix "$prefix"
else
	say "Using what is installed in $prefix ($("$prefix/bin/pushgate" version))"
fi

demo=$(mktemp -d /tmp/pushgate-demo.XXXXXX)
chmod 0755 "$demo"
cd "$demo"
export HOME=$demo GIT_CONFIG_NOSYSTEM=1
git config --global user.name "Demo User"
git config --global user.email demo@example.com
git config --global init.defaultBranch main

say "A bare repository with pushgate's hooks: $demo/app.git"
git init -q --bare app.git
if [ "$installed" -eq 0 ]; then
	"$top/install.sh" --prefix "$prefix" --repo app.git
else
	for h in pre-receive update post-receive; do
		ln -s "$prefix/libexec/pushgate/$h" "app.git/hooks/$h"
	done
fi

# The release log's signing key, and the line that lets anyone verify it.
ssh-keygen -q -t ed25519 -N '' -C pushgate -f "$demo/release_ed25519"
echo "pushgate $(cut -d' ' -f1,2 "$demo/release_ed25519.pub")" >"$demo/log_signers"

export PUSHGATE_CONFIG=$demo/pushgate.ini
cat >"$PUSHGATE_CONFIG" <<'INI'
[core]
identity    = env:PUSHGATE_USER   ; a forced command or the server exports it
release_log = release.log         ; signed, hash-chained: every release, every refusal
signing_key = release_ed25519
log_signers = log_signers

[group "maintainers"]
members = alice, @release

[group "release"]
members = carol

[branch "main"]
push    = @maintainers
subject = ^CHG-[0-9]+:
control = ISO27001:8.32
help    = Changes to main go through a pull request.

[path "secrets/**"]
deny    = yes

[secrets]                         ; secret scanning of every new commit
rules   = builtin
control = ISO27001:8.33

[tag "v*"]
create  = @release
release = yes
control = ISO27001:8.32
INI
chmod 0644 "$PUSHGATE_CONFIG"
say "The policy ($PUSHGATE_CONFIG)"
cat "$PUSHGATE_CONFIG"
say "pushgate check"
"$prefix/bin/pushgate" check

git init -q work
cd work
git remote add origin ../app.git
echo "hello" >README
git add README
git commit -q -m "CHG-1: first commit"

say "alice (a maintainer) pushes main: accepted"
PUSHGATE_USER=alice git push origin main

echo "change" >>README
git commit -q -am "CHG-2: second commit"
say "bob (not a maintainer) pushes main: refused"
PUSHGATE_USER=bob git push origin main || echo "(git push exited $?)"

say "alice pushes the same commit: accepted"
PUSHGATE_USER=alice git push origin main

git commit -q --amend -m "CHG-2: second commit, rewritten"
say "alice force-pushes a rewritten main: refused"
PUSHGATE_USER=alice git push -f origin main || echo "(git push exited $?)"

git reset -q --hard origin/main
mkdir -p secrets && echo "hunter2" > secrets/db.txt && git add secrets
git commit -q -m "CHG-3: add the database password"
say "alice commits a file under secrets/: refused, whoever pushes"
PUSHGATE_USER=alice git push origin main || echo "(git push exited $?)"
git reset -q --hard origin/main

printf 'aws_access_key_id = AK%s\n' "IAZ7QF3KXM2PLN4W5R" >deploy.env
git add deploy.env && git commit -q -m "CHG-4: deploy settings"
git rm -q deploy.env && git commit -q -m "CHG-5: oops, take the key out again"
say "alice adds an AWS key and deletes it in the next commit: refused, it was pushed"
PUSHGATE_USER=alice git push origin main || echo "(git push exited $?)"
git reset -q --hard origin/main

git tag -a v1.0 -m "release 1.0"
say "carol (release) tags v1.0: accepted"
PUSHGATE_USER=carol git push origin v1.0
git tag -f -a v1.0 -m "release 1.0, moved" HEAD >/dev/null
say "carol moves v1.0: refused, release tags are immutable"
PUSHGATE_USER=carol git push -f origin v1.0 || echo "(git push exited $?)"

say "pushgate explain: the same decision without pushing"
"$prefix/bin/pushgate" explain --git-dir ../app.git --user bob refs/heads/main main~1 main ||
	echo "(explain exited $?: reject)"

say "The release log: every release and every refusal, signed and chained"
"$prefix/bin/pushgate" log show
say "pushgate log verify: sequence, hash chain and every signature"
"$prefix/bin/pushgate" log verify
say "The same check for one entry with stock OpenSSH (ssh-keygen -Y verify)"
line=$(tail -n 1 "$demo/release.log")
printf '%s' "$line" | sed 's/,"sig":"[^"]*"}$/}/' >"$demo/entry.msg"
{ echo '-----BEGIN SSH SIGNATURE-----'
  printf '%s' "$line" | sed 's/.*,"sig":"\([^"]*\)"}$/\1/' | fold -w 70; echo
  echo '-----END SSH SIGNATURE-----'; } >"$demo/entry.sig"
ssh-keygen -Y verify -f "$demo/log_signers" -I pushgate -n pushgate-release-log \
	-s "$demo/entry.sig" <"$demo/entry.msg"

say "Done. The demo repository stays in $demo"
