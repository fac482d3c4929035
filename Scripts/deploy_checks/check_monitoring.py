"""The chart's monitoring objects, checked with the tools that will read them.

    python3 check_monitoring.py rules       # promtool check rules on the rendered PrometheusRule
    python3 check_monitoring.py rule-tests  # promtool test rules: Charts/sluice/tests/*.test.yaml
    python3 check_monitoring.py names       # the dashboard parses; it and the rules read only
                                            # metrics Sluice exports (the README's metric tables)

Each renders the chart through Helm (render_chart.py): `rules` and `names` with
values/metrics.yaml, `rule-tests` with the PrometheusRule on and every other value at its
default, since the unit tests expect the default thresholds. The PrometheusRule's
`spec` is promtool's rule file format as it is.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

import yaml

import promql_names
from render_chart import RenderError, render
from write_manifests import CHART

HERE = os.path.dirname(os.path.abspath(__file__))
RULE_TESTS = os.path.join(CHART, "tests")
RULES_FILE = "sluice-rules.yaml"  # the name the unit tests' rule_files give


def rendered(kind: str, values: dict) -> list[dict]:
    return [o for o in render(CHART, values).objects if o["kind"] == kind]


def metrics_values() -> dict:
    with open(os.path.join(HERE, "values", "metrics.yaml")) as file:
        return yaml.safe_load(file)


def promtool(*args: str, cwd: str) -> int:
    result = subprocess.run(["promtool", *args], cwd=cwd, capture_output=True, text=True)
    print("\n".join(line for line in (result.stdout + result.stderr).splitlines() if line.strip()))
    return result.returncode


def write_rules(rule: dict, directory: str) -> str:
    path = os.path.join(directory, RULES_FILE)
    with open(path, "w") as file:
        yaml.safe_dump(rule["spec"], file, sort_keys=False)
    return path


def alerts(rule: dict) -> list[dict]:
    return [r for group in rule["spec"]["groups"] for r in group["rules"] if "alert" in r]


def check_rules() -> int:
    rules = rendered("PrometheusRule", metrics_values())
    if len(rules) != 1:
        print(f"expected one PrometheusRule with metrics.prometheusRule.enabled, rendered {len(rules)}")
        return 1
    with tempfile.TemporaryDirectory(prefix="sluice-rules-") as scratch:
        status = promtool("check", "rules", write_rules(rules[0], scratch), cwd=scratch)
    names = [a["alert"] for a in alerts(rules[0])]
    print(f"  {len(names)} alerts: {', '.join(names)}")
    return status


def check_rule_tests() -> int:
    rules = rendered("PrometheusRule", {"metrics": {"prometheusRule": {"enabled": True}}})[0]
    tests = sorted(glob.glob(os.path.join(RULE_TESTS, "*.test.yaml")))
    if not tests:
        print(f"no *.test.yaml in {RULE_TESTS}")
        return 1
    problems = []
    # Every alert must be tested firing and tested not firing.
    firing: dict[str, int] = {}
    silent: dict[str, int] = {}
    for path in tests:
        with open(path) as file:
            spec = yaml.safe_load(file)
        if spec.get("rule_files") != [RULES_FILE]:
            problems.append(f"{os.path.basename(path)}: rule_files must be [{RULES_FILE}] (the rendered rules)")
        for test in spec.get("tests", []):
            for case in test.get("alert_rule_test", []):
                counts = firing if case.get("exp_alerts") else silent
                counts[case["alertname"]] = counts.get(case["alertname"], 0) + 1
    for alert in (a["alert"] for a in alerts(rules)):
        if not firing.get(alert):
            problems.append(f"{alert}: no test case where it fires")
        if not silent.get(alert):
            problems.append(f"{alert}: no test case where it must not fire")
        print(f"  {alert}: {firing.get(alert, 0)} firing cases, {silent.get(alert, 0)} silent cases")
    unknown = (set(firing) | set(silent)) - {a["alert"] for a in alerts(rules)}
    problems.extend(f"{name}: tested, but the chart renders no such alert" for name in sorted(unknown))
    with tempfile.TemporaryDirectory(prefix="sluice-rule-tests-") as scratch:
        write_rules(rules, scratch)
        for path in tests:
            shutil.copy(path, scratch)
        status = promtool("test", "rules", *(os.path.basename(p) for p in tests), cwd=scratch)
    for problem in problems:
        print(f"  - {problem}")
    return 1 if status or problems else 0


def dashboard_queries(dashboard: dict) -> list[tuple[str, str]]:
    """(where, PromQL) of every panel target and query variable, rows' nested panels included."""
    queries = []
    panels = list(dashboard.get("panels", []))
    while panels:
        panel = panels.pop(0)
        panels.extend(panel.get("panels", []))
        for target in panel.get("targets", []):
            queries.append((f"panel {panel.get('title')!r} {target.get('refId')}", target.get("expr", "")))
    for variable in dashboard.get("templating", {}).get("list", []):
        if variable.get("type") == "query":
            query = variable.get("query")
            queries.append((f"variable {variable['name']}", query.get("query") if isinstance(query, dict) else query))
    return queries


def check_names() -> int:
    values = metrics_values()
    objects = render(CHART, values).objects
    maps = [o for o in objects if o["kind"] == "ConfigMap" and o["metadata"]["name"].endswith("-dashboard")]
    rules = [o for o in objects if o["kind"] == "PrometheusRule"]
    problems = []
    if len(maps) != 1 or len(rules) != 1:
        print(f"expected one dashboard ConfigMap and one PrometheusRule, rendered {len(maps)} and {len(rules)}")
        return 1
    documented = promql_names.documented_metrics()
    if not documented:
        print(f"no metric table found in {promql_names.README}")
        return 1
    known = promql_names.series_names(documented)
    queries = []
    for key, text in maps[0]["data"].items():
        try:
            dashboard = json.loads(text)
        except json.JSONDecodeError as error:
            print(f"{key}: not JSON: {error}")
            return 1
        found = dashboard_queries(dashboard)
        if not found:
            problems.append(f"{key}: no queries")
        queries += [(f"{key} {where}", expr) for where, expr in found]
    queries += [(f"alert {a['alert']}", a["expr"]) for a in alerts(rules[0])]
    used = set()
    for where, expr in queries:
        names, unknown = promql_names.unknown_names(expr or "", known)
        used |= names
        if not names:
            problems.append(f"{where}: reads no metric: {expr!r}")
        problems.extend(f"{where}: {name} is not a metric Sluice exports" for name in sorted(unknown))
    print(f"  {len(queries)} queries read {len(used)} series names; the README documents "
          f"{len(documented)} metrics")
    for problem in problems:
        print(f"  - {problem}")
    return 1 if problems else 0


def main() -> int:
    checks = {"rules": check_rules, "rule-tests": check_rule_tests, "names": check_names}
    if len(sys.argv) != 2 or sys.argv[1] not in checks:
        print(f"usage: {sys.argv[0]} {'|'.join(checks)}", file=sys.stderr)
        return 2
    if sys.argv[1] != "names" and shutil.which("promtool") is None:
        print("promtool not found (Debian package prometheus; Scripts/ensure-system-packages.sh installs it)")
        return 1
    try:
        return checks[sys.argv[1]]()
    except RenderError as error:
        print(f"Helm refused the chart: {error}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
