#!/usr/bin/env bash
# Change windows, freezes and -o break-glass, with real pushes at the real
# time: the policy is written around the clock.  A fixed-offset zone puts
# the wall clock near noon whenever the test runs, so that "10:00-14:00
# today" is open and "14:00-16:00 today" is closed for the whole run.
. "$(dirname "$0")/lib.sh"

pg=$PUSHGATE_BUILD/pushgate
out=$T/out
h=$(date -u +%H)
off=$((12 - 10#$h))
if [ "$off" -gt 0 ]; then zone=Etc/GMT-$off; elif [ "$off" -lt 0 ]; then zone=Etc/GMT+$((-off)); else zone=Etc/GMT; fi
today=$(TZ=$zone date +%a)
date_today=$(TZ=$zone date +%F)
date_yesterday=$(TZ=$zone date -d yesterday +%F)
opens="$(TZ=$zone date +"%a %F") 14:00 $(TZ=$zone date +%Z)"

release_log_keys
export PUSHGATE_CONFIG=$T/pushgate.ini
# policy WINDOW FREEZE [ATOMIC]: main and v* tags under that window and freeze.
policy() {
	release_log_config "$PUSHGATE_CONFIG" <<INI
timezone = $zone
atomic = ${3:-yes}

[group "oncall"]
members = carol

[branch "main"]
push = alice, carol
window = $1
freeze = $2
break_glass = @oncall
control = ISO27001:8.32
help = Changes to main wait for the change window

[branch "release"]
push = alice
window = $1
break_glass = @oncall

[tag "v*"]
freeze = $2
break_glass = @oncall
INI
}

srv=$(new_server app)
w=$(new_clone w "$srv")
commit "$w" first
policy "Mon-Sun 00:00-24:00" "2000-01-01"
push_as alice "$out" -C "$w" push -q origin HEAD:main
check "an always-open window takes the first push" test $? -eq 0

# ---- outside the window ----
policy "$today 14:00-16:00" "2000-01-01"
commit "$w" second
push_as alice "$out" -C "$w" push origin HEAD:main
check "outside the window: refused" test $? -ne 0
expect_contains "the reason" "$out" \
	"remote: pushgate: REJECTED refs/heads/main: pushes are allowed only inside the change windows"
expect_contains "the rule" "$out" "rule [branch \"main\"] at $PUSHGATE_CONFIG:"
expect_contains "the time it is, in the zone" "$out" "($zone); the windows are $today 14:00-16:00"
expect_contains "when the window opens, in the zone" "$out" "the branch opens again $opens"
expect_contains "who may break the glass" "$out" \
	"in an emergency, break_glass = @oncall ($PUSHGATE_CONFIG:"
expect_contains "and the help" "$out" "Changes to main wait for the change window"
check "main did not move" test "$(git -C "$srv" rev-parse main)" = "$(git -C "$w" rev-parse HEAD~1)"

policy "$today 10:00-14:00" "2000-01-01"
push_as alice "$out" -C "$w" push -q origin HEAD:main
check "inside the window: accepted" test $? -eq 0

# ---- a freeze ----
policy "Mon-Sun 00:00-24:00" "$date_today"
commit "$w" third
push_as alice "$out" -C "$w" push origin HEAD:main
check "during a freeze: refused" test $? -ne 0
expect_contains "the freeze is named" "$out" \
	"REJECTED refs/heads/main: the branch is frozen (freeze $date_today)"
expect_contains "and when it ends" "$out" "the freeze lasts through $date_today; the branch opens again"
git -C "$w" tag v1.0 HEAD~1
push_as alice "$out" -C "$w" push origin v1.0
check "a release tag during the freeze: refused" test $? -ne 0
expect_contains "as frozen" "$out" "REJECTED refs/tags/v1.0: the tag is frozen"

policy "Mon-Sun 00:00-24:00" "$date_yesterday"
push_as alice "$out" -C "$w" push -q origin HEAD:main
check "after the freeze: accepted" test $? -eq 0

# ---- break-glass, both atomic modes ----
log=$T/log/release.log
for atomic in yes no; do
	policy "$today 14:00-16:00" "$date_today" $atomic
	commit "$w" "fix $atomic"
	before=$(wc -l <"$log")
	push_as carol "$out" -C "$w" push -o "break-glass=INC-4711 payments down ($atomic)" \
		origin HEAD:main
	check "atomic=$atomic: an on-call member's break-glass is accepted" test $? -eq 0
	expect_contains "atomic=$atomic: the pusher sees a WARNING" "$out" \
		"remote: pushgate: WARNING refs/heads/main: break-glass by carol"
	expect_contains "atomic=$atomic: with the reason" "$out" \
		"pushgate:   reason: INC-4711 payments down ($atomic)"
	expect_contains "atomic=$atomic: and what it bypassed" "$out" \
		"it bypasses: the branch is frozen (freeze $date_today) and outside its change windows at"
	check "atomic=$atomic: main moved" \
		test "$(git -C "$srv" rev-parse main)" = "$(git -C "$w" rev-parse HEAD)"
	check "atomic=$atomic: one entry more" test "$(wc -l <"$log")" -eq $((before + 1))
	entry=$(tail -n 1 "$log")
	case "$entry" in
	*'"event":"update"'*'"ref":"refs/heads/main"'*'"pusher":"carol"'*'"rule":"branch \"main\"","reason":"break-glass: INC-4711 payments down ('$atomic')"'*)
		ok "atomic=$atomic: logged as an update with the reason, though main has no release = yes" ;;
	*) not_ok "atomic=$atomic: logged with the reason"; echo "# $entry" ;;
	esac
	check "atomic=$atomic: the entry verifies with ssh-keygen -Y verify" ssh_verify_entry "$entry"

	# A non-member's break-glass is refused, and says who may.
	commit "$w" "other $atomic"
	push_as alice "$out" -C "$w" push -o "break-glass=I really need to" origin HEAD:main
	check "atomic=$atomic: a non-member's break-glass is refused" test $? -ne 0
	expect_contains "atomic=$atomic: saying so" "$out" "REJECTED refs/heads/main: alice may not use break-glass"
	expect_contains "atomic=$atomic: naming who may" "$out" "break_glass = @oncall ($PUSHGATE_CONFIG:"
	expect_contains "atomic=$atomic: the window still refuses too" "$out" \
		"REJECTED refs/heads/main: the branch is frozen"
	git -C "$w" reset -q --hard HEAD~1
done
"$pg" log verify >"$out" 2>&1
check "the log verifies" test $? -eq 0

policy "$today 14:00-16:00" "$date_today"
commit "$w" fourth
for reason in "" "   "; do
	push_as carol "$out" -C "$w" push -o "break-glass=$reason" origin HEAD:main
	check "a break-glass with reason '$reason' is refused" test $? -ne 0
	expect_contains "it needs a reason ('$reason')" "$out" \
		"REJECTED refs/heads/main: break-glass refused: it needs a reason"
done
push_as carol "$out" -C "$w" push -o "break-glass=$(printf 'x%.0s' $(seq 1 201))" origin HEAD:main
check "a 201-byte reason is refused" test $? -ne 0
expect_contains "as too long" "$out" "its reason is too long (at most 200 bytes)"

esc=$(printf 'INC-9 \033]0;owned\007 red')
push_as carol "$out" -C "$w" push -o "break-glass=$esc" origin HEAD:main
check "a reason with control characters is accepted" test $? -eq 0
expect_contains "and shown escaped" "$out" 'reason: INC-9 \x1b]0;owned\x07 red'
check "no raw escape reaches the pusher" bash -c "! grep -q $'\033' '$out'"
expect_contains "the log holds it JSON-escaped" "$log" '"reason":"break-glass: INC-9 \u001b]0;owned\u0007 red"'
"$pg" log show >"$out" 2>&1
check "log show prints no raw escape" bash -c "! grep -q $'\033' '$out'"

# Break-glass bypasses windows and freezes only: never who may push.
commit "$w" fifth
push_as carol "$out" -C "$w" push -o "break-glass=INC-10" origin HEAD:release
check "break-glass does not make carol a pusher of release" test $? -ne 0
expect_contains "refused by the push list" "$out" "REJECTED refs/heads/release: carol may not create this branch"
check "release was not created" test -z "$(git -C "$srv" for-each-ref refs/heads/release)"

# A break-glass on a ref without time rules is not needed, and changes nothing.
push_as carol "$out" -C "$w" push -q -o "break-glass=INC-11" origin HEAD:refs/heads/topic
check "a break-glass to an unprotected branch is harmless" test $? -eq 0

# explain --diff replays logged pushes at their time with their push options:
# without break_glass on main, carol's break-glass push would be refused.
grep -v '^break_glass' "$PUSHGATE_CONFIG" >"$T/no-glass.ini"
chmod 0644 "$T/no-glass.ini"
"$pg" explain --diff -c "$T/no-glass.ini" --git-dir "$srv" --last 2 >"$out" 2>&1
check "explain --diff: a policy without break_glass decides differently" test $? -eq 1
expect_contains "the logged break-glass push, at its time, would be refused" "$out" \
	"by carol: live: ACCEPT -> new: REJECT"

# ---- the worked policy, as a new admin tries it: check, then explain --at ----
cc=$T/change-control.ini
sed -e "s|/var/lib/pushgate/release.log|$T/log/release.log|" \
	-e "s|/etc/pushgate/release_ed25519|$T/release_key|" \
	-e "s|/etc/pushgate/log_signers|$T/log_signers|" "$TOP/config/change-control.ini" >"$cc"
chmod 0644 "$cc"
"$pg" check -c "$cc" >"$out" 2>&1
check "config/change-control.ini passes pushgate check" test $? -eq 0
expect_contains "with windows, freeze, timezone, break_glass, require_pr" "$out" "valid: 2 rules, 2 groups"
# explain as Gitea's merge of a pull request, so require_pr is satisfied.
ex() { "$pg" explain -c "$cc" --git-dir "$srv" --pr 7 "$@" >"$out" 2>&1; }
ex --user alice --at "2026-12-12 10:30" main main~1 main
check "explain --at Saturday 10:30 (Helsinki): accepted" test $? -eq 0
expect_contains "the time asked about, in the zone" "$out" "time:       Sat 2026-12-12 10:30 EET (Europe/Helsinki)"
expect_contains "the rule's decision" "$out" "windows and freezes (Europe/Helsinki) at Sat 2026-12-12 10:30 EET: open"
ex --user alice --at "2026-12-12 12:00" main main~1 main
check "explain --at Saturday 12:00: the window has closed" test $? -eq 1
expect_contains "and the next one opens Monday 08:00" "$out" "the branch opens again Mon 2026-12-14 08:00 EET"
ex --user alice --at "2026-12-24T09:00+02:00" main main~1 main
check "explain --at Christmas Eve: frozen" test $? -eq 1
expect_contains "until the freeze ends" "$out" \
	"the freeze lasts through 2027-01-06; the branch opens again Thu 2027-01-07 08:00 EET"
ex --user carol -o "break-glass=INC-1: outage" --at "2026-12-24 09:00" main main~1 main
check "explain: the on-call engineer's break-glass would be accepted" test $? -eq 0
expect_contains "with the WARNING the pusher would see" "$out" "WARNING refs/heads/main: break-glass by carol"
"$pg" explain -c "$cc" --git-dir "$srv" --user alice --at "2026-12-14 09:00" main main~1 main >"$out" 2>&1
check "explain without --pr: require_pr refuses a plain push" test $? -eq 1
expect_contains "saying so" "$out" "require_pr = yes: not a pull-request merge: rejects"
"$pg" explain -c "$cc" --git-dir "$srv" --user alice --at "Saturday" main main~1 main >"$out" 2>&1
check "explain --at with a bad time is a usage error" test $? -eq 2
expect_contains "saying what a time looks like" "$out" "'Saturday' is not a time: write YYYY-MM-DD HH:MM"

done_testing
