#!/usr/bin/env bash
# Whatever goes wrong, protected refs are refused and the message says why.
. "$(dirname "$0")/lib.sh"

srv=$(new_server app)
export PUSHGATE_CONFIG=$T/pushgate.ini
good() {
	write_config "$PUSHGATE_CONFIG" <<'INI'
[core]
identity = env:PUSHGATE_USER

[branch "main"]
push = alice
INI
}
good
w=$(new_clone w "$srv")
commit "$w" first
push_as alice "$T/out" -C "$w" push origin HEAD:main
check "setup: alice creates main" test $? -eq 0
commit "$w" second
out=$T/out

# A typo in the configuration: nothing is accepted, and the pusher sees where.
write_config "$PUSHGATE_CONFIG" <<'INI'
[core]
identity = env:PUSHGATE_USER

[branch "main"]
pussh = alice
INI
push_as alice "$out" -C "$w" push origin HEAD:main
check "a broken configuration refuses even an allowed push" test $? -ne 0
expect_contains "the reason" "$out" "REJECTED refs/heads/main: the pushgate configuration is invalid; failing closed"
expect_contains "the typo at FILE:LINE, in a short wording" "$out" "$PUSHGATE_CONFIG:5: unknown key"
expect_not_contains "quoting nothing of the policy" "$out" "pussh"
expect_contains "how to see all problems" "$out" "pushgate check -c $PUSHGATE_CONFIG"
push_as alice "$out" -C "$w" push origin HEAD:topic
check "and refuses an unprotected branch too" test $? -ne 0

# A review rule that could count nobody's approval is refused, not ignored.
write_config "$PUSHGATE_CONFIG" <<'INI'
[branch "main"]
approvals = 2
INI
push_as alice "$out" -C "$w" push origin HEAD:main
check "approvals without signers fail closed" test $? -ne 0
expect_contains "and says so" "$out" "$PUSHGATE_CONFIG:2: approvals needs [core] signers"
"$PUSHGATE_BUILD/pushgate" check -c "$PUSHGATE_CONFIG" >"$out" 2>&1
expect_contains "pushgate check gives the admin the full message" "$out" \
	"$PUSHGATE_CONFIG:2: approvals needs [core] signers, the allowed_signers file"

# A section name without quotes: one problem at its line; the pusher sees
# neither that line nor any after it, the admin sees the fix.
write_config "$PUSHGATE_CONFIG" <<'INI'
[core]
identity = env:PUSHGATE_USER

[branch main]
push = alice
token = hunter2

[group "admins"]
members = root
INI
push_as alice "$out" -C "$w" push origin HEAD:main
check "an unquoted section name fails closed" test $? -ne 0
expect_contains "the pusher sees FILE:LINE and a short wording" "$out" \
	"remote: pushgate:   $PUSHGATE_CONFIG:4: section name must be quoted"
expect_not_contains "not the rest of the policy" "$out" "hunter2"
expect_not_contains "nor the header itself" "$out" "[branch main]"
expect_not_contains "nor what follows it" "$out" "admins"
check "and no line is long" test "$(awk '{ if (length($0) > m) m = length($0) } END { print m }' "$out")" -lt 300
"$PUSHGATE_BUILD/pushgate" check -c "$PUSHGATE_CONFIG" >"$out" 2>&1
check "pushgate check refuses it" test $? -eq 1
expect_contains "with the fix" "$out" "$PUSHGATE_CONFIG:4: section name must be quoted: [branch \"main\"]"
check "as the only problem" grep -q ': invalid: 1 problem$' "$out"
printf '[core]\nidentity = env:PUSHGATE_USER\n[branch "main"\npush = alice\ntoken = hunter2\n' \
	>"$PUSHGATE_CONFIG"
push_as alice "$out" -C "$w" push origin HEAD:main
check "an unterminated section header fails closed" test $? -ne 0
expect_contains "at its line" "$out" "$PUSHGATE_CONFIG:3: section header without a closing ']'"
expect_not_contains "and nothing after it is shown" "$out" "hunter2"

# A member list that reads as a boolean would name a user called "yes".
write_config "$PUSHGATE_CONFIG" <<'INI'
[core]
identity = env:PUSHGATE_USER

[branch "main"]
push = alice
force_push = yes
delete = no
INI
push_as alice "$out" -C "$w" push origin HEAD:main
check "force_push = yes fails closed" test $? -ne 0
expect_contains "at FILE:LINE" "$out" "$PUSHGATE_CONFIG:6: a member list takes '*', 'none', users or @groups, not yes/no"
"$PUSHGATE_BUILD/pushgate" check -c "$PUSHGATE_CONFIG" >"$out" 2>&1
check "pushgate check refuses force_push = yes" test $? -eq 1
expect_contains "naming the spelling for everyone" "$out" \
	"$PUSHGATE_CONFIG:6: 'yes' in a member list would be a user named 'yes': write '*' for everyone identified"
expect_contains "and for nobody" "$out" \
	"$PUSHGATE_CONFIG:7: 'no' in a member list would be a user named 'no': write 'none' for nobody"

# A configuration others may write is refused.
good
chmod 0666 "$PUSHGATE_CONFIG"
push_as alice "$out" -C "$w" push origin HEAD:main
check "a world-writable configuration fails closed" test $? -ne 0
expect_contains "and the message says why" "$out" "writable by others than its owner (mode 0666)"
chmod 0644 "$PUSHGATE_CONFIG"

# atomic = no does not let a broken configuration through pre-receive.
write_config "$PUSHGATE_CONFIG" <<'INI'
[core]
atomic = no
bogus = 1
INI
push_as alice "$out" -C "$w" push origin HEAD:main
check "atomic = no with a broken configuration still fails closed" test $? -ne 0
expect_contains "refused by pre-receive" "$out" "pre-receive hook declined"

# No configuration anywhere.
if [ ! -e /etc/pushgate/pushgate.ini ]; then
	PUSHGATE_CONFIG= push_as alice "$out" -C "$w" push origin HEAD:main
	check "no configuration found: refused" test $? -ne 0
	expect_contains "and where it looked" "$out" \
		"tried \$PUSHGATE_CONFIG, git config pushgate.config and /etc/pushgate/pushgate.ini"
	good
	git -C "$srv" config pushgate.config "$PUSHGATE_CONFIG"
	PUSHGATE_CONFIG= push_as bob "$out" -C "$w" push origin HEAD:main
	check "git config pushgate.config is found" test $? -ne 0
	expect_contains "and its rule applies" "$out" "bob may not push to this branch"
	git -C "$srv" config --unset pushgate.config
else
	ok "# SKIP /etc/pushgate/pushgate.ini exists on this machine"
fi

# Identity: none found, or a value that is not a name.
write_config "$PUSHGATE_CONFIG" <<'INI'
[core]
identity = env:NO_SUCH_VARIABLE, gitlab

[branch "main"]
INI
push_as alice "$out" -C "$w" push origin HEAD:main
check "no identity: a protected branch is refused" test $? -ne 0
expect_contains "the reason" "$out" "REJECTED refs/heads/main: the pusher is not identified"
expect_contains "the sources tried" "$out" "tried env:NO_SUCH_VARIABLE, gitlab"
push_as alice "$out" -C "$w" push origin HEAD:topic2
check "no identity: an unprotected branch is accepted" test $? -eq 0

good
PUSHGATE_USER=$'alice\e[31m' git -C "$w" push origin HEAD:main >"$out" 2>&1
check "an identity holding an escape is refused" test $? -ne 0
expect_contains "as not a valid name" "$out" "the pusher is not identified"
expect_not_contains "and the escape is not echoed" "$out" $'\e[31m'
PUSHGATE_USER="alice,bob" git -C "$w" push origin HEAD:main >"$out" 2>&1
check "an identity holding a comma is refused" test $? -ne 0

# The hooks run by hand with bad input.
good
printf 'garbage\n' | (cd "$srv" && GIT_DIR=. PUSHGATE_USER=alice \
	"$PUSHGATE_BUILD/hooks/pre-receive") >"$out" 2>&1
check "malformed pre-receive input is refused" test $? -ne 0
expect_contains "with the line" "$out" "input line 1: expected 'OLD NEW REF'"

missing=1111111111111111111111111111111111111111
cur=$(git -C "$srv" rev-parse main)
echo "$cur $missing refs/heads/main" | (cd "$srv" && GIT_DIR=. PUSHGATE_USER=alice \
	"$PUSHGATE_BUILD/hooks/pre-receive") >"$out" 2>&1
check "a missing object on a protected ref fails closed" test $? -ne 0
expect_contains "as an internal error" "$out" "REJECTED refs/heads/main: internal error; failing closed"
expect_contains "naming the object" "$out" "cannot read object 111111111111"
echo "$cur $missing refs/heads/other" | (cd "$srv" && GIT_DIR=. PUSHGATE_USER=alice \
	"$PUSHGATE_BUILD/hooks/pre-receive") >"$out" 2>&1
# Every ref's new commits are read (paths that are .git on macOS or
# Windows are refused on any ref), so an unreadable one fails closed there too.
check "on an unprotected ref a missing object fails closed too" test $? -ne 0
expect_contains "as an internal error there too" "$out" "REJECTED refs/heads/other: internal error; failing closed"
sed -i '1a atomic = no' "$PUSHGATE_CONFIG"
(cd "$srv" && GIT_DIR=. PUSHGATE_USER=alice "$PUSHGATE_BUILD/hooks/update" \
	refs/heads/main "$cur" "$missing") >"$out" 2>&1
check "atomic = no: the update hook fails closed on a missing object" test $? -ne 0
expect_contains "the same way" "$out" "REJECTED refs/heads/main: internal error; failing closed"
(cd "$srv" && GIT_DIR=. "$PUSHGATE_BUILD/hooks/update" refs/heads/main "$cur") >"$out" 2>&1
check "the update hook with two arguments refuses" test $? -ne 0

# Control characters from the pusher are escaped in what is printed.
"$PUSHGATE_BUILD/pushgate" explain --git-dir "$srv" --user bob \
	$'refs/heads/main\e]0;owned\a' main main >"$out" 2>&1
expect_not_contains "no raw escape reaches the screen" "$out" $'\e'
expect_contains "it is shown escaped" "$out" 'refs/heads/main\x1b]0;owned\x07'

# Characters that reorder or hide text (U+202E RIGHT-TO-LEFT OVERRIDE) are
# shown as \u202e to pushers and in pushgate log show, never raw.
rlo=$'\xe2\x80\xae'
release_log_keys
release_log_config "$PUSHGATE_CONFIG" <<'INI'

[branch "main"]
push = alice

[branch "rtl/*"]
push = alice
subject = ^CHG-[0-9]+:
release = yes
INI
# On main's tip: rtl/* checks what no protected ref has checked yet.
git -C "$w" fetch -q origin && git -C "$w" checkout -q -B rtl origin/main
commit "$w" "fix ${rlo}txt.exe"
push_as alice "$out" -C "$w" push -o "note=a${rlo}b" origin HEAD:rtl/one
check "a subject holding U+202E is refused by the subject rule" test $? -ne 0
expect_contains "the pusher sees it escaped" "$out" 'fix \u202etxt.exe'
expect_not_contains "and never raw" "$out" "$rlo"
git -C "$w" commit -q --amend -m "CHG-7: fixed"
push_as alice "$out" -C "$w" push -o "note=a${rlo}b" origin HEAD:rtl/one
check "the same push with a good subject is accepted" test $? -eq 0
log=$T/log/release.log
expect_not_contains "the log holds no raw U+202E" "$log" "$rlo"
expect_contains "but its JSON escape" "$log" '"push_options":["note=a\u202eb"]'
for fmt in table csv json; do
	"$PUSHGATE_BUILD/pushgate" log show --log "$log" --format "$fmt" >"$out" 2>&1
	check "log show --format $fmt" test $? -eq 0
	expect_not_contains "log show --format $fmt shows no raw U+202E" "$out" "$rlo"
done
expect_contains "the JSON keeps the escape" "$out" '"note=a\u202eb"'
"$PUSHGATE_BUILD/pushgate" log verify --log "$log" --signers "$T/log_signers" >"$out" 2>&1
check "and the log verifies" test $? -eq 0
# A line an older version wrote with the character raw is shown escaped.
printf '{"seq":1,"time":"2026-01-01T00:00:00Z","event":"update","repo":"app","ref":"refs/heads/x","old":"%s","new":"%s","pusher":"alice","via":"unix","rule":null,"reason":null,"push_options":["o=%sx"],"prev":"%s","sig":"AAAA"}\n' \
	"$(printf '0%.0s' $(seq 40))" "$(printf '1%.0s' $(seq 40))" "$rlo" "$(printf '0%.0s' $(seq 64))" >"$T/old.log"
for fmt in table csv json; do
	"$PUSHGATE_BUILD/pushgate" log show --log "$T/old.log" --format "$fmt" >"$out" 2>&1
	expect_not_contains "an old raw U+202E: log show --format $fmt escapes it" "$out" "$rlo"
done
expect_contains "as JSON does" "$out" '"o=\u202ex"'

# A huge push: 3000 refs at once.
for i in $(seq 1 3000); do echo "create refs/heads/many/$i HEAD"; done |
	git -C "$w" update-ref --stdin
push_as bob "$out" -C "$w" push origin 'refs/heads/many/*:refs/heads/many/*'
check "3000 unprotected refs in one push are accepted" test $? -eq 0
check "and all exist" test "$(git -C "$srv" for-each-ref refs/heads/many | wc -l)" -eq 3000
write_config "$PUSHGATE_CONFIG" <<'INI'
[core]
identity = env:PUSHGATE_USER
[branch "many/**"]
delete = alice
INI
push_as bob "$out" -C "$w" push origin --delete $(seq -f 'many/%g' 1 3000)
check "3000 protected deletes are refused" test $? -ne 0
check "each one is reported" test "$(grep -c 'REJECTED refs/heads/many/' "$out")" -eq 3000
check "none was deleted" test "$(git -C "$srv" for-each-ref refs/heads/many | wc -l)" -eq 3000

done_testing
