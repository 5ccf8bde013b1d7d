# Shared by the benchmarks: wall-clock timing in microseconds and medians.
us() { echo "${EPOCHREALTIME/./}"; }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# timed VAR cmd...: VAR = the command's wall time in microseconds.
timed() {
	local var=$1 t0 t1
	shift
	t0=$(us)
	"$@"
	t1=$(us)
	printf -v "$var" '%s' $((t1 - t0))
}
# peak_mem VAR_ANON VAR_FILE cmd...: the command's peak anonymous and
# file-backed resident memory in KiB, sampled from /proc every 5 ms (file
# pages are mostly the repository's pack, in the page cache).
peak_mem() {
	local va=$1 vf=$2 pid a f pa=0 pf=0
	shift 2
	"$@" >/dev/null 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		read -r a f < <(awk '/^RssAnon/ {a = $2} /^RssFile/ {f = $2} END {print a + 0, f + 0}' \
			"/proc/$pid/status" 2>/dev/null || echo 0 0)
		[ "${a:-0}" -gt "$pa" ] && pa=$a
		[ "${f:-0}" -gt "$pf" ] && pf=$f
		sleep 0.005
	done
	wait "$pid" || true
	printf -v "$va" '%s' "$pa"
	printf -v "$vf" '%s' "$pf"
}
