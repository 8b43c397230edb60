#!/usr/bin/env bash
# Builds every LeakHound sample service, the load tool and manygoroutines
# (a stand-alone dump generator, not a service) into samples/bin/.
# Usage: bash samples/build.sh
# Paths are kept (no -trimpath) so profile tools can find the sources.
set -euo pipefail

src="${BASH_SOURCE[0]}"
[[ "$src" == */* ]] || src="./$src"
here="$(cd "${src%/*}" && pwd)"

# The sample services, in capture order. capture.sh reads this list, so only
# services belong in it; the tools are in TOOLS.
TOOLS="load manygoroutines"
SAMPLES="cacheleak metricleak goroutineleak tickerleak substringleak finalizercycle lrucache garbage workerpool"

if [[ "${1:-}" == "--list" ]]; then
	echo "$SAMPLES"
	exit 0
fi

if ! command -v go >/dev/null 2>&1; then
	echo "build.sh: the 'go' command was not found on PATH; install Go 1.19 or newer (Debian: apt-get install golang-go)" >&2
	exit 1
fi

export GOTOOLCHAIN=local GO111MODULE=on
export CGO_ENABLED="${CGO_ENABLED:-0}"
# go needs a build cache; give it one when neither HOME nor XDG_CACHE_HOME is set (e.g. in CI).
if [[ -z "${GOCACHE:-}" && -z "${HOME:-}" && -z "${XDG_CACHE_HOME:-}" ]]; then
	export GOCACHE="${TMPDIR:-/tmp}/leakhound-go-build-cache"
fi
if [[ -z "${GOPATH:-}" && -z "${HOME:-}" ]]; then
	export GOPATH="${TMPDIR:-/tmp}/leakhound-gopath"
fi

cd "$here"
mkdir -p bin
pkgs=()
for s in $TOOLS $SAMPLES; do
	pkgs+=("./$s")
done
if ! go build -o bin/ "${pkgs[@]}"; then
	echo "build.sh: go build failed" >&2
	exit 1
fi
for s in $SAMPLES $TOOLS; do
	if [[ ! -x "bin/$s" ]]; then
		echo "build.sh: bin/$s was not produced" >&2
		exit 1
	fi
done
echo "build.sh: built $(echo $SAMPLES $TOOLS | wc -w) binaries into $here/bin ($(go version))" >&2
