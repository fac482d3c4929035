#!/usr/bin/env bash
# Installs the Python packages the Swift tests run as real peers (grpcio: the gRPC client and
# upstream of the gRPC tests; h2: an h2c upstream), pinned in Scripts/test_python/requirements.txt,
# into a virtualenv outside the repository, once; later runs reuse it. Called by Scripts/test.sh.
# The tests find its python at $SLUICE_TEST_VENV/bin/python (default
# ${XDG_CACHE_HOME:-$HOME/.cache}/sluice-test-venv, the same path this script uses).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${SLUICE_TEST_VENV:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/sluice-test-venv}"
REQUIREMENTS="$ROOT/Scripts/test_python/requirements.txt"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 PYTHONDONTWRITEBYTECODE=1

stamp="$VENV/.sluice-requirements"
if [[ -x "$VENV/bin/python" ]] && cmp -s "$REQUIREMENTS" "$stamp" && "$VENV/bin/python" -c 'import grpc, h2' 2>/dev/null; then
    exit 0
fi
echo "test: installing the tests' Python packages into $VENV"
rm -rf "$VENV"
python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet -r "$REQUIREMENTS"
cp "$REQUIREMENTS" "$stamp"
