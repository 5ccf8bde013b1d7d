#!/usr/bin/env bash
# A Gitea-layout repository: Gitea's dispatcher scripts and .d/gitea, the
# GITEA_* environment Gitea's serv sets, pushgate installed with --gitea.
. "$(dirname "$0")/lib.sh"

G=$T/gitea-repositories
# repos_root below names the same directory through a symbolic link.
ln -s "$G" "$T/repos-link"
mkdir -p "$T/bin"
printf '#!/bin/sh\ncat >/dev/null\necho "gitea $*" >>"%s"\n' "$T/gitea.log" >"$T/bin/gitea"
chmod 0755 "$T/bin/gitea"
repo=$(gitea_repo acme/app)
other=$(gitea_repo bob/tools)

"$TOP/install.sh" --prefix "$T/prefix" --gitea "$G" >"$T/install.out" 2>&1
check "install.sh --gitea succeeds" test $? -eq 0
check "the pre-receive hook is linked in .d" test -x "$repo/hooks/pre-receive.d/pushgate"

export PUSHGATE_CONFIG=$T/pushgate.ini
write_config "$PUSHGATE_CONFIG" <<INI
[core]
identity = gitea
repos_root = $T/repos-link

[group "maintainers"]
members = alice

[branch "main"]
repos = acme/*
push = @maintainers
control = ISO27001:8.32
help = Open a pull request in Gitea instead
INI

# What Gitea's `serv` exports for an SSH push by USER into OWNER/NAME;
# with PR_ID set, what Gitea exports when it merges that pull request.
as_gitea() {
	local user=$1 owner=$2 name=$3 out=$4; shift 4
	GITEA_PUSHER_NAME=$user GITEA_PUSHER_ID=7 GITEA_REPO_USER_NAME=$owner \
	GITEA_REPO_NAME=$name GITEA_REPO_IS_WIKI=false GITEA_PR_ID=${PR_ID:-0} \
	SSH_ORIGINAL_COMMAND="git-receive-pack '$owner/$name.git'" \
		git "$@" >"$out" 2>&1
}

w=$(new_clone w "$repo")
commit "$w" first
out=$T/out
as_gitea bob acme app "$out" -C "$w" push origin HEAD:main
check "a non-member push to acme/app main is refused" test $? -ne 0
expect_contains "with the spec's first line" "$out" \
	"remote: pushgate: REJECTED refs/heads/main: bob may not create this branch"
expect_contains "naming the rule's FILE:LINE" "$out" \
	"pushgate:   rule [branch \"main\"] at $PUSHGATE_CONFIG:8 (ISO27001:8.32)"
expect_contains "the identity came from Gitea" "$out" "pusher bob (via gitea) is not in @maintainers"
expect_contains "and the rule's help" "$out" "Open a pull request in Gitea instead"
check "Gitea's own hook ran too" grep -q "gitea hook --config=/etc/gitea/app.ini pre-receive" "$T/gitea.log"
check "main was not created" test -z "$(git -C "$repo" for-each-ref refs/heads/main)"

as_gitea alice acme app "$out" -C "$w" push origin HEAD:main
check "a maintainer's push is accepted" test $? -eq 0
check "main is at the pushed commit" test "$(git -C "$repo" rev-parse main)" = "$(git -C "$w" rev-parse HEAD)"

git -C "$w" commit -q --amend -m rewritten
as_gitea alice acme app "$out" -C "$w" push -f origin HEAD:main
check "a force-push through Gitea's dispatcher is refused" test $? -ne 0
expect_contains "as a force-push" "$out" "REJECTED refs/heads/main: force-push is not allowed"

# repos = acme/* does not cover bob/tools, named from Gitea's environment.
w2=$(new_clone w2 "$other")
commit "$w2" first
as_gitea bob bob tools "$out" -C "$w2" push origin HEAD:main
check "the rule does not apply to bob/tools" test $? -eq 0

# Without Gitea's environment nobody is identified: fail closed.  The
# repository is still acme/app: its path below repos_root.
git -C "$w" fetch -q origin && git -C "$w" reset -q --hard origin/main
commit "$w" second
git -C "$w" push origin HEAD:main >"$out" 2>&1
check "a push without GITEA_PUSHER_NAME is refused" test $? -ne 0
expect_contains "saying which sources were tried" "$out" "no identity source answered; tried gitea"

# atomic = no: Gitea's update dispatcher runs pushgate's update hook.
sed -i '1a atomic = no' "$PUSHGATE_CONFIG"
as_gitea bob acme app "$out" -C "$w" push origin HEAD:main
check "atomic = no through Gitea's update dispatcher refuses" test $? -ne 0
expect_contains "reported by the update hook" "$out" "HEAD -> main (hook declined)"

# require_pr: main moves only by Gitea merging a pull request.
write_config "$PUSHGATE_CONFIG" <<INI
[core]
identity = gitea, env:PUSHGATE_USER
repos_root = $T/repos-link

[branch "main"]
repos = acme/*
push = alice
require_pr = yes
INI
"$PUSHGATE_BUILD/pushgate" check >"$out" 2>&1
check "require_pr with the gitea source passes check" test $? -eq 0
git -C "$w" fetch -q origin && git -C "$w" reset -q --hard origin/main
commit "$w" "pr change"
as_gitea alice acme app "$out" -C "$w" push origin HEAD:main
check "require_pr: a plain push to main is refused" test $? -ne 0
expect_contains "require_pr: saying main moves by pull request" "$out" \
	"REJECTED refs/heads/main: main is updated only by merging a pull request"
expect_contains "require_pr: pointing at the pull-request flow" "$out" \
	"require_pr = yes ($PUSHGATE_CONFIG:8); push your commits to another branch, open a pull request in Gitea and merge it there"
PR_ID=12 as_gitea alice acme app "$out" -C "$w" push origin HEAD:main
check "require_pr: Gitea's merge of pull request 12 is accepted" test $? -eq 0
commit "$w" "sneaky"
GITEA_PR_ID=13 PUSHGATE_USER=alice git -C "$w" push origin HEAD:main >"$out" 2>&1
check "require_pr: GITEA_PR_ID without a Gitea identity is no merge" test $? -ne 0
expect_contains "require_pr: refused as a plain push" "$out" "main is updated only by merging a pull request"
as_gitea alice acme app "$out" -C "$w" push origin HEAD:feature
check "require_pr: other branches take plain pushes" test $? -eq 0
sed -i 's/^identity = .*/identity = env:PUSHGATE_USER/' "$PUSHGATE_CONFIG"
"$PUSHGATE_BUILD/pushgate" check >"$out" 2>&1
check "require_pr without the gitea source fails check" test $? -ne 0
expect_contains "naming the line" "$out" "$PUSHGATE_CONFIG:8: require_pr needs the gitea identity source"

"$TOP/install.sh" --prefix "$T/prefix" --gitea "$G" --uninstall >"$T/install.out" 2>&1
check "uninstall succeeds" test $? -eq 0
check "Gitea's dispatcher is still there" test -x "$repo/hooks/pre-receive"
check "pushgate's link is gone" test ! -e "$repo/hooks/pre-receive.d/pushgate"

done_testing
