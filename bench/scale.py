#!/usr/bin/env python3
"""The controller at scale: `sluice controller` against an API server holding N Ingresses.

The API server is the tests' fake kube-apiserver (HTTPS, HTTP/2, LIST/WATCH as a real one),
seeded by `sluice-scale-apiserver` with an IngressClass and N Ingresses, each with its own
Service and EndpointSlice pointing at a demo upstream. Everything is measured from outside, as
an operator would: through the Kubernetes API and through the proxy.

- initial sync: process start -> /readyz answers 200 (every reflector listed, first table live);
- RSS after sync (VmRSS), and CPU in steady state (user+system seconds over a quiet spell);
- status write-back: ready -> every Ingress carries the published address;
- a new Ingress live: the API server's 201 -> the first 200 through the proxy for its host;
- an annotation change live: the 200 of the PUT -> the first response with the new field
  (`sluice.io/response-headers`);
- a deletion live: the 200 of the DELETE -> the first 404.
Changes are spaced by --spacing seconds (a lone change each; bursts coalesce, see the README).

    swift build --product sluice-scale-apiserver
    Scripts/build-release.sh --scratch-path .build-cmo
    python3 bench/scale.py --sluice .build-cmo/x86_64-unknown-linux-gnu/release/sluice \
        --apiserver .build/debug/sluice-scale-apiserver --ingresses 10000
"""

import argparse
import http.client
import json
import os
import shutil
import ssl
import statistics
import subprocess
import sys
import tempfile
import time

HOST = "127.0.0.1"
TOKEN = "test-token"


def wait_until(what, condition, timeout, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise RuntimeError(f"timed out after {timeout}s waiting for {what}")


class API:
    """Requests to the fake API server, as a user with the test token."""

    def __init__(self, url, cafile):
        self.host, self.port = url.removeprefix("https://").split(":")
        self.context = ssl.create_default_context(cafile=cafile)

    def request(self, method, path, body=None, content_type="application/json"):
        connection = http.client.HTTPSConnection(self.host, int(self.port), context=self.context, timeout=60)
        headers = {"Authorization": f"Bearer {TOKEN}"}
        if body is not None:
            headers["Content-Type"] = content_type
        connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        response = connection.getresponse()
        data = response.read()
        connection.close()
        if response.status >= 300:
            raise RuntimeError(f"{method} {path}: {response.status} {data[:200]!r}")
        return json.loads(data) if data else None

    def ingresses_with_status(self, address):
        count, token = 0, None
        while True:
            query = "?limit=2000" + (f"&continue={token}" if token else "")
            page = self.request("GET", "/apis/networking.k8s.io/v1/ingresses" + query)
            for item in page["items"]:
                ingress = ((item.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
                if any(entry.get("ip") == address for entry in ingress):
                    count += 1
            token = page["metadata"].get("continue")
            if not token:
                return count


def ingress(name, host, annotations=None):
    return {
        "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
        "metadata": {"name": name, "namespace": "bench", "annotations": annotations or {}},
        "spec": {"ingressClassName": "sluice", "rules": [{"host": host, "http": {"paths": [{
            "path": "/", "pathType": "Prefix",
            "backend": {"service": {"name": "svc0", "port": {"number": 80}}}}]}}]},
    }


class Proxy:
    """Polls the proxy on one keep-alive connection."""

    def __init__(self, port):
        self.port = port
        self.connection = None

    def get(self, host):
        for _ in range(2):
            try:
                if self.connection is None:
                    self.connection = http.client.HTTPConnection(HOST, self.port, timeout=10)
                self.connection.request("GET", "/bench/small", headers={"Host": host})
                response = self.connection.getresponse()
                response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.connection.close()
                    self.connection = None
                return response
            except (http.client.HTTPException, OSError):
                self.connection = None
        raise RuntimeError("the proxy does not answer")

    def time_until(self, host, accepted, timeout=30):
        """Seconds until a response for `host` satisfies `accepted`, polling as fast as it answers."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if accepted(self.get(host)):
                return time.monotonic() - start
        raise RuntimeError(f"no accepted answer for {host} within {timeout}s")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as file:
        fields = file.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as file:
        for line in file:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sluice", required=True)
    parser.add_argument("--apiserver", required=True)
    parser.add_argument("--ingresses", type=int, default=10000)
    parser.add_argument("--changes", type=int, default=40, help="samples of each kind of change")
    parser.add_argument("--spacing", type=float, default=1.2, help="seconds between changes")
    parser.add_argument("--steady", type=float, default=10.0, help="seconds of quiet for the CPU figure")
    parser.add_argument("--base-port", type=int, default=18600)
    parser.add_argument("--log-level", default="warning", help="the controller's (its log: --keep shows where)")
    parser.add_argument("--keep", action="store_true", help="keep the working directory (kubeconfig, controller.log)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    upstream_port, http_port, https_port, admin_port = (args.base_port + i for i in range(4))
    directory = tempfile.mkdtemp(prefix="sluice-scale-")
    processes = []
    try:
        upstream = subprocess.Popen([args.sluice, "demo-upstream", "--host", HOST, "--port", str(upstream_port)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        processes.append(upstream)
        apiserver = subprocess.Popen(
            [args.apiserver, "--ingresses", str(args.ingresses), "--upstream-port", str(upstream_port),
             "--directory", directory], stdout=subprocess.PIPE, text=True)
        processes.append(apiserver)
        line = apiserver.stdout.readline().split()
        if len(line) != 2 or line[0] != "ready":
            raise RuntimeError(f"the API server did not start: {line}")
        api = API(line[1], os.path.join(directory, "ca.crt"))
        api.request("POST", "/api/v1/namespaces/bench/services",
                    {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "svc0", "namespace": "bench"},
                     "spec": {"type": "ClusterIP", "clusterIP": "10.96.9.9",
                              "ports": [{"name": "http", "port": 80, "targetPort": 8080}]}})
        api.request("POST", "/apis/discovery.k8s.io/v1/namespaces/bench/endpointslices",
                    {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                     "metadata": {"name": "svc0-abc", "namespace": "bench",
                                  "labels": {"kubernetes.io/service-name": "svc0"}},
                     "addressType": "IPv4",
                     "endpoints": [{"addresses": [HOST], "conditions": {"ready": True}}],
                     "ports": [{"name": "http", "port": upstream_port, "protocol": "TCP"}]})

        started = time.monotonic()
        controller = subprocess.Popen(
            [args.sluice, "controller", "--kubeconfig", os.path.join(directory, "kubeconfig"),
             "--publish-status-address", "192.0.2.1", "--bind-address", HOST, "--http-port", str(http_port),
             "--https-port", str(https_port), "--admin-port", str(admin_port), "--log-level", args.log_level],
            env={**os.environ, "POD_NAMESPACE": "bench", "POD_NAME": "scale-bench"},
            stdout=subprocess.DEVNULL, stderr=open(os.path.join(directory, "controller.log"), "w"))
        processes.append(controller)

        def ready():
            try:
                connection = http.client.HTTPConnection(HOST, admin_port, timeout=2)
                connection.request("GET", "/readyz")
                return connection.getresponse().status == 200
            except OSError:
                return False

        wait_until("readiness", ready, timeout=300, interval=0.02)
        sync = time.monotonic() - started
        rss_after_sync = rss_mib(controller.pid)
        wait_until("every status", lambda: api.ingresses_with_status("192.0.2.1") >= args.ingresses,
                   timeout=600, interval=0.5)
        status = time.monotonic() - started - sync

        time.sleep(2)
        cpu_before = cpu_seconds(controller.pid)
        time.sleep(args.steady)
        steady_cpu = (cpu_seconds(controller.pid) - cpu_before) / args.steady

        proxy = Proxy(http_port)
        created, changed, deleted = [], [], []
        for index in range(args.changes):
            host = f"new{index}.example.com"
            time.sleep(args.spacing)
            api.request("POST", "/apis/networking.k8s.io/v1/namespaces/bench/ingresses", ingress(f"new{index}", host))
            created.append(proxy.time_until(host, lambda r: r.status == 200))
            time.sleep(args.spacing)
            api.request("PUT", f"/apis/networking.k8s.io/v1/namespaces/bench/ingresses/new{index}",
                        ingress(f"new{index}", host, {"sluice.io/response-headers": f"X-Generation: {index}"}))
            changed.append(proxy.time_until(host, lambda r: r.getheader("X-Generation") == str(index)))
            time.sleep(args.spacing)
            api.request("DELETE", f"/apis/networking.k8s.io/v1/namespaces/bench/ingresses/new{index}")
            deleted.append(proxy.time_until(host, lambda r: r.status == 404))
        rss_end = rss_mib(controller.pid)

        def ms(values):
            return {"p50": round(statistics.median(values) * 1000, 1),
                    "p99": round(percentile(values, 0.99) * 1000, 1)}

        results = {
            "ingresses": args.ingresses, "initial_sync_s": round(sync, 2), "rss_after_sync_mib": round(rss_after_sync, 1),
            "status_written_s": round(status, 1), "steady_cpu_percent": round(steady_cpu * 100, 2),
            "new_ingress_ms": ms(created), "annotation_change_ms": ms(changed), "deletion_ms": ms(deleted),
            "rss_end_mib": round(rss_end, 1), "samples": args.changes,
        }
        if args.json:
            print(json.dumps(results, indent=2))
        else:
            print(f"| {args.ingresses} Ingresses (+ a Service and EndpointSlice each) | Sluice |")
            print("|---|---|")
            print(f"| initial sync (start -> ready) | {results['initial_sync_s']} s |")
            print(f"| RSS after sync | {results['rss_after_sync_mib']} MiB |")
            print(f"| every status written (after ready) | {results['status_written_s']} s |")
            print(f"| CPU in steady state | {results['steady_cpu_percent']} % of a core |")
            for label, key in (("new Ingress live", "new_ingress_ms"), ("annotation change live", "annotation_change_ms"),
                               ("deletion live", "deletion_ms")):
                print(f"| {label}, p50 / p99 of {args.changes} | {results[key]['p50']} / {results[key]['p99']} ms |")
            print(f"| RSS at the end | {results['rss_end_mib']} MiB |")
    finally:
        if args.keep:
            print(f"working directory: {directory}", file=sys.stderr)
        else:
            shutil.rmtree(directory, ignore_errors=True)
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


if __name__ == "__main__":
    sys.exit(main())
