"""`helm template` through helm-sdkpy: render a chart with given values, no cluster needed.

helm-sdkpy exposes install, not template; `render` runs a real Helm install (values
schema check, templates, NOTES.txt) against FakeKubeAPI and returns what Helm stored.

    python3 render_chart.py CHART_DIR [VALUES.yaml]   # prints the manifest
"""

from __future__ import annotations

import asyncio
import atexit
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass

import yaml

from fake_kube_api import FakeKubeAPI

# Keep Helm's cache/config/data out of $HOME so repeated runs start the same way.
_HELM_HOME = tempfile.mkdtemp(prefix="sluice-helm-home-")
atexit.register(shutil.rmtree, _HELM_HOME, ignore_errors=True)
for _name in ("HELM_CACHE_HOME", "HELM_CONFIG_HOME", "HELM_DATA_HOME"):
    os.environ.setdefault(_name, os.path.join(_HELM_HOME, _name.lower()))

import helm_sdkpy  # noqa: E402  (needs the environment above)

RELEASE = "sluice"
NAMESPACE = "sluice"


class RenderError(Exception):
    """Helm refused the chart or the values (schema, template error, `fail`)."""


@dataclass
class Rendered:
    manifest: str
    notes: str

    @property
    def objects(self) -> list[dict]:
        return [doc for doc in yaml.safe_load_all(self.manifest) if doc]


def render(chart_dir: str, values: dict | None = None,
           release: str = RELEASE, namespace: str = NAMESPACE) -> Rendered:
    with FakeKubeAPI() as api:
        config = helm_sdkpy.Configuration(namespace=namespace, kubeconfig=api.kubeconfig(namespace))
        install = helm_sdkpy.Install(config)
        try:
            asyncio.run(install.run(release, os.path.abspath(chart_dir), values=values or {},
                                    wait=False, timeout=60))
        except helm_sdkpy.HelmError as error:
            raise RenderError(str(error)) from error
        if not api.releases:
            raise RenderError("Helm stored no release")
        stored = api.releases[-1]
        return Rendered(manifest=stored.get("manifest", ""),
                        notes=(stored.get("info") or {}).get("notes", ""))


def main() -> int:
    values = {}
    if len(sys.argv) > 2:
        with open(sys.argv[2]) as file:
            values = yaml.safe_load(file) or {}
    try:
        rendered = render(sys.argv[1], values)
    except RenderError as error:
        print(f"render failed: {error}", file=sys.stderr)
        return 1
    print(rendered.manifest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
