"""Manifests/ must be what the chart renders with default values.

Renders Charts/sluice through Helm (render_chart.py), drops Helm's own labels, and compares
every object with Manifests/ field by field: kinds, names, RBAC rules, ports, container
args, probes, everything. Manifests/ must also hold the `sluice` Namespace, first.
Exit 1 and list the differences when they drift apart.
"""

from __future__ import annotations

import os
import sys

import manifest_set
from render_chart import NAMESPACE, render
from write_manifests import CHART, MANIFESTS


def summary(obj: dict) -> str:
    """The key fields, for the log: what was compared at a glance."""
    kind = obj["kind"]
    if kind in ("ClusterRole", "Role"):
        verbs = sum(len(rule.get("verbs", [])) for rule in obj.get("rules", []))
        return f"{len(obj.get('rules', []))} rules/{verbs} verbs"
    if kind == "Service":
        return "ports " + ",".join(f"{p['port']}->{p['targetPort']}" for p in obj["spec"]["ports"])
    if kind == "Deployment":
        container = obj["spec"]["template"]["spec"]["containers"][0]
        ports = ",".join(str(p["containerPort"]) for p in container["ports"])
        return f"{len(container['args'])} args, ports {ports}"
    return ""


def main() -> int:
    chart = {manifest_set.key(o): manifest_set.normalise(o) for o in render(CHART).objects}
    manifests = manifest_set.load_dir(MANIFESTS)
    problems = []

    namespaces = [o for o in manifests if o.get("kind") == "Namespace"]
    if [manifest_set.key(o) for o in namespaces] != [f"Namespace/{NAMESPACE}"]:
        problems.append(f"Manifests/ must hold exactly one Namespace, {NAMESPACE!r}")
    elif manifests[0].get("kind") != "Namespace":
        problems.append("the Namespace must be the first object kubectl applies")

    applied = {manifest_set.key(o): o for o in manifests if o.get("kind") != "Namespace"}
    for name in sorted(set(chart) - set(applied)):
        problems.append(f"{name}: rendered by the chart, missing from Manifests/")
    for name in sorted(set(applied) - set(chart)):
        problems.append(f"{name}: in Manifests/, not rendered by the chart")
    for name in sorted(set(chart) & set(applied)):
        problems.extend(f"{name}{line}" for line in manifest_set.diff(chart[name], applied[name]))

    for name in sorted(set(chart) & set(applied)):
        detail = summary(chart[name])
        print(f"  compared {name}{': ' + detail if detail else ''}")
    if problems:
        print("Manifests/ drifted from the chart (regenerate with "
              "python3 Scripts/deploy_checks/write_manifests.py):")
        for line in problems:
            print(f"  - {line}")
        return 1
    print(f"  {len(chart)} objects equal to the chart's default render")
    return 0


if __name__ == "__main__":
    sys.exit(main())
