# Shared by the tests that need an OpenSSH server: start one on 127.0.0.1
# with its own configuration in $S (host key $S/hostkey, authorized keys
# $S/authorized_keys), on $port.  Source after lib.sh; the caller kills
# $sshd_pid in its EXIT trap.  No traffic leaves 127.0.0.0/8.
SSHD=${SSHD:-/usr/sbin/sshd}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 20000))
		port_free "$p" && { echo "$p"; return; }
	done
}
wait_listening() { # PORT PID
	local i
	for i in $(seq 1 100); do
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

start_sshd() { # uses $port
	cat >"$S/sshd_config" <<EOF
Port $port
ListenAddress 127.0.0.1
HostKey $S/hostkey
PidFile $S/sshd.pid
AuthorizedKeysFile $S/authorized_keys
StrictModes no
UsePAM no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowTcpForwarding no
X11Forwarding no
Subsystem sftp internal-sftp
LogLevel ERROR
EOF
	[ "$(id -u)" -eq 0 ] && mkdir -p /run/sshd
	"$SSHD" -f "$S/sshd_config" -D -e 2>>"$S/sshd.log" &
	sshd_pid=$!
	wait_listening "$port" "$sshd_pid"
}
stop_sshd() {
	kill "$sshd_pid" 2>/dev/null
	wait "$sshd_pid" 2>/dev/null
	sshd_pid=""
}

# sshd_up: start_sshd on a free port ($port), trying five; else report
# "not ok", the log, and end the test.
sshd_up() {
	local _
	for _ in 1 2 3 4 5; do
		port=$(free_port)
		if start_sshd; then
			ok "sshd listens on 127.0.0.1:$port"
			return 0
		fi
		stop_sshd
	done
	not_ok "sshd starts on 127.0.0.1"
	sed 's/^/#   | /' "$S/sshd.log"
	done_testing
}
