"""Regenerate Manifests/ from the chart rendered with default values.

    python3 Scripts/deploy_checks/write_manifests.py

Manifests/ is what `helm install sluice Charts/sluice -n sluice --create-namespace` creates,
plus the Namespace, minus Helm's own labels. check_drift.py fails when they differ.
"""

from __future__ import annotations

import os
import sys

import manifest_set
from render_chart import NAMESPACE, render

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CHART = os.path.join(ROOT, "Charts", "sluice")
MANIFESTS = os.path.join(ROOT, "Manifests")

# kubectl applies the files of a directory in name order: the Namespace first.
FILES = [
    ("00-namespace.yaml", ["Namespace"]),
    ("01-serviceaccount.yaml", ["ServiceAccount"]),
    ("02-rbac.yaml", ["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"]),
    ("03-ingressclass.yaml", ["IngressClass"]),
    ("04-service.yaml", ["Service"]),
    ("05-deployment.yaml", ["Deployment"]),
    ("06-poddisruptionbudget.yaml", ["PodDisruptionBudget"]),
]

HEADER = """\
# Generated from Charts/sluice with default values (release "sluice",
# namespace "sluice") by Scripts/deploy_checks/write_manifests.py.
# Do not edit by hand: change the chart and run that script;
# Scripts/check-deploy.sh fails when the two differ.
"""

NAMESPACE_OBJECT = {
    "apiVersion": "v1",
    "kind": "Namespace",
    "metadata": {
        "name": NAMESPACE,
        "labels": {
            "app.kubernetes.io/name": "sluice",
            "app.kubernetes.io/part-of": "sluice",
            # The controller pod meets the "restricted" Pod Security Standard.
            "pod-security.kubernetes.io/enforce": "restricted",
        },
    },
}


def main() -> int:
    objects = [NAMESPACE_OBJECT] + [manifest_set.normalise(o) for o in render(CHART).objects]
    placed = set()
    os.makedirs(MANIFESTS, exist_ok=True)
    for filename, kinds in FILES:
        chosen = [o for kind in kinds for o in objects if o["kind"] == kind]
        placed.update(id(o) for o in chosen)
        with open(os.path.join(MANIFESTS, filename), "w") as file:
            file.write(HEADER + manifest_set.dump(chosen))
    left_over = [manifest_set.key(o) for o in objects if id(o) not in placed]
    if left_over:
        print(f"no file for: {', '.join(left_over)}; add them to FILES", file=sys.stderr)
        return 1
    print(f"wrote {len(objects)} objects to {MANIFESTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
