#!/usr/bin/env bash
# Writes large goroutine dumps for LeakHound's benchmarks.
#
# Usage: bash samples/make-dumps.sh OUTDIR
#
# Builds everything (build.sh), then runs manygoroutines, which parks 100,000
# goroutines in assorted states and writes runtime.Stack(buf, true) to
# OUTDIR/goroutines-100k.txt (about 40 MB; a few seconds). No network is used.
set -uo pipefail

src="${BASH_SOURCE[0]}"
[[ "$src" == */* ]] || src="./$src"
here="$(cd "${src%/*}" && pwd)"

if [[ $# -ne 1 || -z "$1" || "$1" == -* ]]; then
	echo "usage: bash samples/make-dumps.sh OUTDIR" >&2
	exit 2
fi

if ! bash "$here/build.sh"; then
	echo "make-dumps.sh: build failed" >&2
	exit 1
fi

mkdir -p "$1" || exit 1
outdir="$(cd "$1" && pwd)"
out="$outdir/goroutines-100k.txt"
rm -f "$out" # no stale dump survives a failed run

# The generator runs in the background and is waited for, so INT/TERM stop
# it at once; it also gives up by itself after -timeout.
child=""
stop_child() {
	[[ -n "$child" ]] || return 0
	kill -TERM "$child" 2>/dev/null
	wait "$child" 2>/dev/null
	child=""
}
trap stop_child EXIT
trap 'echo "make-dumps.sh: interrupted" >&2; exit 130' INT
trap 'echo "make-dumps.sh: terminated" >&2; exit 143' TERM

run=("$here/bin/manygoroutines" -n 100000 -o "$out" -timeout 60s)
if command -v timeout >/dev/null 2>&1; then
	run=(timeout -k 2 90 "${run[@]}")
fi
start=$SECONDS
"${run[@]}" &
child=$!
wait "$child"
rc=$?
child=""
if [[ $rc -ne 0 || ! -s "$out" ]]; then
	echo "make-dumps.sh: manygoroutines failed (exit $rc)" >&2
	exit 1
fi
echo "make-dumps.sh: wrote $out ($(wc -c <"$out") bytes) in $((SECONDS - start))s" >&2
