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
