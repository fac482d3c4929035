#!/usr/bin/env bash
# The whole test suite: installs what it needs, builds, runs every Swift test target, then the
# deployment checks (Helm chart, Manifests, Examples, Dockerfile).
set -euo pipefail
cd "$(dirname "$0")/.."

Scripts/ensure-system-packages.sh
Scripts/ensure-test-venv.sh

echo "== swift build (debug, with tests)"
swift build --build-tests

# Three runs on the same build. The controller's and the executable's suites wait on timers and
# on processes they start, and the proxy's timeout suites on the clock: on 2 CPUs they missed
# their deadlines while the bulk suites (uploads of tens of MiB, thousands of requests, hundreds
# of streams, random translation sequences) ran beside them in the same test process.
timed="SluiceControllerTests|SluiceCommandTests"
bulk="IncrementalTranslatorTests|ProxyEarlyRefusalTests|ProxyCanaryTests|ProxyLoadBalancingTests|ProxyStickySessionTests|ProxyRequestMetricsTests|ProxyStreamMetricsTests|ProbeLoopbackTests"
echo "== swift test (all but the bulk and the timed suites)"
swift test --skip-build --skip "$timed|$bulk"
echo "== swift test (the bulk suites)"
swift test --skip-build --filter "$bulk"
echo "== swift test (the timed suites: controller, sluice executable)"
swift test --skip-build --filter "$timed"

echo "== deployment checks"
Scripts/check-deploy.sh
