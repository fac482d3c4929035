"""The metric names a PromQL expression reads, and the names Sluice documents as exported.

A small tokenizer, not a PromQL parser: it drops string literals, label matchers `{...}`,
ranges `[...]`, durations, the label lists of `by`/`without`/`on`/`ignoring`/`group_left`/`group_right`,
numbers and keywords; every identifier left that is not a function call is a metric name.
"""

from __future__ import annotations

import os
import re

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
README = os.path.join(ROOT, "README.md")

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')
_MATCHERS = re.compile(r"\{[^{}]*\}")
_RANGE = re.compile(r"\[[^\[\]]*\]")
_LABEL_LIST = re.compile(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)")
_DURATION = re.compile(r"(?<![A-Za-z0-9_:.])(?:[0-9]+(?:ms|s|m|h|d|w|y))+(?![A-Za-z0-9_:])")
_NUMBER = re.compile(r"(?<![A-Za-z0-9_:])(?:0x[0-9a-fA-F]+|[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)")
_IDENTIFIER = re.compile(r"(?<![A-Za-z0-9_:$])([A-Za-z_:][A-Za-z0-9_:]*)(\s*\()?")
KEYWORDS = {"and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring",
            "group_left", "group_right", "inf", "nan", "atan2"}
HISTOGRAM_SUFFIXES = ("_bucket", "_sum", "_count")


def metric_names(expr: str) -> set[str]:
    """The metric names `expr` reads (Grafana's `label_values(EXPR, label)` reads EXPR's)."""
    grafana = re.fullmatch(r"\s*label_values\((.*),\s*[A-Za-z_][A-Za-z0-9_]*\s*\)\s*", expr, re.S)
    if grafana:
        expr = grafana.group(1)
    text = _STRING.sub(" ", expr)
    text = _MATCHERS.sub(" ", text)
    text = _RANGE.sub(" ", text)
    text = _LABEL_LIST.sub(" ", text)
    text = _DURATION.sub(" ", text)
    text = _NUMBER.sub(" ", text)
    names = set()
    for match in _IDENTIFIER.finditer(text):
        name, call = match.group(1), match.group(2)
        if call or name.lower() in KEYWORDS:
            continue
        names.add(name)
    return names


def documented_metrics(readme: str = README) -> dict[str, str]:
    """name -> type of every metric in the README's metric tables (`| `name` | type | ...`)."""
    with open(readme) as file:
        rows = re.findall(r"^\| `([a-z_:][a-z0-9_:]*)` \| (counter|gauge|histogram) \|", file.read(), re.M)
    return dict(rows)


def series_names(documented: dict[str, str]) -> set[str]:
    """The series names a scrape of the documented metrics holds (histograms' three suffixes)."""
    names = set()
    for name, kind in documented.items():
        if kind == "histogram":
            names.update(name + suffix for suffix in HISTOGRAM_SUFFIXES)
        else:
            names.add(name)
    return names


def unknown_names(expr: str, known: set[str]) -> tuple[set[str], set[str]]:
    """(names `expr` reads, those of them not in `known`)."""
    names = metric_names(expr)
    return names, names - known
