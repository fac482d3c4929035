#!/usr/bin/env python3
"""The controller at scale: `sluice controller` against an API server holding N Ingresses.

The API server is either the tests' fake kube-apiserver (`--apiserver`: HTTPS, HTTP/2, LIST/WATCH
as a real one), seeded by `sluice-scale-apiserver`, or a real kube-apiserver (`--kubeconfig`, e.g.
the one /work/shared/kube/up.sh starts), seeded through its API by `scale_cluster.seed` with the
same objects: an IngressClass and N Ingresses, each with its own Service and EndpointSlice pointing
at a demo upstream. Everything is measured from outside, as an operator would: through the
Kubernetes API and through the proxy; both servers go through the same measurements.

- initial sync: process start -> /readyz answers 200 (every reflector listed, first table live);
- RSS after sync (VmRSS), and CPU in steady state (user+system seconds over a quiet spell);
- status write-back: ready -> every Ingress carries the published address (and the controller's
  CPU seconds meanwhile; at --log-level info, how many routing tables it swapped meanwhile: a
  status write comes back as a watch event and must rebuild nothing);
- a new Ingress live: the API server's 201 -> the first 200 through the proxy for its host;
- an annotation change live: the 200 of the PUT -> the first response with the new field
  (`sluice.io/response-headers`);
- a deletion live: the 200 of the DELETE -> the first 404.
Changes are spaced by --spacing seconds (a lone change each; bursts coalesce, see the README).

    swift build -c release --product sluice-scale-apiserver
    Scripts/build-release.sh --scratch-path .build-cmo
    python3 bench/scale.py --sluice .build-cmo/x86_64-unknown-linux-gnu/release/sluice \
        --apiserver .build/release/sluice-scale-apiserver --ingresses 10000

A real API server (run as root: the demo upstream listens on --upstream-address, 10.99.0.1,
added to `lo` for the run and removed after, because a real API server rejects loopback
endpoints). The controller runs with that kubeconfig's user (up.sh's admin: the benchmark needs
no RBAC objects). The seeded objects are kept, so a rerun starts at once (the Ingresses' status
is then written with a 192.0.2.x address none of them carries yet); the `bench` and `ns0`..`ns99`
namespaces hold them all, and the `new<i>` Ingresses the changes make are deleted by the run:

    /work/shared/kube/up.sh
    python3 bench/scale.py --sluice .build-cmo/x86_64-unknown-linux-gnu/release/sluice \
        --kubeconfig ~/.cache/sluice-kube/kubeconfig --ingresses 10000
"""

import argparse
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from scale_cluster import API, INGRESSES, SLICES, endpoint_slice, ingress, seed, service

HOST = "127.0.0.1"
FAKE_TOKEN = "test-token"


def wait_until(what, condition, timeout, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise RuntimeError(f"timed out after {timeout}s waiting for {what}")


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


class LogWindow:
    """Counts lines of the controller's log written between two marks (the log at info level)."""

    def __init__(self, path):
        self.path = path
        self.start = 0

    def mark(self):
        self.start = os.path.getsize(self.path)

    def count(self, text):
        with open(self.path, errors="replace") as file:
            file.seek(self.start)
            return sum(1 for line in file if text in line)


def start_fake_apiserver(args, directory, processes, upstream_port):
    """`sluice-scale-apiserver`, seeded by itself. Returns the API, the kubeconfig and the address
    to publish in Ingress status."""
    apiserver = subprocess.Popen(
        [args.apiserver, "--ingresses", str(args.ingresses), "--upstream-port", str(upstream_port),
         "--directory", directory], stdout=subprocess.PIPE, text=True)
    processes.append(apiserver)
    line = apiserver.stdout.readline().split()
    if len(line) != 2 or line[0] != "ready":
        raise RuntimeError(f"the API server did not start: {line}")
    api = API(line[1], FAKE_TOKEN, cafile=os.path.join(directory, "ca.crt"))
    api.create("/api/v1/namespaces/bench/services", service("svc0", "bench", cluster_ip="10.96.9.9"))
    api.create(f"{SLICES}/namespaces/bench/endpointslices", endpoint_slice("svc0", "bench", HOST, upstream_port))
    return api, os.path.join(directory, "kubeconfig"), "192.0.2.1"


def use_real_apiserver(args, upstream_port):
    """The API server of `--kubeconfig`, seeded through its API (what exists is kept). Returns the
    API, the kubeconfig and an address to publish that no Ingress carries yet (so every status is
    written, as on a fresh server)."""
    api = API.from_kubeconfig(args.kubeconfig)
    carried = seed(api, args.ingresses, args.upstream_address, upstream_port,
                   log=lambda text: print(text, file=sys.stderr))
    api.create("/api/v1/namespaces/bench/services", service("svc0", "bench"))
    api.create(f"{SLICES}/namespaces/bench/endpointslices",
               endpoint_slice("svc0", "bench", args.upstream_address, upstream_port))
    seen = set().union(*carried) if carried else set()
    address = next(f"192.0.2.{i}" for i in range(1, 255) if f"192.0.2.{i}" not in seen)
    return api, args.kubeconfig, address


def loopback_address(address):
    """Adds `address`/32 to `lo` unless it is there (a real API server rejects 127/8 endpoints).
    Returns whether it was added (so it is removed at the end)."""
    shown = subprocess.run(["ip", "-o", "addr", "show", "dev", "lo"], capture_output=True, text=True, check=True).stdout
    if f"inet {address}/" in shown:
        return False
    subprocess.run(["ip", "addr", "add", f"{address}/32", "dev", "lo"], check=True)
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sluice", required=True)
    server = parser.add_mutually_exclusive_group(required=True)
    server.add_argument("--apiserver", help="sluice-scale-apiserver: the fake API server, seeded by itself")
    server.add_argument("--kubeconfig", help="a real API server (admin token kubeconfig), seeded through its API")
    parser.add_argument("--upstream-address", default="10.99.0.1",
                        help="with --kubeconfig: the demo upstream's address, added to lo (not 127/8)")
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
    added_address = False
    try:
        upstream_host = HOST
        if args.kubeconfig:
            added_address = loopback_address(args.upstream_address)
            upstream_host = args.upstream_address
        upstream = subprocess.Popen([args.sluice, "demo-upstream", "--host", upstream_host, "--port", str(upstream_port)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        processes.append(upstream)
        if args.kubeconfig:
            api, kubeconfig, status_address = use_real_apiserver(args, upstream_port)
        else:
            api, kubeconfig, status_address = start_fake_apiserver(args, directory, processes, upstream_port)

        log_path = os.path.join(directory, "controller.log")
        started = time.monotonic()
        controller = subprocess.Popen(
            [args.sluice, "controller", "--kubeconfig", kubeconfig,
             "--publish-status-address", status_address, "--bind-address", HOST, "--http-port", str(http_port),
             "--https-port", str(https_port), "--admin-port", str(admin_port), "--log-level", args.log_level],
            env={**os.environ, "POD_NAMESPACE": "bench", "POD_NAME": "scale-bench"},
            stdout=subprocess.DEVNULL, stderr=open(log_path, "w"))
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
        status_phase = LogWindow(log_path)
        status_phase.mark()
        cpu_at_ready = cpu_seconds(controller.pid)
        api.wait_for_status(status_address, args.ingresses, timeout=600)
        status = time.monotonic() - started - sync
        status_cpu = cpu_seconds(controller.pid) - cpu_at_ready
        swaps_during_status = status_phase.count("routing table swapped")
        status_writes_logged = status_phase.count("wrote Ingress status")

        time.sleep(2)
        cpu_before = cpu_seconds(controller.pid)
        time.sleep(args.steady)
        steady_cpu = (cpu_seconds(controller.pid) - cpu_before) / args.steady

        proxy = Proxy(http_port)
        created, changed, deleted = [], [], []
        changes_phase = LogWindow(log_path)
        changes_phase.mark()
        for index in range(args.changes):
            host = f"new{index}.example.com"
            time.sleep(args.spacing)
            api.request("POST", f"{INGRESSES}/namespaces/bench/ingresses", ingress(f"new{index}", "bench", host, "svc0"))
            created.append(proxy.time_until(host, lambda r: r.status == 200))
            time.sleep(args.spacing)
            api.request("PUT", f"{INGRESSES}/namespaces/bench/ingresses/new{index}",
                        ingress(f"new{index}", "bench", host, "svc0", {"sluice.io/response-headers": f"X-Generation: {index}"}))
            changed.append(proxy.time_until(host, lambda r: r.getheader("X-Generation") == str(index)))
            time.sleep(args.spacing)
            api.request("DELETE", f"{INGRESSES}/namespaces/bench/ingresses/new{index}")
            deleted.append(proxy.time_until(host, lambda r: r.status == 404))
        rss_end = rss_mib(controller.pid)
        swaps_during_changes = changes_phase.count("routing table swapped")

        def ms(values):
            return {"p50": round(statistics.median(values) * 1000, 1),
                    "p99": round(percentile(values, 0.99) * 1000, 1)}

        results = {
            "apiserver": "real (--kubeconfig)" if args.kubeconfig else "fake (sluice-scale-apiserver)",
            "ingresses": args.ingresses, "initial_sync_s": round(sync, 2), "rss_after_sync_mib": round(rss_after_sync, 1),
            "status_written_s": round(status, 1), "status_cpu_s": round(status_cpu, 2),
            "steady_cpu_percent": round(steady_cpu * 100, 2),
            "new_ingress_ms": ms(created), "annotation_change_ms": ms(changed), "deletion_ms": ms(deleted),
            "rss_end_mib": round(rss_end, 1), "samples": args.changes,
        }
        logged = args.log_level in ("info", "debug", "trace")
        if logged:
            results["table_swaps_during_status"] = swaps_during_status
            results["status_writes_logged"] = status_writes_logged
            results["table_swaps_during_changes"] = swaps_during_changes
        if args.json:
            print(json.dumps(results, indent=2))
        else:
            print(f"| {args.ingresses} Ingresses (+ a Service and EndpointSlice each), {results['apiserver']} API server | Sluice |")
            print("|---|---|")
            print(f"| initial sync (start -> ready) | {results['initial_sync_s']} s |")
            print(f"| RSS after sync | {results['rss_after_sync_mib']} MiB |")
            print(f"| every status written (after ready) | {results['status_written_s']} s |")
            print(f"| controller CPU while writing status | {results['status_cpu_s']} s |")
            if logged:
                print(f"| routing table swaps while writing status ({status_writes_logged} status writes) "
                      f"| {swaps_during_status} |")
            print(f"| CPU in steady state | {results['steady_cpu_percent']} % of a core |")
            for label, key in (("new Ingress live", "new_ingress_ms"), ("annotation change live", "annotation_change_ms"),
                               ("deletion live", "deletion_ms")):
                print(f"| {label}, p50 / p99 of {args.changes} | {results[key]['p50']} / {results[key]['p99']} ms |")
            if logged:
                print(f"| routing table swaps for {3 * args.changes} changes | {swaps_during_changes} |")
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
        if added_address:
            subprocess.run(["ip", "addr", "del", f"{args.upstream_address}/32", "dev", "lo"], check=False)


if __name__ == "__main__":
    sys.exit(main())
