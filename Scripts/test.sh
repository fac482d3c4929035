#!/usr/bin/env bash
# The whole test suite: installs what it needs, builds, runs every Swift test target, then the
# deployment checks (Helm chart, Manifests, Examples, Dockerfile).
set -euo pipefail
cd "$(dirname "$0")/.."

Scripts/ensure-system-packages.sh
Scripts/ensure-test-venv.sh

echo "== swift build (debug, with tests)"
swift build --build-tests

echo "== swift test"
swift test --skip-build

echo "== deployment checks"
Scripts/check-deploy.sh
