#!/usr/bin/env bash
# Whole-process comparison of `leakhound top` and `go tool pprof -top` on the large generated heap
# profile: wall time and peak RSS from /usr/bin/time -v. Results go to docs/benchmarks.md by hand.
# Usage: bash bench/run-top.sh [SAMPLES]   (default 2,000,000; pprof needs ~3 minutes and ~7 GB)
set -euo pipefail
cd "$(dirname "$0")/.."
samples="${1:-2000000}"
out=artifacts/bench
mkdir -p "$out"
profile="$out/heap-$samples.pb.gz"
dotnet build bench/LeakHound.Bench -c Release -o "$out/gen" >/dev/null
dotnet publish src/LeakHound.Cli -c Release -o "$out/leakhound" >/dev/null
[ -f "$profile" ] || "$out/gen/LeakHound.Bench" generate "$profile" "$samples"
measure() { # name, command...
  local name=$1; shift
  /usr/bin/time -v "$@" > "$out/$name.out" 2> "$out/$name.time"
  printf '%-10s wall %s  peak RSS %s kB\n' "$name" \
    "$(grep 'Elapsed (wall' "$out/$name.time" | awk '{print $NF}')" \
    "$(grep 'Maximum resident' "$out/$name.time" | awk '{print $NF}')"
}
export TZ=UTC HOME="${HOME:-/tmp}"
measure leakhound "$out/leakhound/leakhound" top "$profile"
measure pprof go tool pprof -top "$profile"
if diff -q "$out/pprof.out" "$out/leakhound.out" >/dev/null; then echo "reports identical"; else echo "REPORTS DIFFER"; diff "$out/pprof.out" "$out/leakhound.out" | head; fi
