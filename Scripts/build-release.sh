#!/usr/bin/env bash
# Builds the `sluice` binary the way it ships: the Dockerfile and the benchmark both use this,
# so what is measured is what runs in a cluster. Extra arguments go to `swift build`
# (e.g. `--scratch-path .build-release`). The build log goes to stderr; stdout is the binary's path.
#
#   --static-swift-stdlib          the Swift runtime is linked in: the image needs no Swift
#                                  libraries, and runtime calls skip the shared-library hops.
#   -enforce-exclusivity=unchecked no run-time exclusivity checks in optimised code (the
#                                  setting SwiftNIO's maintainers recommend for servers; ~5%
#                                  more requests/s here). Static checks stay, and the debug
#                                  builds that run the test suite keep the run-time checks.
set -euo pipefail
FLAGS=(-c release --static-swift-stdlib -Xswiftc -enforce-exclusivity=unchecked)
swift build "${FLAGS[@]}" --product sluice "$@" >&2
echo "$(swift build "${FLAGS[@]}" --show-bin-path "$@")/sluice"
