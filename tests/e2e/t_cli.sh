#!/usr/bin/env bash
# The admin command: check, explain, version; their output and exit codes.
. "$(dirname "$0")/lib.sh"

pg=$PUSHGATE_BUILD/pushgate
out=$T/out
cfg=$T/pushgate.ini
write_config "$cfg" <<'INI'
[core]
identity = env:PUSHGATE_USER

[group "maintainers"]
members = alice

[branch "main"]
push = @maintainers
control = ISO27001:8.32
INI

"$pg" check -c "$cfg" >"$out" 2>&1
check "check: a valid file exits 0" test $? -eq 0
expect_contains "check: and says so" "$out" "$cfg: valid: 1 rule, 1 group"

write_config "$T/broken.ini" <<'INI'
[core]
identity = env:PUSHGATE_USER, carrier-pigeon
atomic = maybe

[branch "main"]
push = @maintainres
pussh = alice
[tag v*]
INI
"$pg" check -c "$T/broken.ini" >"$out" 2>&1
check "check: a broken file exits 1" test $? -eq 1
expect_contains "check: unknown identity source at its line" "$out" "$T/broken.ini:2: "
expect_contains "check: bad boolean at its line" "$out" "$T/broken.ini:3: atomic must be yes or no, not 'maybe'"
expect_contains "check: undefined group at its line" "$out" "$T/broken.ini:6: undefined group @maintainres"
expect_contains "check: unknown key at its line" "$out" "$T/broken.ini:7: unknown key 'pussh' in [branch \"main\"]"
expect_contains "check: unquoted section argument at its line" "$out" "$T/broken.ini:8: "
expect_contains "check: a count at the end" "$out" "$T/broken.ini: invalid: 5 problems"

# check --format json: the same problems as objects, for scripts and editors.
"$pg" check -c "$T/broken.ini" --format json >"$T/c.json" 2>&1
check "check --format json: a broken file exits 1" test $? -eq 1
python3 - "$T/c.json" "$T/broken.ini" >"$out" 2>&1 <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
def eq(name, got, want):
    print(("ok - " if got == want else "not ok - ") + name + ("" if got == want else f": {got!r} != {want!r}"))
eq("check json: not valid", r["valid"], False)
eq("check json: five problems", len(r["problems"]), 5)
p = {x["line"]: x for x in r["problems"]}
eq("check json: the file of each", {x["file"] for x in r["problems"]}, {sys.argv[2]})
eq("check json: the line and message", p[3]["message"], "atomic must be yes or no, not 'maybe'")
eq("check json: kinds", {x["kind"] for x in r["problems"]}, {"problem"})
PY
cat "$out"
_pass=$((_pass + $(grep -c '^ok - ' "$out"))) _fail=$((_fail + $(grep -c '^not ok - ' "$out")))
"$pg" check -c "$cfg" --format json >"$T/c.json" 2>&1
check "check --format json: a valid file exits 0" test $? -eq 0
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit(0 if r["valid"] and r["rules"] == 1 and r["problems"] == [] and any("valid: 1 rule" in n["message"] for n in r["notes"]) else 1)' "$T/c.json"
check "check json: valid, one rule, the summary as a note" test $? -eq 0
"$pg" check -c "$cfg" --format yaml >"$out" 2>&1
check "check --format yaml is a usage error" test $? -eq 2

"$pg" check -c "$T/missing.ini" >"$out" 2>&1
check "check: a missing file exits 1" test $? -eq 1
expect_contains "check: and names it" "$out" "$T/missing.ini: cannot open: No such file or directory"

chmod 0664 "$cfg"
"$pg" check -c "$cfg" >"$out" 2>&1
check "check: a group-writable file exits 1" test $? -eq 1
expect_contains "check: FILE: message where no line applies" "$out" \
	"$cfg: writable by others than its owner (mode 0664); refusing it: chmod go-w $cfg"
chmod 0644 "$cfg"

PUSHGATE_CONFIG=$cfg "$pg" check >"$out" 2>&1
check "check: finds \$PUSHGATE_CONFIG" test $? -eq 0

srv=$(new_server app)
w=$(new_clone w "$srv")
commit "$w" one
commit "$w" two
PUSHGATE_CONFIG=$cfg PUSHGATE_USER=alice git -C "$w" push -q origin HEAD:main 2>/dev/null

"$pg" explain -c "$cfg" --git-dir "$srv" --user alice refs/heads/main main~1 main >"$out" 2>&1
check "explain: an allowed update exits 0" test $? -eq 0
expect_contains "explain: the decision" "$out" "decision:   ACCEPT"
expect_contains "explain: the rule that applied, with FILE:LINE" "$out" \
	"rule:       [branch \"main\"] at $cfg:7: push = @maintainers ($cfg:8): allowed"
expect_contains "explain: the kind of change" "$out" "fast-forward"

"$pg" explain -c "$cfg" --git-dir "$srv" --user bob refs/heads/main main~1 main >"$out" 2>&1
check "explain: a refused update exits 1" test $? -eq 1
expect_contains "explain: shows what the pusher would see" "$out" \
	"pushgate: REJECTED refs/heads/main: bob may not push to this branch"

"$pg" explain -c "$cfg" --git-dir "$srv" --user bob --format json main main~1 main >"$T/e.json" 2>&1
check "explain --format json: a refused update exits 1" test $? -eq 1
python3 - "$T/e.json" "$cfg" >"$out" 2>&1 <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
def eq(name, got, want):
    print(("ok - " if got == want else "not ok - ") + name + ("" if got == want else f": {got!r} != {want!r}"))
eq("explain json: the decision", r["decision"], "reject")
eq("explain json: the pusher", r["pusher"], "bob")
eq("explain json: the full ref", r["ref"], "refs/heads/main")
eq("explain json: how it took the name", r["note"], "main taken as refs/heads/main")
eq("explain json: the change", r["change"], "fast-forward")
eq("explain json: the rule, file and line", (r["rules"][0]["rule"], r["rules"][0]["file"], r["rules"][0]["line"], r["rules"][0]["ok"]), ('[branch "main"]', sys.argv[2], 7, False))
eq("explain json: the finding", r["findings"][0]["reason"], "bob may not push to this branch")
eq("explain json: what the pusher sees", "REJECTED refs/heads/main" in r["message"], True)
eq("explain json: a time in UTC", r["time"].endswith("Z"), True)
PY
cat "$out"
_pass=$((_pass + $(grep -c '^ok - ' "$out"))) _fail=$((_fail + $(grep -c '^not ok - ' "$out")))

"$pg" explain -c "$cfg" --git-dir "$srv" --user alice refs/heads/main main main~1 >"$out" 2>&1
check "explain: a rewind is a force-push, refused" test $? -eq 1
expect_contains "explain: classified as such" "$out" "non-fast-forward (force-push)"

"$pg" explain -c "$cfg" --git-dir "$srv" --user alice refs/heads/main main 0 >"$out" 2>&1
check "explain: a delete is refused" test $? -eq 1

"$pg" explain -c "$cfg" --git-dir "$srv" --user alice refs/heads/topic 0 main >"$out" 2>&1
check "explain: an unprotected ref is accepted" test $? -eq 0
expect_contains "explain: and says no rule matches" "$out" "none match; the ref is not protected"

# Short names as git takes them: main is refs/heads/main, not an unprotected "main".
"$pg" explain -c "$cfg" --git-dir "$srv" --user bob main main~1 main >"$out" 2>&1
check "explain: a short branch name gets the same refusal" test $? -eq 1
expect_contains "explain: saying how it took the name" "$out" "note:       main taken as refs/heads/main"
expect_not_contains "explain: not as an unprotected ref" "$out" "not protected"
git -C "$srv" tag only-a-tag main~1
"$pg" explain -c "$cfg" --git-dir "$srv" --user alice only-a-tag only-a-tag main >"$out" 2>&1
expect_contains "explain: a name only a tag has is the tag" "$out" "only-a-tag taken as refs/tags/only-a-tag"
git -C "$srv" tag -d only-a-tag >/dev/null
"$pg" explain -c "$cfg" --git-dir "$srv" --user alice HEAD main~1 main >"$out" 2>&1
check "explain: HEAD is refused (exit 2)" test $? -eq 2
expect_contains "explain: saying to name a branch or tag" "$out" "name a branch or tag, not HEAD"
"$pg" explain -c "$cfg" --git-dir "$srv" --user alice 'bad..name' main~1 main >"$out" 2>&1
check "explain: a name git refuses exits 2" test $? -eq 2
expect_contains "explain: saying so" "$out" "not a valid ref name"

"$pg" explain -c "$T/broken.ini" --git-dir "$srv" --user alice refs/heads/main main~1 main >"$out" 2>&1
check "explain: an invalid configuration exits 2" test $? -eq 2

"$pg" explain -c "$cfg" --git-dir "$srv" refs/heads/main >"$out" 2>&1
check "explain: missing arguments exit 2" test $? -eq 2
"$pg" explain -c "$cfg" --git-dir "$T/nowhere" --user a refs/heads/main 0 1 >"$out" 2>&1
check "explain: a missing repository exits 2" test $? -eq 2
"$pg" explain -c "$cfg" --git-dir "$srv" --user a refs/heads/main 0 no-such-rev >"$out" 2>&1
check "explain: an unknown revision exits 2" test $? -eq 2

# A policy whose pusher can only be the unix account: valid, with a warning
# that says which source to name instead.
mkdir -p "$T/root"
printf '[core]\nrepos_root = %s\n[branch "main"]\n' "$T/root" >"$T/noid.ini"
chmod 0644 "$T/noid.ini"
"$pg" check -c "$T/noid.ini" >"$out" 2>&1
check "check: no identity is still valid" test $? -eq 0
expect_contains "check: but warns that the pusher is the unix account" "$out" \
	"warning: no [core] identity is given, so on a plain SSH server the pusher is the account the hooks run as"
expect_contains "check: naming who owns the repositories" "$out" "(repos_root is owned by $(id -un))"
expect_contains "check: and which source to use" "$out" "identity = gitea (Gitea), gitolite, gitlab, http"
printf '[core]\nidentity = unix\n' >"$T/unix.ini"
chmod 0644 "$T/unix.ini"
"$pg" check -c "$T/unix.ini" >"$out" 2>&1
expect_contains "check: identity = unix alone warns too" "$out" "warning: identity = unix names the pusher"
printf '[core]\nidentity = gitea, unix\n' >"$T/gitea.ini"
chmod 0644 "$T/gitea.ini"
"$pg" check -c "$T/gitea.ini" >"$out" 2>&1
expect_not_contains "check: gitea before unix does not warn" "$out" "warning:"

# check --as USER: the files tried as the account the hooks run as.
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
	as=$T/as
	mkdir -p "$as/log"
	chmod 0755 "$T" "$as"
	chmod 0700 "$as/log"
	ssh-keygen -q -t ed25519 -N '' -C pushgate -f "$as/key"
	echo "pushgate $(cut -d' ' -f1,2 "$as/key.pub")" >"$as/log_signers"
	printf '[core]\nidentity = env:PUSHGATE_USER\nrelease_log = log/release.log\nsigning_key = key\nlog_signers = log_signers\n' >"$as/p.ini"
	chmod 0644 "$as/p.ini" "$as/log_signers"
	"$pg" check -c "$as/p.ini" >"$out" 2>&1
	check "check as root alone is valid" test $? -eq 0
	expect_contains "but says it checked as root" "$out" "note: checked as root; run pushgate check --as USER"
	"$pg" check -c "$as/p.ini" --as nobody >"$out" 2>&1
	check "check --as nobody: an unreadable key and log directory are invalid" test $? -eq 1
	expect_contains "naming the key" "$out" "$as/key: signing_key is not readable by nobody"
	expect_contains "naming the log" "$out" "release_log cannot be appended to by nobody"
	expect_contains "saying the hooks would fail" "$out" "invalid as nobody"
	chown nobody "$as/key" "$as/log"
	"$pg" check -c "$as/p.ini" --as nobody >"$out" 2>&1
	check "check --as nobody: once nobody owns them, valid" test $? -eq 0
	expect_contains "saying so" "$out" "every file the hooks need is usable by nobody"
	"$pg" check -c "$as/p.ini" --as no-such-user-here >"$out" 2>&1
	check "check --as an unknown user fails" test $? -ne 0
else
	ok "# SKIP check --as needs root and a nobody account"
fi

"$pg" version >"$out" 2>&1
check "version exits 0" test $? -eq 0
expect_contains "version names pushgate and libgit2" "$out" "pushgate 0.1.0 (libgit2 1."
"$pg" frobnicate >"$out" 2>&1
check "an unknown command exits 2" test $? -eq 2
"$pg" >"$out" 2>&1
check "no command exits 2" test $? -eq 2

# pushgate help CMD: the same usage as CMD --help, for every command.
for c in check explain "log verify" "log show" scan approve report version; do
	# shellcheck disable=SC2086 # "log verify" is two words
	"$PUSHGATE_BUILD/pushgate" help $c >"$T/h1" 2>&1
	check "help $c exits 0" test $? -eq 0
	# shellcheck disable=SC2086
	"$PUSHGATE_BUILD/pushgate" $c --help >"$T/h2" 2>&1
	check "help $c is $c --help" cmp -s "$T/h1" "$T/h2"
	expect_contains "and names it" "$T/h1" "usage: pushgate $c"
done
"$PUSHGATE_BUILD/pushgate" help nosuch >"$T/h1" 2>&1
check "help of an unknown command exits 2" test $? -eq 2
"$PUSHGATE_BUILD/pushgate" help >"$T/h1" 2>&1
expect_contains "help points at the manual" "$T/h1" "man pushgate"

done_testing
