#!/usr/bin/env bash
# Content rules with real pushes: [secrets] over every new commit, its
# allowlist, bypass and warn mode; [path] max_size and name; pushgate scan.
. "$(dirname "$0")/lib.sh"

release_log_keys
srv=$(new_server app)
export PUSHGATE_CONFIG=$T/pushgate.ini
: >"$T/secrets.allow"
chmod 0644 "$T/secrets.allow"
release_log_config "$PUSHGATE_CONFIG" <<'INI'

[group "security"]
members = carol

[secrets]
rules   = builtin
allow   = secrets.allow
paths   = !**/testdata/**
bypass  = @security
control = ISO27001:8.33
help    = Secrets live in the vault, see https://wiki/secrets

[path "**"]
max_size = 10M
name     = ^[^ ]+$
INI
out=$T/out
log=$T/log/release.log
# Built from parts: this script holds no whole credential.
key="AK""IAZ7QF3KXM2PLN4W5R"
key2="AK""IAQ4XW2MN7LP3K5ZTR"

w=$(new_clone w "$srv")
commit "$w" "start" README
push_as alice "$out" -C "$w" push origin HEAD:main
check "a clean push is accepted" test $? -eq 0

# Added in one commit, deleted in the next: it was still pushed.
printf 'region = eu-north-1\naws_access_key_id = %s\n' "$key" >"$w/aws.env"
git -C "$w" add aws.env && git -C "$w" commit -q -m "add config"
added=$(git -C "$w" rev-parse --short=7 HEAD)
blob=$(git -C "$w" rev-parse HEAD:aws.env)
git -C "$w" rm -q aws.env && git -C "$w" commit -q -m "oops, remove it"
push_as alice "$out" -C "$w" push origin HEAD:main
check "a secret added and removed in the same push is refused" test $? -ne 0
expect_contains "the reason" "$out" "REJECTED refs/heads/main: 1 secret in new content"
expect_contains "the rule and its control" "$out" "rule [secrets] at $PUSHGATE_CONFIG:10 (ISO27001:8.33)"
expect_contains "commit, path, line, rule, masked match and fingerprint" "$out" \
	"$added aws.env:2: aws-access-key-id AKIA**************** (fingerprint $blob:aws-access-key-id:2)"
expect_not_contains "the secret itself is never shown" "$out" "$key"
expect_contains "the way forward" "$out" "revoke it, then remove it from every new commit"
expect_contains "who may bypass" "$out" "bypass = @security ($PUSHGATE_CONFIG:14) may push it anyway"
expect_contains "the help" "$out" "Secrets live in the vault"
grep '"event":"rejected"' "$log" | tail -1 >"$T/entry"
expect_not_contains "the rejection's log entry holds no secret" "$T/entry" "$key"

# The compiled rules are cached beside the policy; a damaged cache is not trusted.
cache=$(ls "$T"/pushgate-secrets.*.hsdb 2>/dev/null)
check "the push cached the compiled rules beside the policy" test -n "$cache"
head -c 100 "$cache" >"$T/c" && printf 'garbage' >>"$T/c" && mv "$T/c" "$cache"
push_as alice "$out" -C "$w" push origin HEAD:main
check "with a damaged cache the secret is still found" test $? -ne 0
expect_contains "the same finding" "$out" "aws.env:2: aws-access-key-id"
chmod 0666 "$cache"
push_as alice "$out" -C "$w" push origin HEAD:main
check "a cache others may write: the secret is still found" test $? -ne 0
check "and the cache was replaced, not used" test "$(stat -c %a "$cache")" = 644

push_as bob "$out" -C "$w" push -o "secret-ok=test key" origin HEAD:main
check "a non-member's secret-ok is refused" test $? -ne 0
expect_contains "and told why" "$out" "-o secret-ok was not accepted: the pusher is not in bypass"

push_as carol "$out" -C "$w" push -o "secret-ok=revoked already, INC-42" origin HEAD:main
check "a member's secret-ok is accepted" test $? -eq 0
expect_contains "shown as a warning" "$out" \
	"WARNING refs/heads/main: 1 secret in new content, pushed with -o secret-ok"
expect_contains "the acceptance says it is logged" "$out" "accepted: carol is in bypass = @security"
tail -2 "$log" | grep '"event":"warning"' >"$T/entry"
expect_contains "the bypass is logged with its reason" "$T/entry" \
	"\"reason\":\"secret-ok: revoked already, INC-42; 1 finding: $blob:aws-access-key-id:2\""
expect_contains "by the member" "$T/entry" '"pusher":"carol"'
expect_not_contains "and never the secret" "$log" "$key"
check "the entry verifies with ssh-keygen" ssh_verify_entry "$(cat "$T/entry")"

# The same blob on another branch is not reported again.
git -C "$w" checkout -q -b legacy "$added"
commit "$w" "legacy work" README
push_as alice "$out" -C "$w" push origin legacy
check "a blob an existing ref already reaches is not read again" test $? -eq 0
expect_not_contains "and nothing is reported" "$out" "secret"
git -C "$w" checkout -q main

# An allowed fingerprint lets the same finding through.
git -C "$w" checkout -q -b allowme main
printf 'key = %s\n' "$key2" >"$w/docs.txt"
git -C "$w" add docs.txt && git -C "$w" commit -q -m "document the example key"
blob2=$(git -C "$w" rev-parse HEAD:docs.txt)
push_as alice "$out" -C "$w" push origin allowme
check "a new finding is refused" test $? -ne 0
echo "$blob2:aws-access-key-id:1  # the example key of our docs, not a real one" >>"$T/secrets.allow"
push_as alice "$out" -C "$w" push origin allowme
check "once its fingerprint is allowed, the same push is accepted" test $? -eq 0
git -C "$w" checkout -q main

# A merge's own change.
git -C "$w" checkout -q -b feature main
commit "$w" "feature" feature.txt
git -C "$w" checkout -q main
commit "$w" "main" README
git -C "$w" merge -q --no-commit feature 2>/dev/null
printf 'token = "gh''p_%s"\n' "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5" >"$w/evil.txt"
git -C "$w" add evil.txt && git -C "$w" commit -q -m "Merge branch 'feature'"
merge=$(git -C "$w" rev-parse --short=7 HEAD)
push_as alice "$out" -C "$w" push origin HEAD:main
check "a secret in a merge's own change is refused" test $? -ne 0
expect_contains "charged to the merge" "$out" "$merge evil.txt:1: github-token ghp_****"
git -C "$w" reset -q --hard HEAD~1

# Binary files are skipped by secret rules; skipped paths are not read.
printf 'bin\000ary\n%s\n' "$key2" >"$w/blob.bin"
mkdir -p "$w/src/testdata"
printf '%s\n' "$key" >"$w/src/testdata/fixture.txt"
git -C "$w" add blob.bin src && git -C "$w" commit -q -m "binary and test data"
push_as alice "$out" -C "$w" push origin HEAD:main
check "a binary file and a skipped path are not scanned" test $? -eq 0

# Control characters in a path are escaped.
p=$(printf 'e\033[31mvil.txt')
printf 'aws = %s\n' "AK""IAM2PLN4W5RZ7QF3KX" >"$w/$p"
git -C "$w" add -A && git -C "$w" commit -q -m "escape"
push_as alice "$out" -C "$w" push origin HEAD:main
check "a secret under an odd name is refused" test $? -ne 0
expect_contains "its name escaped" "$out" 'e\x1b[31mvil.txt:1: aws-access-key-id'
check "no raw escape reaches the pusher" bash -c "! grep -q \$'\\033' '$out'"
git -C "$w" reset -q --hard HEAD~1

# max_size and name.
head -c 100M /dev/zero >"$w/huge.iso"
git -C "$w" add huge.iso && git -C "$w" commit -q -m "huge"
huge=$(git -C "$w" rev-parse --short=7 HEAD)
push_as alice "$out" -C "$w" push origin HEAD:main
check "a 100 MB blob over max_size is refused" test $? -ne 0
expect_contains "size and way forward" "$out" "$huge: huge.iso (104857600 bytes)"
expect_contains "the limit" "$out" "max_size = 10485760 bytes ($PUSHGATE_CONFIG:19)"
git -C "$w" reset -q --hard HEAD~1
echo x >"$w/my notes.txt"
git -C "$w" add -A && git -C "$w" commit -q -m "notes"
push_as alice "$out" -C "$w" push origin HEAD:main
check "a bad file name is refused" test $? -ne 0
expect_contains "the name rule" "$out" "1 added path does not match name = ^[^ ]+$"
expect_contains "the path" "$out" ": my notes.txt"
git -C "$w" reset -q --hard HEAD~1

# pushgate scan over the existing history finds the bypassed secret.
"$PUSHGATE_BUILD/pushgate" scan --git-dir "$srv" >"$T/scan" 2>"$T/scan.err"
check "pushgate scan exits 1 with findings" test $? -eq 1
expect_contains "the same finding, as an allowlist line" "$T/scan" \
	"$blob:aws-access-key-id:2  # $added aws.env:2 aws-access-key-id AKIA****************"
expect_contains "the allowed one is counted" "$T/scan.err" "(1 more allowed)"
expect_not_contains "no secret in its output" "$T/scan" "$key"

# Laundering: refs outside [secrets] refs hide nothing.
srv2=$(new_server scoped)
cat >"$T/scoped.ini" <<'INI'
[core]
identity = env:PUSHGATE_USER
[secrets]
refs = refs/heads/main
INI
chmod 0644 "$T/scoped.ini"
w2=$(new_clone w2 "$srv2")
commit "$w2" "start" README
PUSHGATE_CONFIG=$T/scoped.ini push_as alice "$out" -C "$w2" push origin HEAD:main
printf 'aws = %s\n' "$key" >"$w2/k.txt"
git -C "$w2" add k.txt && git -C "$w2" commit -q -m "park it"
PUSHGATE_CONFIG=$T/scoped.ini push_as alice "$out" -C "$w2" push origin HEAD:scratch
check "a ref outside [secrets] refs is not scanned" test $? -eq 0
PUSHGATE_CONFIG=$T/scoped.ini push_as alice "$out" -C "$w2" push origin HEAD:main
check "fast-forwarding main to the parked secret is refused" test $? -ne 0
expect_contains "with the finding" "$out" "k.txt:1: aws-access-key-id"

# Warn mode: reported and logged, accepted.
srv3=$(new_server warned)
release_log_config "$T/warn.ini" <<'INI'
[secrets]
mode = warn
INI
w3=$(new_clone w3 "$srv3")
printf 'aws = %s\n' "$key" >"$w3/k.txt"
git -C "$w3" add k.txt && git -C "$w3" commit -q -m "warned"
PUSHGATE_CONFIG=$T/warn.ini push_as alice "$out" -C "$w3" push origin HEAD:main
check "mode = warn accepts" test $? -eq 0
expect_contains "with a warning" "$out" "WARNING refs/heads/main: 1 secret in new content"
tail -1 "$log" >"$T/entry"
expect_contains "logged as a warning with the fingerprint" "$T/entry" '"event":"warning"'
expect_contains "and the fingerprint" "$T/entry" ":aws-access-key-id:1"

# A rule limited to some paths: the same blob at a path it skips and at
# one it reads is still found (once, at the path it reads).
printf '[rule "env-token"]\nregex = tok_[a-z0-9]{24}\npaths = **/*.env\n' >"$T/env-rules.ini"
chmod 0644 "$T/env-rules.ini"
sed 's/^rules   = builtin$/rules   = builtin, env-rules.ini/' "$PUSHGATE_CONFIG" >"$T/env.ini"
chmod 0644 "$T/env.ini"
w4=$(new_clone w4 "$(new_server envrules)")
printf 'token: tok_%s\n' "k3j5h6g7f8d9s0a1q2w3e4r5" >"$w4/a-notes.txt"
cp "$w4/a-notes.txt" "$w4/z-deploy.env"
git -C "$w4" add a-notes.txt z-deploy.env && git -C "$w4" commit -q -m "one blob, two paths"
PUSHGATE_CONFIG=$T/env.ini push_as alice "$out" -C "$w4" push origin HEAD:main
check "a path-limited rule finds a blob it first met at a path it skips" test $? -ne 0
expect_contains "at the path it reads" "$out" "z-deploy.env:1: env-token tok_"
expect_not_contains "not at the path it skips" "$out" "a-notes.txt:1: env-token"

# A rules file that does not compile: fail closed, at FILE:LINE.
printf '[rule "backref"]\nregex = (ab)\\1\n' >"$T/bad-rules.ini"
chmod 0644 "$T/bad-rules.ini"
cat >"$T/bad.ini" <<'INI'
[core]
identity = env:PUSHGATE_USER
[secrets]
rules = builtin, bad-rules.ini
INI
chmod 0644 "$T/bad.ini"
"$PUSHGATE_BUILD/pushgate" check -c "$T/bad.ini" >"$T/chk" 2>&1
check "pushgate check refuses a rule Hyperscan cannot compile" test $? -eq 1
expect_contains "at its FILE:LINE" "$T/chk" "$T/bad-rules.ini:2: regex of rule \"backref\": Hyperscan cannot compile it"
commit "$w3" "more" README
PUSHGATE_CONFIG=$T/bad.ini push_as alice "$out" -C "$w3" push origin HEAD:main
check "the hooks fail closed on it" test $? -ne 0
expect_contains "saying where" "$out" "bad-rules.ini:2: regex of rule \"backref\""

done_testing
