#!/usr/bin/env bash
# Whole-process comparison of `leakhound dot` and `go tool pprof -dot` on the large generated heap
# profile: wall time and peak RSS from /usr/bin/time -v, and whether the graphs are identical.
# Results go to docs/benchmarks.md by hand.
# Usage: bash bench/run-dot.sh [PROFILE]   (default artifacts/bench/heap-2000000.pb.gz, generated
# when missing; pprof needs minutes and ~8 GB on it)
set -euo pipefail
cd "$(dirname "$0")/.."
out=artifacts/bench
mkdir -p "$out"
profile="${1:-$out/heap-2000000.pb.gz}"
dotnet publish src/LeakHound.Cli -c Release -o "$out/leakhound" >/dev/null
if [ ! -f "$profile" ]; then
  dotnet build bench/LeakHound.Bench -c Release -o "$out/gen" >/dev/null
  "$out/gen/LeakHound.Bench" generate "$profile" 2000000
fi
measure() { # name, command...
  local name=$1; shift
  /usr/bin/time -v "$@" > "$out/$name.out" 2> "$out/$name.time"
  printf '%-10s wall %s  peak RSS %s kB\n' "$name" \
    "$(grep 'Elapsed (wall' "$out/$name.time" | awk '{print $NF}')" \
    "$(grep 'Maximum resident' "$out/$name.time" | awk '{print $NF}')"
}
export TZ=UTC HOME="${HOME:-/tmp}"
measure leakhound-dot "$out/leakhound/leakhound" dot "$profile"
measure pprof-dot go tool pprof -dot "$profile"
if diff -q "$out/pprof-dot.out" "$out/leakhound-dot.out" >/dev/null; then echo "graphs identical"; else echo "GRAPHS DIFFER"; diff "$out/pprof-dot.out" "$out/leakhound-dot.out" | head; fi
