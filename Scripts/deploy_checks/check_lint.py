"""`helm lint` of the chart with a values file, through helm-sdkpy's Helm library.

helm-sdkpy's lint takes a chart path only, so the chart is copied to a temporary
directory whose values.yaml is the chart's own merged with the given file.

    python3 check_lint.py pass [VALUES.yaml]    # lint must find no error nor warning
    python3 check_lint.py fail VALUES.yaml      # lint must find an error in values.yaml
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import tempfile

import yaml

import render_chart  # noqa: F401  (sets Helm's home directories before helm_sdkpy loads)
import helm_sdkpy
from write_manifests import CHART

SEVERITY = {0: "unknown", 1: "info", 2: "warning", 3: "error"}


def merged(base: dict, override: dict) -> dict:
    result = dict(base)
    for name, value in override.items():
        if isinstance(value, dict) and isinstance(result.get(name), dict):
            result[name] = merged(result[name], value)
        else:
            result[name] = value
    return result


def lint(values_file: str | None) -> list[tuple[int, str]]:
    with tempfile.TemporaryDirectory(prefix="sluice-lint-") as scratch:
        chart = os.path.join(scratch, "sluice")
        shutil.copytree(CHART, chart)
        if values_file:
            with open(os.path.join(chart, "values.yaml")) as file:
                values = yaml.safe_load(file)
            with open(values_file) as file:
                values = merged(values, yaml.safe_load(file) or {})
            with open(os.path.join(chart, "values.yaml"), "w") as file:
                yaml.safe_dump(values, file, sort_keys=False)
        result = asyncio.run(helm_sdkpy.Lint(helm_sdkpy.Configuration(namespace="sluice")).run(chart))
    return [(m.get("Severity", 0), m.get("Path", "?")) for m in result.get("Messages") or []]


def main() -> int:
    expect, values_file = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else None)
    messages = lint(values_file)
    for severity, path in messages:
        print(f"  lint {SEVERITY.get(severity, severity)}: {path}")
    problems = [(s, p) for s, p in messages if s >= 2]
    if expect == "pass":
        return 1 if problems else 0
    # helm-sdkpy drops the message text; the path tells a schema failure from others.
    return 0 if any(s == 3 and p == "values.yaml" for s, p in problems) else 1


if __name__ == "__main__":
    sys.exit(main())
