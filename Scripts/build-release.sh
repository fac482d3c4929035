#!/usr/bin/env bash
# Builds the `sluice` binary the way it ships: the Dockerfile and the benchmark both use this,
# so what is measured is what runs in a cluster. Extra arguments go to `swift build`
# (e.g. `--scratch-path .build-release`). The build log goes to stderr; stdout is the binary's path.
#
#   --static-swift-stdlib          the Swift runtime is linked in: the image needs no Swift
#                                  libraries, and runtime calls skip the shared-library hops.
#   -enforce-exclusivity=unchecked no run-time exclusivity checks in optimised code (as a
#                                  SwiftNIO maintainer suggested for Swift's entry in
#                                  grpc_bench): they were ~8% of user CPU under wrk, mostly in
#                                  NIO; ~5% more requests/s here. Static checks stay, and the
#                                  debug builds that run the test suite keep the run-time checks.
#   -cross-module-optimization     every module (SwiftNIO's too) exports its generic bodies, so
#                                  NIO's channel-pipeline generics are specialised in the proxy
#                                  instead of going through run-time metadata and casts. A/B,
#                                  4 alternating runs each: proxy CPU per keep-alive request
#                                  26.2 -> 23.5 us (wrk req/s +9 %), per fresh connection
#                                  208 -> 194 us; per SSE event unchanged.
#   -ljemalloc                     jemalloc instead of glibc's malloc, with a background
#                                  purging thread (Sources/CSluiceMallocConf): after a burst of
#                                  9,000 streams closed, RSS went back to 52 MiB instead of
#                                  staying at 152 MiB (glibc keeps freed pages). Per-stream RSS
#                                  barely moved (13.6 KiB with glibc, 13.8 with jemalloc). Needs libjemalloc-dev to
#                                  build and libjemalloc2 to run.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
if ! dpkg -s libjemalloc-dev >/dev/null 2>&1; then
    if [ -x "$HERE/ensure-system-packages.sh" ]; then
        "$HERE/ensure-system-packages.sh" libjemalloc-dev >&2
    else
        echo "error: the release build links jemalloc; run: apt-get install -y libjemalloc-dev" >&2
        exit 1
    fi
fi
FLAGS=(-c release --static-swift-stdlib -Xswiftc -enforce-exclusivity=unchecked -Xswiftc -cross-module-optimization -Xlinker -ljemalloc)
swift build "${FLAGS[@]}" --product sluice "$@" >&2
echo "$(swift build "${FLAGS[@]}" --show-bin-path "$@")/sluice"
