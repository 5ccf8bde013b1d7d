#!/usr/bin/env bash
# [tag] require_changed: a release tag is refused unless its notes changed
# since the previous tag of the section, found by ancestry.
. "$(dirname "$0")/lib.sh"

pg=$PUSHGATE_BUILD/pushgate
out=$T/out
release_log_keys
export PUSHGATE_CONFIG=$T/pushgate.ini
release_log_config "$PUSHGATE_CONFIG" <<'INI'

[tag "v*"]
require_changed = CHANGELOG.md, docs/**
release = yes
control = ISO27001:8.32
INI
"$pg" check >"$out" 2>&1
check "the policy passes pushgate check" test $? -eq 0

srv=$(new_server app)
w=$(new_clone w "$srv")
commit "$w" first src/app.c
push_as alice "$out" -C "$w" push -q origin HEAD:main
check "main is pushed" test $? -eq 0

# ---- the first tag of the section: the paths must be in its tree ----
git -C "$w" tag v0.1
push_as alice "$out" -C "$w" push origin v0.1
check "a first tag without CHANGELOG.md and docs is refused" test $? -ne 0
expect_contains "naming the file" "$out" \
	"REJECTED refs/tags/v0.1: CHANGELOG.md is missing from the first tag of this section"
expect_contains "and the glob" "$out" "REJECTED refs/tags/v0.1: docs/** is missing from the first tag"
expect_contains "with the rule's line" "$out" \
	"require_changed = CHANGELOG.md, docs/** ($PUSHGATE_CONFIG:8); update it, commit, and tag that commit"
git -C "$w" tag -d v0.1 >/dev/null

commit "$w" notes CHANGELOG.md
commit "$w" guide docs/guide/install.md
git -C "$w" tag -a -m "1.0" v1.0
push_as alice "$out" -C "$w" push -q origin HEAD:main v1.0
check "the first tag with both is accepted (annotated)" test $? -eq 0

# ---- the next tag: each must have changed since the previous one ----
commit "$w" feature src/app.c
git -C "$w" tag v1.1
push_as alice "$out" -C "$w" push origin HEAD:main v1.1
check "a tag without a CHANGELOG change is refused" test $? -ne 0
expect_contains "naming the previous tag" "$out" \
	"REJECTED refs/tags/v1.1: CHANGELOG.md did not change since v1.0, the previous tag"
expect_contains "with its commit" "$out" \
	"the previous tag of this section is v1.0 at $(git -C "$w" rev-parse --short=7 v1.0^{commit})"
expect_contains "docs too" "$out" "REJECTED refs/tags/v1.1: docs/** did not change since v1.0"
git -C "$w" tag -d v1.1 >/dev/null

commit "$w" "notes 1.1" CHANGELOG.md
git -C "$w" tag v1.1
push_as alice "$out" -C "$w" push origin HEAD:main v1.1
check "CHANGELOG alone is not enough" test $? -ne 0
expect_not_contains "CHANGELOG.md is fine now" "$out" "CHANGELOG.md did not change"
expect_contains "docs/** still is not" "$out" "docs/** did not change since v1.0"
git -C "$w" tag -d v1.1 >/dev/null
commit "$w" "more docs" docs/guide/upgrade.md
git -C "$w" tag v1.1
push_as alice "$out" -C "$w" push -q origin HEAD:main v1.1
check "with both changed the tag is accepted" test $? -eq 0
check "and logged as a release" grep -q '"ref":"refs/tags/v1.1"' "$T/log/release.log"

# ---- the previous tag is the nearest by ancestry, never by date ----
# v1.2's commit is dated 2001: a walk by date would take v1.0 or v1.1 as
# the previous tag, and CHANGELOG did change since those.
commit "$w" "unchanged" src/app.c
GIT_COMMITTER_DATE="2001-01-01T00:00:00Z" GIT_AUTHOR_DATE="2001-01-01T00:00:00Z" \
	git -C "$w" commit -q --amend --no-edit
git -C "$w" tag v1.2
push_as alice "$out" -C "$w" push origin HEAD:main v1.2
check "an old date does not move the previous tag" test $? -ne 0
expect_contains "it is still v1.1" "$out" "CHANGELOG.md did not change since v1.1, the previous tag"
git -C "$w" tag -d v1.2 >/dev/null

# Deleting the notes is not writing them.
git -C "$w" rm -q CHANGELOG.md docs/guide/upgrade.md
git -C "$w" commit -q -m "drop notes"
git -C "$w" tag v1.2
push_as alice "$out" -C "$w" push origin HEAD:main v1.2
check "a tag that deletes CHANGELOG.md is refused" test $? -ne 0
expect_contains "as unchanged" "$out" "CHANGELOG.md did not change since v1.1"
git -C "$w" tag -d v1.2 >/dev/null
git -C "$w" reset -q --hard HEAD~2

# ---- two tags in one push: the earlier one is the later one's previous ----
commit "$w" "notes 1.3" CHANGELOG.md
commit "$w" "docs 1.3" docs/a.md
git -C "$w" tag v1.3
commit "$w" "after 1.3" src/app.c
git -C "$w" tag v1.4
push_as alice "$out" -C "$w" push origin HEAD:main v1.3 v1.4
check "v1.4 pushed with v1.3 is judged against v1.3" test $? -ne 0
expect_contains "v1.4 names v1.3" "$out" "REJECTED refs/tags/v1.4: CHANGELOG.md did not change since v1.3"
expect_not_contains "v1.3 itself is fine" "$out" "REJECTED refs/tags/v1.3: CHANGELOG"
git -C "$w" tag -d v1.4 >/dev/null
push_as alice "$out" -C "$w" push -q origin HEAD:main v1.3
check "v1.3 alone is accepted" test $? -eq 0

# ---- a tag that names no commit, and tags of other sections ----
git -C "$w" tag v9 "HEAD^{tree}"
push_as alice "$out" -C "$w" push origin v9
check "a tag of a tree is refused" test $? -ne 0
expect_contains "it names no commit" "$out" "REJECTED refs/tags/v9: the tag does not name a commit"
git -C "$w" tag nightly-1
push_as alice "$out" -C "$w" push -q origin nightly-1
check "a tag no require_changed section matches is not checked" test $? -eq 0

# ---- explain shows the rule and its decision ----
"$pg" explain --git-dir "$srv" --user alice refs/tags/v2.0 0 main >"$out" 2>&1
check "explain: a tag with nothing new since v1.3 is refused" test $? -eq 1
expect_contains "explain names the rule's decision" "$out" \
	"require_changed: since v1.3: not every path changed"
"$pg" explain --git-dir "$srv" --user alice refs/tags/v2.0 0 v1.3~1 >"$out" 2>&1
check "explain: v1.3~1 lies before v1.3, so its previous tag is v1.1" test $? -eq 1
expect_contains "docs did not change since v1.1" "$out" "docs/** did not change since v1.1"
expect_not_contains "CHANGELOG did" "$out" "CHANGELOG.md did not change"

done_testing
