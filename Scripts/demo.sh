#!/usr/bin/env bash
# The demo: proxy + built-in streaming upstreams, no cluster needed.
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/ensure-system-packages.sh
exec swift run sluice demo "$@"
