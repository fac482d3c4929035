"""A loopback stand-in for the Kubernetes API, just enough for `helm install` to run.

helm-sdkpy has no `helm template`: its install action is the only way to make its Helm
library render a chart. Pointed at this server, the install renders the chart, finds no
existing objects, and stores the release (rendered manifest and NOTES included) in a
Secret, which this server decodes and keeps. Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import base64
import gzip
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# group/version -> [(plural, Kind, namespaced)] for every kind the chart may create,
# plus what Helm itself touches (Secrets for release storage, Namespaces).
RESOURCES: dict[str, list[tuple[str, str, bool]]] = {
    "v1": [
        ("namespaces", "Namespace", False),
        ("secrets", "Secret", True),
        ("configmaps", "ConfigMap", True),
        ("services", "Service", True),
        ("serviceaccounts", "ServiceAccount", True),
    ],
    "apps/v1": [("deployments", "Deployment", True)],
    "networking.k8s.io/v1": [
        ("ingressclasses", "IngressClass", False),
        ("ingresses", "Ingress", True),
    ],
    "rbac.authorization.k8s.io/v1": [
        ("clusterroles", "ClusterRole", False),
        ("clusterrolebindings", "ClusterRoleBinding", False),
        ("roles", "Role", True),
        ("rolebindings", "RoleBinding", True),
    ],
    "policy/v1": [("poddisruptionbudgets", "PodDisruptionBudget", True)],
    "autoscaling/v2": [("horizontalpodautoscalers", "HorizontalPodAutoscaler", True)],
    "coordination.k8s.io/v1": [("leases", "Lease", True)],
    # The Prometheus Operator's kinds (metrics.serviceMonitor, metrics.prometheusRule).
    "monitoring.coreos.com/v1": [
        ("servicemonitors", "ServiceMonitor", True),
        ("prometheusrules", "PrometheusRule", True),
    ],
}

_GZIP_BASE64 = re.compile(rb"H4sI[A-Za-z0-9+/=]+")  # base64 of a gzip header


def _resource_list(group_version: str) -> dict:
    return {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": group_version,
        "resources": [
            {
                "name": plural,
                "singularName": kind.lower(),
                "namespaced": namespaced,
                "kind": kind,
                "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"],
            }
            for plural, kind, namespaced in RESOURCES[group_version]
        ],
    }


def _group_list() -> dict:
    groups = []
    for group_version in RESOURCES:
        if "/" not in group_version:
            continue
        group, version = group_version.split("/")
        entry = {"groupVersion": group_version, "version": version}
        groups.append({"name": group, "versions": [entry], "preferredVersion": entry})
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}


class FakeKubeAPI:
    """Runs the server on an ephemeral loopback port; `releases` collects stored releases."""

    def __init__(self) -> None:
        self.releases: list[dict] = []
        self.created: list[dict] = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # keep the check's output readable
                pass

            def _send(self, code: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _not_found(self) -> None:
                self._send(404, {"kind": "Status", "apiVersion": "v1", "status": "Failure",
                                 "reason": "NotFound", "code": 404, "message": "not found"})

            def _body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def do_GET(self) -> None:
                path = self.path.split("?")[0]
                if path == "/version":
                    return self._send(200, {"major": "1", "minor": "32", "gitVersion": "v1.32.0",
                                            "platform": "linux/amd64"})
                if path == "/api":
                    return self._send(200, {"kind": "APIVersions", "versions": ["v1"],
                                            "serverAddressByClientCIDRs": []})
                if path == "/apis":
                    return self._send(200, _group_list())
                if path == "/api/v1":
                    return self._send(200, _resource_list("v1"))
                if path.startswith("/apis/") and path.count("/") == 3:
                    group_version = path[len("/apis/"):]
                    if group_version in RESOURCES:
                        return self._send(200, _resource_list(group_version))
                if path.endswith("/secrets"):  # Helm lists earlier revisions of the release
                    return self._send(200, {"kind": "SecretList", "apiVersion": "v1",
                                            "metadata": {}, "items": []})
                return self._not_found()

            def _store(self, code: int) -> None:
                raw = self._body()
                if "protobuf" in (self.headers.get("Content-Type") or ""):
                    # Helm's release Secret: data.release is base64(gzip(JSON release)).
                    match = _GZIP_BASE64.search(raw)
                    if match:
                        api.releases.append(json.loads(gzip.decompress(base64.b64decode(match.group(0)))))
                    return self._send(code, {"kind": "Secret", "apiVersion": "v1",
                                             "metadata": {"name": "release", "resourceVersion": "1"}})
                obj = json.loads(raw or b"{}")
                api.created.append(obj)
                obj.setdefault("metadata", {})["resourceVersion"] = "1"
                self._send(code, obj)

            def do_POST(self) -> None:
                self._store(201)

            def do_PUT(self) -> None:
                self._store(200)

            def do_PATCH(self) -> None:
                self._store(200)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def kubeconfig(self, namespace: str) -> str:
        return (
            "apiVersion: v1\nkind: Config\n"
            f"clusters: [{{name: fake, cluster: {{server: \"{self.url}\"}}}}]\n"
            f"contexts: [{{name: fake, context: {{cluster: fake, user: fake, namespace: {namespace}}}}}]\n"
            "current-context: fake\n"
            "users: [{name: fake, user: {token: fake}}]\n"
        )

    def __enter__(self) -> "FakeKubeAPI":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
