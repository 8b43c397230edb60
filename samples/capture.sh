#!/usr/bin/env bash
# Captures a profile corpus from the LeakHound sample services.
#
# Usage: bash samples/capture.sh OUTDIR [SAMPLE...]
#
# Builds everything (build.sh), then for each sample (default: all nine):
# starts it on a free loopback port, warms it up with load, fetches the
# profile set and a stack dump, drives more load, fetches a second heap
# profile and stack dump and stops it.
# Results go to OUTDIR/<sample>/. Only 127.0.0.1 is ever contacted.
#
# Environment:
#   CAPTURE_HEAPDUMP=default  runtime heap dumps (debug.WriteHeapDump) for two samples:
#                           cacheleak writes heap.dump after warm-up and heap2.dump after
#                           the second load, finalizercycle heap.dump after warm-up
#   CAPTURE_HEAPDUMP=1      heap.dump and heap2.dump for every sample; 0: none
#   CAPTURE_WARMUP=1000     requests before the first profile set
#   CAPTURE_MORE=1000       further requests before heap2.pb.gz
#   CAPTURE_CONCURRENCY=8   concurrent requests while driving load
#   CAPTURE_MINUTE=cacheleak  samples that also get a diff pair a minute apart: after
#                           everything else, minute-apart/heap-start.pb.gz, a minute of
#                           steady load (20 requests every half second), then
#                           minute-apart/heap-end.pb.gz; "" for none
set -uo pipefail

src="${BASH_SOURCE[0]}"
[[ "$src" == */* ]] || src="./$src"
here="$(cd "${src%/*}" && pwd)"

usage() {
	echo "usage: bash samples/capture.sh OUTDIR [SAMPLE...]" >&2
	echo "samples: $(bash "$here/build.sh" --list)" >&2
	exit 2
}

[[ $# -ge 1 && -n "$1" && "$1" != -* ]] || usage
outdir="$1"
shift

all_samples="$(bash "$here/build.sh" --list)"
if [[ $# -gt 0 ]]; then
	samples=("$@")
else
	read -r -a samples <<<"$all_samples"
fi
for s in "${samples[@]}"; do
	case " $all_samples " in
	*" $s "*) ;;
	*)
		echo "capture.sh: unknown sample '$s' (known: $all_samples)" >&2
		exit 2
		;;
	esac
done

warmup_n="${CAPTURE_WARMUP:-1000}"
minute_samples=" ${CAPTURE_MINUTE-cacheleak} "
more_n="${CAPTURE_MORE:-1000}"
conc="${CAPTURE_CONCURRENCY:-8}"
case "${CAPTURE_HEAPDUMP:=default}" in
default | 0 | 1) ;;
*)
	echo "capture.sh: CAPTURE_HEAPDUMP must be default, 0 or 1" >&2
	exit 2
	;;
esac

# heapdumps SAMPLE: the heap dumps to write (heap.dump after warm-up, heap2.dump after more load).
heapdumps() {
	case "$CAPTURE_HEAPDUMP" in
	0) ;;
	1) echo "heap.dump heap2.dump" ;;
	*)
		case "$1" in
		cacheleak) echo "heap.dump heap2.dump" ;;
		finalizercycle) echo "heap.dump" ;;
		esac
		;;
	esac
}

for v in "$warmup_n" "$more_n" "$conc"; do
	[[ "$v" =~ ^[0-9]+$ ]] || {
		echo "capture.sh: CAPTURE_WARMUP, CAPTURE_MORE and CAPTURE_CONCURRENCY must be integers" >&2
		exit 2
	}
done

if ! bash "$here/build.sh"; then
	echo "capture.sh: build failed" >&2
	exit 1
fi

mkdir -p "$outdir" || exit 1
outdir="$(cd "$outdir" && pwd)"
bindir="$here/bin"
load="$bindir/load"

# --- child process bookkeeping ---------------------------------------------
# At most one sample and one helper (a load invocation) run at a time. Both
# run in the background and are waited for with `wait`, so the INT/TERM traps
# fire at once instead of after the child finishes.
sample_pid=""
helper_pid=""

stop_helper() {
	local pid="$helper_pid"
	[[ -n "$pid" ]] || return 0
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	helper_pid=""
}

stop_sample() {
	local pid="$sample_pid" i
	[[ -n "$pid" ]] || return 0
	if kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null
		for ((i = 0; i < 50; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$pid" 2>/dev/null; then
			echo "capture.sh: pid $pid ignored SIGTERM for 5s; killing it" >&2
			kill -KILL "$pid" 2>/dev/null
		fi
	fi
	wait "$pid" 2>/dev/null
	sample_pid=""
}

trap 'stop_helper; stop_sample' EXIT
trap 'echo "capture.sh: interrupted" >&2; exit 130' INT
trap 'echo "capture.sh: terminated" >&2; exit 143' TERM

# bounded SECONDS CMD...: runs CMD as the current helper, killing it if it
# outlives SECONDS (a second guard besides the load tool's own -timeout).
have_timeout=0
command -v timeout >/dev/null 2>&1 && have_timeout=1
bounded() {
	local secs="$1" rc
	shift
	if [[ $have_timeout == 1 ]]; then
		timeout -k 2 "$secs" "$@" &
	else
		"$@" &
	fi
	helper_pid=$!
	wait "$helper_pid"
	rc=$?
	helper_pid=""
	return $rc
}

# urlencode STRING: percent-encodes everything but unreserved characters and '/'.
urlencode() {
	local LC_ALL=C s="$1" out="" c hex i
	for ((i = 0; i < ${#s}; i++)); do
		c="${s:i:1}"
		case "$c" in
		[a-zA-Z0-9._~/-]) out+="$c" ;;
		*)
			printf -v hex '%%%02X' "'$c"
			out+="$hex"
			;;
		esac
	done
	printf '%s' "$out"
}

# metric FILE NAME: prints the value of an unlabelled metric in a /metrics dump.
metric() {
	awk -v n="$2" '$1 == n { print $2; exit }' "$1" 2>/dev/null
}

human_bytes() {
	awk -v b="${1:-0}" 'BEGIN { if (b >= 1048576) printf "%.1fMB", b / 1048576; else printf "%.0fKB", b / 1024 }'
}

# capture_one SAMPLE DIR: everything for one sample. Returns non-zero and sets
# fail_reason on failure.
fail_reason=""
capture_one() {
	local name="$1" dir="$2" base port line i start_s
	local bin="$bindir/$name"
	fail_reason=""

	# Remove what an earlier capture may have left, so no stale file survives.
	rm -f "$dir"/{heap.pb.gz,heap2.pb.gz,allocs.pb.gz,goroutine.pb.gz,mutex.pb.gz,block.pb.gz,threadcreate.pb.gz} \
		"$dir"/{heap.txt,goroutine.txt,goroutine-stacks.txt,mutex.txt,block.txt,threadcreate.txt} \
		"$dir"/{numgoroutine.txt,numgoroutine2.txt,metrics.txt,metrics2.txt,vars.json,capture.txt} \
		"$dir"/{stackdump.txt,stackdump2.txt} \
		"$dir"/{binary,heap.dump,heap2.dump,sample.stdout,sample.log,.drive}
	rm -rf "$dir/minute-apart"
	cp "$bin" "$dir/binary" || {
		fail_reason="cannot copy binary"
		return 1
	}

	: >"$dir/sample.stdout"
	"$bin" -port 0 >"$dir/sample.stdout" 2>"$dir/sample.log" </dev/null &
	sample_pid=$!

	# The first stdout line names the port.
	line=""
	for ((i = 0; i < 100; i++)); do
		# read succeeds only once a whole line (with its newline) is there.
		IFS= read -r line <"$dir/sample.stdout" 2>/dev/null && break
		line=""
		if ! kill -0 "$sample_pid" 2>/dev/null; then
			fail_reason="exited at startup (see $dir/sample.log)"
			return 1
		fi
		sleep 0.1
	done
	if [[ ! "$line" =~ ^listening\ on\ http://127\.0\.0\.1:([0-9]+)$ ]]; then
		fail_reason="no 'listening on' line within 10s (got '${line}')"
		return 1
	fi
	port="${BASH_REMATCH[1]}"
	base="http://127.0.0.1:$port"

	bounded 15 "$load" wait -url "$base/debug/numgoroutine" -timeout 10s || {
		fail_reason="not ready"
		return 1
	}

	fetch() { # fetch FILE PATH
		bounded 35 "$load" get -url "$base$2" -o "$dir/$1" -timeout 30s || {
			fail_reason="fetching $2 failed"
			return 1
		}
	}
	heapdump() { # heapdump FILE: the sample runs a GC and writes FILE itself
		bounded 65 "$load" get -url "$base/debug/heapdump?path=$(urlencode "$dir/$1")" -o - -timeout 60s >/dev/null || {
			fail_reason="heap dump $1 failed"
			return 1
		}
		[[ -s "$dir/$1" ]] || {
			fail_reason="heap dump $1 is empty"
			return 1
		}
	}
	local dumps
	dumps=" $(heapdumps "$name") "
	drive() { # drive N: the load tool's summary line goes to $dir/.drive
		bounded 50 "$load" drive -url "$base/work" -n "$1" -c "$conc" -timeout 45s >"$dir/.drive"
	}

	{
		echo "sample=$name"
		echo "port=$port"
		echo "go_version=$(go version 2>/dev/null | awk '{print $3}')"
		echo "started=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
		echo "warmup_requests=$warmup_n"
		echo "more_requests=$more_n"
		echo "concurrency=$conc"
		echo "heapdumps=$(heapdumps "$name")"
	} >"$dir/capture.txt"

	drive "$warmup_n" || {
		fail_reason="driving warm-up load failed"
		return 1
	}
	echo "warmup=$(cat "$dir/.drive")" >>"$dir/capture.txt"

	fetch heap.pb.gz '/debug/pprof/heap?gc=1' || return 1
	fetch allocs.pb.gz /debug/pprof/allocs || return 1
	fetch goroutine.pb.gz /debug/pprof/goroutine || return 1
	fetch mutex.pb.gz /debug/pprof/mutex || return 1
	fetch block.pb.gz /debug/pprof/block || return 1
	fetch threadcreate.pb.gz /debug/pprof/threadcreate || return 1
	fetch heap.txt '/debug/pprof/heap?debug=1' || return 1
	fetch goroutine.txt '/debug/pprof/goroutine?debug=1' || return 1
	fetch goroutine-stacks.txt '/debug/pprof/goroutine?debug=2' || return 1
	fetch mutex.txt '/debug/pprof/mutex?debug=1' || return 1
	fetch block.txt '/debug/pprof/block?debug=1' || return 1
	fetch threadcreate.txt '/debug/pprof/threadcreate?debug=1' || return 1
	fetch numgoroutine.txt /debug/numgoroutine || return 1
	fetch metrics.txt /debug/gc || return 1 # collect first so heap_alloc is live data
	fetch metrics.txt /metrics || return 1
	fetch stackdump.txt /debug/stackdump || return 1
	if [[ "$dumps" == *" heap.dump "* ]]; then heapdump heap.dump || return 1; fi

	drive "$more_n" || {
		fail_reason="driving more load failed"
		return 1
	}
	echo "more=$(cat "$dir/.drive")" >>"$dir/capture.txt"
	rm -f "$dir/.drive"

	fetch heap2.pb.gz '/debug/pprof/heap?gc=1' || return 1
	fetch numgoroutine2.txt /debug/numgoroutine || return 1
	fetch metrics2.txt /debug/gc || return 1
	fetch metrics2.txt /metrics || return 1
	fetch stackdump2.txt /debug/stackdump || return 1
	fetch vars.json /debug/vars || return 1
	if [[ "$dumps" == *" heap2.dump "* ]]; then heapdump heap2.dump || return 1; fi

	# A diff pair a minute apart under steady load (last, so the pairs above keep their spacing).
	if [[ "$minute_samples" == *" $name "* ]]; then
		mkdir -p "$dir/minute-apart" || return 1
		fetch minute-apart/heap-start.pb.gz '/debug/pprof/heap?gc=1' || return 1
		local minute_start=$SECONDS batches=0
		while ((SECONDS - minute_start < 61)); do
			drive 20 || {
				fail_reason="driving the minute's load failed"
				return 1
			}
			batches=$((batches + 1))
			sleep 0.5
		done
		rm -f "$dir/.drive"
		fetch minute-apart/heap-end.pb.gz '/debug/pprof/heap?gc=1' || return 1
		echo "minute_apart=$((SECONDS - minute_start))s, $((batches * 20)) requests" >>"$dir/capture.txt"
	fi

	stop_sample
	echo "finished=$(date -u +%Y-%m-%dT%H:%M:%SZ)" >>"$dir/capture.txt"
	return 0
}

failed=()
total=${#samples[@]}
n=0
script_start=$SECONDS
for s in "${samples[@]}"; do
	n=$((n + 1))
	dir="$outdir/$s"
	mkdir -p "$dir" || exit 1
	t0=$SECONDS
	if capture_one "$s" "$dir"; then
		g1="$(tr -d '[:space:]' <"$dir/numgoroutine.txt")"
		g2="$(tr -d '[:space:]' <"$dir/numgoroutine2.txt")"
		h1="$(human_bytes "$(metric "$dir/metrics.txt" go_memstats_heap_alloc_bytes)")"
		h2="$(human_bytes "$(metric "$dir/metrics2.txt" go_memstats_heap_alloc_bytes)")"
		echo "capture.sh: [$n/$total] $s ok: goroutines $g1 -> $g2, heap_alloc $h1 -> $h2 ($((SECONDS - t0))s)" >&2
	else
		stop_sample
		failed+=("$s")
		echo "capture.sh: [$n/$total] $s FAILED: $fail_reason ($((SECONDS - t0))s)" >&2
	fi
done

if [[ ${#failed[@]} -gt 0 ]]; then
	echo "capture.sh: ${#failed[@]} of $total failed (${failed[*]}); output in $outdir" >&2
	exit 1
fi
echo "capture.sh: captured $total sample(s) into $outdir in $((SECONDS - script_start))s" >&2
