"""Kubernetes objects as plain dicts: load, normalise, key, diff and write them."""

from __future__ import annotations

import copy
import glob
import os

import yaml

# Labels that only say "Helm made this"; Manifests/ (applied with kubectl) leaves them out.
HELM_ONLY_LABELS = ("helm.sh/chart", "app.kubernetes.io/managed-by")


def key(obj: dict) -> str:
    meta = obj.get("metadata") or {}
    namespace = meta.get("namespace")
    return f"{obj.get('kind')}/{namespace + '/' if namespace else ''}{meta.get('name')}"


def _drop_helm_labels(meta: dict | None) -> None:
    if not meta or "labels" not in meta:
        return
    for label in HELM_ONLY_LABELS:
        meta["labels"].pop(label, None)


def normalise(obj: dict) -> dict:
    """The object as kubectl users get it: no Helm bookkeeping labels."""
    obj = copy.deepcopy(obj)
    _drop_helm_labels(obj.get("metadata"))
    template = (obj.get("spec") or {}).get("template")
    if isinstance(template, dict):
        _drop_helm_labels(template.get("metadata"))
    return obj


def load_dir(directory: str) -> list[dict]:
    objects = []
    for path in sorted(glob.glob(os.path.join(directory, "*.yaml"))):
        with open(path) as file:
            objects.extend(doc for doc in yaml.safe_load_all(file) if doc)
    return objects


def diff(expected, actual, path: str = "") -> list[str]:
    """Every path where two parsed YAML values differ, with both values."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        lines = []
        for name in sorted(set(expected) | set(actual), key=str):
            where = f"{path}.{name}"
            if name not in actual:
                lines.append(f"{where}: missing in Manifests (chart has {expected[name]!r})")
            elif name not in expected:
                lines.append(f"{where}: only in Manifests ({actual[name]!r})")
            else:
                lines.extend(diff(expected[name], actual[name], where))
        return lines
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        lines = []
        for index, (left, right) in enumerate(zip(expected, actual)):
            lines.extend(diff(left, right, f"{path}[{index}]"))
        return lines
    if expected != actual:
        return [f"{path or '.'}: chart renders {expected!r}, Manifests have {actual!r}"]
    return []


class _IndentedDumper(yaml.SafeDumper):
    """Indents block sequences under their key, as yamllint's default config wants."""

    def increase_indent(self, flow: bool = False, indentless: bool = False):
        return super().increase_indent(flow, False)


def dump(objects: list[dict]) -> str:
    return "".join(
        "---\n" + yaml.dump(obj, Dumper=_IndentedDumper, sort_keys=False, width=1000)
        for obj in objects
    )
