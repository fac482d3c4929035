"""The Kubernetes side of the scale benchmark (`bench/scale.py`): a client for the API server and
the objects the benchmark works with, and the seeding of a real API server.

The fake API server (`sluice-scale-apiserver`) seeds itself; a real one is seeded here through
its API, with the same objects: an IngressClass and N Ingresses `ing<i>` in namespaces
`ns<i % 100>`, each with its own Service and EndpointSlice `svc<i>` (one endpoint: the demo
upstream). Objects that already exist are skipped, so a rerun against the same API server does
not seed again.
"""

import base64
import concurrent.futures
import http.client
import json
import ssl
import threading
import time

INGRESS_CLASS = {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass", "metadata": {"name": "sluice"},
                 "spec": {"controller": "sluice.io/ingress-controller"}}
INGRESSES = "/apis/networking.k8s.io/v1"
SLICES = "/apis/discovery.k8s.io/v1"


class APIError(RuntimeError):
    def __init__(self, method, path, status, data):
        super().__init__(f"{method} {path}: {status} {data[:200]!r}")
        self.status = status


class API:
    """Requests to an API server as one bearer-token user, on one keep-alive connection per thread
    (the seeding runs several threads)."""

    def __init__(self, url, token, cafile=None, cadata=None):
        self.host, self.port = url.removeprefix("https://").rstrip("/").split(":")
        self.token = token
        self.context = ssl.create_default_context(cafile=cafile, cadata=cadata)
        self.local = threading.local()

    @classmethod
    def from_kubeconfig(cls, path):
        """The current context's server, CA and token. Reads the kubeconfig `up.sh` writes (one
        cluster with `certificate-authority-data`, one user with a `token`), without a YAML library."""
        fields = {}
        with open(path) as file:
            for line in file:
                key, _, value = line.strip().partition(":")
                if key in ("server", "certificate-authority-data", "token") and key not in fields:
                    fields[key] = value.strip().strip('"')
        missing = {"server", "certificate-authority-data", "token"} - fields.keys()
        if missing:
            raise RuntimeError(f"{path}: no {', '.join(sorted(missing))} (a token kubeconfig with the CA embedded is needed)")
        cadata = base64.b64decode(fields["certificate-authority-data"]).decode()
        return cls(fields["server"], fields["token"], cadata=cadata)

    def _connection(self, fresh=False):
        if fresh or getattr(self.local, "connection", None) is None:
            self.local.connection = http.client.HTTPSConnection(self.host, int(self.port), context=self.context, timeout=60)
        return self.local.connection

    def request(self, method, path, body=None, content_type="application/json"):
        headers = {"Authorization": f"Bearer {self.token}"}
        if body is not None:
            headers["Content-Type"] = content_type
        payload = json.dumps(body) if body is not None else None
        for attempt in range(2):
            connection = self._connection(fresh=attempt > 0)
            try:
                connection.request(method, path, body=payload, headers=headers)
                response = connection.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # An idle keep-alive connection the server closed: once more on a new one.
                connection.close()
                if attempt > 0:
                    raise
        if response.getheader("Connection", "").lower() == "close":
            connection.close()
            self.local.connection = None
        if response.status >= 300:
            raise APIError(method, path, response.status, data)
        return json.loads(data) if data else None

    def list_all(self, path):
        """Every item of a collection, page by page, and the resourceVersion of that snapshot."""
        items, token, version = [], None, None
        while True:
            query = "?limit=2000" + (f"&continue={token}" if token else "")
            page = self.request("GET", path + query)
            items.extend(page["items"])
            version = version or page["metadata"].get("resourceVersion")
            token = page["metadata"].get("continue")
            if not token:
                return items, version

    def wait_for_status(self, address, count, timeout):
        """Returns once `count` Ingresses carry `address` in their status: a LIST, then a WATCH
        from it, so the last write is seen as it happens. (Polling would not do: a real API server
        takes a second or more to LIST 10,000 Ingresses, and the LISTs load it meanwhile.)"""
        deadline = time.monotonic() + timeout
        path = f"{INGRESSES}/ingresses"
        items, version = self.list_all(path)
        carrying = {key(item) for item in items if address in status_addresses(item)}
        while len(carrying) < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise RuntimeError(f"timed out after {timeout}s: {len(carrying)} of {count} Ingresses carry {address}")
            connection = http.client.HTTPSConnection(self.host, int(self.port), context=self.context, timeout=remaining)
            try:
                connection.request("GET", f"{path}?watch=1&resourceVersion={version}&timeoutSeconds={int(remaining) + 1}",
                                   headers={"Authorization": f"Bearer {self.token}"})
                response = connection.getresponse()
                if response.status != 200:
                    raise APIError("WATCH", path, response.status, response.read())
                while len(carrying) < count:
                    line = response.readline()
                    if not line:
                        break  # the server ended the watch (timeoutSeconds): watch again from `version`
                    event = json.loads(line)
                    if event["type"] == "ERROR":
                        raise RuntimeError(f"WATCH {path}: {event['object']}")
                    item = event["object"]
                    version = item["metadata"]["resourceVersion"]
                    if event["type"] != "DELETED" and address in status_addresses(item):
                        carrying.add(key(item))
                    else:
                        carrying.discard(key(item))
            finally:
                connection.close()

    def create(self, path, body):
        """POST, or nothing when it exists already (409)."""
        try:
            self.request("POST", path, body)
        except APIError as error:
            if error.status != 409:
                raise


def key(item):
    return item["metadata"].get("namespace", ""), item["metadata"]["name"]


def status_addresses(ingress):
    entries = ((ingress.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
    return {entry.get("ip") for entry in entries}


def ingress(name, namespace, host, service, annotations=None):
    return {
        "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
        "metadata": {"name": name, "namespace": namespace, "annotations": annotations or {}},
        "spec": {"ingressClassName": "sluice", "rules": [{"host": host, "http": {"paths": [{
            "path": "/", "pathType": "Prefix",
            "backend": {"service": {"name": service, "port": {"number": 80}}}}]}}]},
    }


def service(name, namespace, cluster_ip=None):
    """A ClusterIP Service; a real API server allocates the address when `cluster_ip` is None."""
    spec = {"type": "ClusterIP", "ports": [{"name": "http", "port": 80, "targetPort": 8080}]}
    if cluster_ip:
        spec["clusterIP"] = cluster_ip
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": namespace}, "spec": spec}


def endpoint_slice(service_name, namespace, address, port):
    return {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": {"name": f"{service_name}-abc", "namespace": namespace,
                         "labels": {"kubernetes.io/service-name": service_name}},
            "addressType": "IPv4",
            "endpoints": [{"addresses": [address], "conditions": {"ready": True}}],
            "ports": [{"name": "http", "port": port, "protocol": "TCP"}]}


def slice_points_at(item, address, port):
    endpoints, ports = item.get("endpoints") or [], item.get("ports") or []
    return ([e.get("addresses") for e in endpoints] == [[address]]
            and [p.get("port") for p in ports] == [port])


def seed(api, count, address, port, workers=16, log=print):
    """Makes the real API server hold what `sluice-scale-apiserver` seeds: the namespaces, the
    IngressClass and `count` Ingresses with a Service and an EndpointSlice each (to `address:port`).
    Existing objects are kept; EndpointSlices pointing elsewhere (another --base-port) are replaced.
    Returns every Ingress's status addresses (the benchmark publishes one none of them carries)."""
    namespaces = ["bench"] + [f"ns{i}" for i in range(min(count, 100))]
    for namespace in namespaces:
        api.create("/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}})
    api.create(f"{INGRESSES}/ingressclasses", INGRESS_CLASS)

    existing_ingresses, _ = api.list_all(f"{INGRESSES}/ingresses")
    ingresses = {key(i) for i in existing_ingresses}
    services = {key(s) for s in api.list_all("/api/v1/services")[0]}
    slices = {key(s): s for s in api.list_all(f"{SLICES}/endpointslices")[0]}

    work = []
    for index in range(count):
        namespace, name = f"ns{index % 100}", f"svc{index}"
        if (namespace, name) not in services:
            work.append(("POST", f"/api/v1/namespaces/{namespace}/services", service(name, namespace)))
        current = slices.get((namespace, f"{name}-abc"))
        if current is not None and not slice_points_at(current, address, port):
            work.append(("PUT", f"{SLICES}/namespaces/{namespace}/endpointslices/{name}-abc",
                         {**endpoint_slice(name, namespace, address, port),
                          "metadata": {**current["metadata"], "labels": {"kubernetes.io/service-name": name}}}))
        elif current is None:
            work.append(("POST", f"{SLICES}/namespaces/{namespace}/endpointslices", endpoint_slice(name, namespace, address, port)))
        if (namespace, f"ing{index}") not in ingresses:
            work.append(("POST", f"{INGRESSES}/namespaces/{namespace}/ingresses",
                         ingress(f"ing{index}", namespace, f"i{index}.example.com", f"svc{index}",
                                 {"sluice.io/proxy-read-timeout": "30s"})))
    # What an interrupted run left: the benchmark's own new<i> Ingresses.
    for namespace, name in ingresses:
        if namespace == "bench" and name.startswith("new"):
            work.append(("DELETE", f"{INGRESSES}/namespaces/bench/ingresses/{name}", None))

    def apply(item):
        method, path, body = item
        if method == "POST":
            api.create(path, body)
        else:
            api.request(method, path, body)

    if work:
        log(f"seeding: {len(work)} writes with {workers} connections")
        with concurrent.futures.ThreadPoolExecutor(workers) as pool:
            for _ in pool.map(apply, work):
                pass
    else:
        log(f"seeding: all {count} Ingresses, Services and EndpointSlices are there already")
    return [status_addresses(i) for i in existing_ingresses]
