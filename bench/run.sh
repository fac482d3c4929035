#!/usr/bin/env bash
# Builds Sluice in release mode and runs the Sluice vs nginx benchmark (bench/bench.py).
# Extra arguments go to bench.py, e.g. `bench/run.sh --targets direct,nginx`.
# `bench/run.sh repeat [--runs N] [-- bench.py arguments]` runs bench.py N times instead and
# compares the proxies run by run (bench/repeat.py). `bench/run.sh http2 [http2.py arguments]`
# runs the HTTP/2 benchmark (bench/http2.py) instead, installing what it needs.
set -euo pipefail
cd "$(dirname "$0")/.."

# The binary is built as the Dockerfile builds it (Scripts/build-release.sh).
SCRATCH="${SCRATCH_PATH:-.build}"
BIN="$(Scripts/build-release.sh --scratch-path "$SCRATCH")"

# 9,000 streams through a proxy need ~18,000 descriptors in the proxy and the client.
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
echo "open files limit: $(ulimit -n)" >&2

if [ "${1:-}" = http2 ]; then
    shift
    # h2load (nghttp2-client), the h2 client library for Debian's python (python3-h2), callgrind
    # and strip for the instruction rows, openssl for the certificate: installed when missing.
    Scripts/ensure-system-packages.sh nginx nghttp2-client python3-h2 valgrind binutils openssl >&2
    exec /usr/bin/python3 bench/http2.py --sluice "$BIN" "$@"
fi

command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { echo "nginx is required (apt-get install nginx)"; exit 1; }
command -v wrk >/dev/null || { echo "wrk is required (apt-get install wrk)"; exit 1; }

if [ "${1:-}" = repeat ]; then
    shift
    exec python3 bench/repeat.py --sluice "$BIN" "$@"
fi
exec python3 bench/bench.py --sluice "$BIN" "$@"
