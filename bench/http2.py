#!/usr/bin/python3
"""HTTP/2 to clients, Sluice next to nginx, on loopback, against the same demo upstream (issue 23).

Both proxies terminate TLS with the same self-signed ECDSA P-256 certificate for bench.local (made
here with `openssl`, as tls.py) and offer h2 by ALPN: nginx 1.22 with `listen ... ssl http2` (its
`http2 on` directive came in 1.25.1), Sluice by default. Both allow 128 concurrent streams per
connection (nginx's `http2_max_concurrent_streams` default, set explicitly; Sluice's
`--http2-max-concurrent-streams` default). Both speak HTTP/1.1 to the upstream. Measures:
  (a) small requests over h2: `h2load -c 8 -m 8 -t 1 -D 10` (64 requests in flight, as bench.py's
      wrk has 64 connections) of `GET /bench/small`, both proxies running, 3 rounds with the order
      alternating; requests/s (median round) and requests per proxy CPU-second (all rounds' done
      requests ÷ all rounds' proxy CPU: user + system of every thread, nginx's master and workers).
  (b) RSS per idle multiplexed SSE stream: 5,000 streams on 50 HTTP/2 connections (100 each)
      that get one event and stay silent; RSS (nginx: its workers' sum) with them open minus
      before, ÷ 5,000; on proxies started for it, after a warm-up.
  (c) user-space instructions per SSE event relayed over HTTP/2, counted by callgrind as
      instructions.py counts them over HTTP/1.1 (each proxy alone, one worker / event loop; a
      stream of E1 events then one of E2, 20 ms apart, on a connection of its own: the difference
      per event). Over h2c with prior knowledge (Sluice: `--enable-h2c`; nginx: a `listen ...
      http2` without TLS), so no encryption is in the count; the same over HTTP/1.1 in the same
      process for comparison.

Prints one Markdown table. Run it with Debian's /usr/bin/python3 (python3-h2); needs `openssl`,
`h2load` (nghttp2-client) and, for (c), valgrind and binutils' `strip`. See bench/README.md.
"""

import argparse
import asyncio
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench  # noqa: E402  (processes, CPU and RSS readings)
import instructions  # noqa: E402  (callgrind)
import tls  # noqa: E402  (certificate, manifests, TLS nginx and Sluice)
from h2_client import H2Client, h2, one_stream  # noqa: E402  (python3-h2)

HOST = bench.HOST
SERVER_NAME = tls.SERVER_NAME
IDLE_PATH = "/bench/sse?events=100000000&interval_ms=3600000"  # one event at once, then silence
log = bench.log


# ---------------------------------------------------------------------------------------------
# Proxies


class H2Nginx(tls.TLSNginx):
    """tls.py's nginx with `http2` on its TLS listener, and with `h2c_port` a plain listener that
    speaks HTTP/2 with prior knowledge (nginx 1.22 cannot offer both on one plain port)."""

    def __init__(self, *arguments, h2c_port=None, **options):
        self.h2c_port = h2c_port
        super().__init__(*arguments, **options)

    def write_config(self, extra_path):
        super().write_config(extra_path)
        with open(self.conf) as conf:
            text = conf.read()
        listen = f"        listen {HOST}:{self.tls_port} ssl backlog=4096;\n"
        if listen not in text:
            raise RuntimeError("tls.py's nginx configuration has no TLS `listen` line to add `http2` to")
        replacement = (f"        listen {HOST}:{self.tls_port} ssl http2 backlog=4096;\n"
                       "        http2_max_concurrent_streams 128;\n")
        if self.h2c_port:
            replacement += f"        listen {HOST}:{self.h2c_port} http2 backlog=4096;\n"
        with open(self.conf, "w") as conf:
            conf.write(text.replace(listen, replacement))

    def cpu_pids(self):
        """The master and its workers."""
        return [self.process.pid, *self.proxy_pids()]


def cpu_pids(target):
    return target.cpu_pids() if hasattr(target, "cpu_pids") else target.proxy_pids()


def proxies(args, names, upstream_port):
    """The proxies in `names`, started for one measurement (a context manager: stopped after it)."""
    return tls.Proxies(args, names, args.certificate, args.key, upstream_port, nginx_type=H2Nginx)


# ---------------------------------------------------------------------------------------------
# Measurements


H2LOAD_TOTALS = re.compile(r"requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed")


def h2load(port, arguments):
    output = subprocess.run(
        ["h2load", "--connect-to", f"{HOST}:{port}", *arguments, f"https://{SERVER_NAME}:{port}/bench/small"],
        check=True, capture_output=True, text=True, timeout=600).stdout
    totals = H2LOAD_TOTALS.search(output)
    rate = re.search(r"finished in [\d.]+m?s, ([\d.]+) req/s", output)
    protocol = re.search(r"Application protocol: (\S+)", output)
    cipher = re.search(r"Cipher: (\S+)", output)
    version = re.search(r"TLS Protocol: (\S+)", output)
    if not totals or not rate or not protocol or protocol.group(1) != "h2":
        raise RuntimeError(f"h2load on port {port}: unexpected output:\n{output}")
    return {"rps": float(rate.group(1)), "done": int(totals.group(3)), "succeeded": int(totals.group(4)),
            "failed": int(totals.group(5)),
            "negotiated": f"{protocol.group(1)}, {version.group(1) if version else '?'}, "
                          f"{cipher.group(1) if cipher else '?'}"}


def measure_throughput(running, args, column):
    load = ["-c", str(args.clients), "-m", str(args.streams), "-t", "1"]
    rounds = {target.name: [] for target in running}
    for index, target in bench.interleaved(running, args.rounds):
        port = target.tls_port
        log(f"h2load: round {index + 1}/{args.rounds}, {target.name}")
        h2load(port, [*load, "-n", "2000"])  # warm-up: upstream pool, caches
        before = bench.cpu_seconds(cpu_pids(target))
        measured = h2load(port, [*load, "-D", str(args.seconds)])
        measured["cpu"] = bench.cpu_seconds(cpu_pids(target)) - before
        rounds[target.name].append(measured)
    for name, measured in rounds.items():
        results = column(name)
        results["rps"] = sorted(m["rps"] for m in measured)[len(measured) // 2]
        results["rps_rounds"] = ", ".join(f"{m['rps']:,.0f}" for m in measured)
        done, cpu = sum(m["done"] for m in measured), sum(m["cpu"] for m in measured)
        results["per_cpu_s"] = done / cpu
        results["cpu_us"] = cpu / done * 1e6
        results["per_cpu_s_rounds"] = ", ".join(f"{m['done'] / m['cpu']:,.0f}" for m in measured)
        failed = sum(m["failed"] + m["done"] - m["succeeded"] for m in measured)
        results["failed"] = f"{failed:,} of {done:,}"
        results["negotiated"] = measured[0]["negotiated"]


async def idle_stream_memory(target, context, connections, per_connection):
    """(RSS delta per stream in KiB, RSS with the streams open in MiB) for `connections` ×
    `per_connection` streams that each got their first event and are silent since."""
    total = connections * per_connection
    pids = target.proxy_pids()
    before = sum(bench.rss_kib(pid) for pid in pids)
    seen = set()
    everyone = asyncio.get_running_loop().create_future()

    def first_event(client_index):
        def on_event(stream, _):
            seen.add((client_index, stream))
            if len(seen) == total and not everyone.done():
                everyone.set_result(None)
        return on_event

    clients = []
    try:
        for index in range(connections):
            client = await H2Client.open(target.tls_port, context)
            clients.append(client)
            for _ in range(per_connection):
                client.get(IDLE_PATH, first_event(index))
            await asyncio.sleep(0.05)  # let the connection's streams open before the next one's
        deadline = time.time() + 180
        while not everyone.done():
            failed = next((client.failure() for client in clients if client.failure()), None)
            if failed or time.time() > deadline:
                raise RuntimeError(f"{target.name}: {len(seen):,} of {total:,} streams had their first event"
                                   + (f"; {failed}" if failed else ""))
            await asyncio.sleep(0.1)
        await asyncio.sleep(3)
        after = sum(bench.rss_kib(pid) for pid in target.proxy_pids())
        failed = next((client.failure() for client in clients if client.failure()), None)
        if failed:
            raise RuntimeError(f"{target.name}: a stream failed while idle: {failed}")
    finally:
        await asyncio.gather(*(client.close() for client in clients))
    await asyncio.sleep(2)
    return (after - before) / total, after / 1024


def measure_memory(running, args, column):
    context = tls.client_context(args.certificate)
    context.set_alpn_protocols(["h2"])
    for target in running:
        h2load(target.tls_port, ["-c", "5", "-m", "10", "-n", "1000"])  # warm-up
        for _ in range(3):
            asyncio.run(one_stream(target.tls_port, "/bench/sse?events=1", context))
        time.sleep(1)
        log(f"memory: {args.connections * args.per_connection:,} idle streams on {args.connections} "
            f"h2 connections through {target.name}")
        per_stream, total = asyncio.run(idle_stream_memory(target, context, args.connections, args.per_connection))
        results = column(target.name)
        results["rss_per_stream"] = per_stream
        results["rss_total"] = total


def measure_instructions(args, upstream, column):
    """(c): per relayed SSE event, over h2c and over HTTP/1.1, each proxy alone under callgrind."""
    workdir = tempfile.mkdtemp(prefix="sluice-bench-h2-instructions-")
    os.chmod(workdir, 0o755)
    try:
        sluice = instructions.stripped_copy(args.sluice, workdir)
        for name in args.targets:
            out = os.path.join(workdir, f"{name}.callgrind")
            launcher = instructions.callgrind_launcher(name, out)
            log(f"instructions: {name} under callgrind")
            if name == "nginx":
                target = H2Nginx(args.nginx, args.nginx_port, args.nginx_tls_port, upstream.port, 1, args.certificate,
                                 args.key, h2c_port=args.nginx_h2c_port, launcher=launcher,
                                 global_directives="daemon off; master_process off;", ready_timeout=120)
                h2c_port = args.nginx_h2c_port
            else:
                target = bench.Sluice(sluice, args.sluice_port, args.sluice_admin_port, upstream.port,
                                      launcher=launcher, ready_timeout=120,
                                      extra_arguments=("--event-loops", "1", "--enable-h2c",
                                                       # not the default 8443, which another Sluice may hold
                                                       "--https-port", str(args.sluice_tls_port)))
                h2c_port = args.sluice_port
            try:
                counted = instructions.Counted(target, out)

                def h2c_events(count):
                    received = asyncio.run(one_stream(h2c_port, f"/bench/sse?events={count}&interval_ms=20"))
                    if received != count:
                        raise RuntimeError(f"{name}: {received} of {count} events over h2c")

                h2c_events(5)
                instructions.event_stream(target.port, 5)
                few = counted.count(lambda: h2c_events(args.events_low))
                many = counted.count(lambda: h2c_events(args.events_high))
                column(name)["h2c_event_instructions"] = (many - few) / (args.events_high - args.events_low)
                few = counted.count(lambda: instructions.event_stream(target.port, args.events_low))
                many = counted.count(lambda: instructions.event_stream(target.port, args.events_high))
                column(name)["h1_event_instructions"] = (many - few) / (args.events_high - args.events_low)

                def h2c_requests(count):
                    # One connection, one request at a time: the difference of two runs is the
                    # per-request cost, the connection's own cost cancelling out.
                    output = subprocess.run(
                        ["h2load", "--connect-to", f"{HOST}:{h2c_port}", "-n", str(count), "-c", "1", "-m", "1",
                         f"http://{SERVER_NAME}:{h2c_port}/bench/small"],
                        check=True, capture_output=True, text=True, timeout=600).stdout
                    totals = H2LOAD_TOTALS.search(output)
                    if not totals or int(totals.group(4)) != count:
                        raise RuntimeError(f"{name}: h2c requests: unexpected output:\n{output}")

                h2c_requests(20)
                few = counted.count(lambda: h2c_requests(args.requests_low))
                many = counted.count(lambda: h2c_requests(args.requests_high))
                column(name)["h2c_request_instructions"] = (many - few) / (args.requests_high - args.requests_low)
            finally:
                target.stop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# Report


ROWS = [
    ("rps", "h2 small requests: requests/s (h2load -c {clients} -m {streams} -t 1 -D {seconds}, median of {rounds} rounds)",
     "{:,.0f}", "pct"),
    ("rps_rounds", "requests/s, each round", "{}", None),
    ("per_cpu_s", "h2 requests per proxy CPU-second (all rounds; bar: Sluice ≥ 80 % of nginx)", "{:,.0f}", "pct"),
    ("per_cpu_s_rounds", "requests per proxy CPU-second, each round", "{}", None),
    ("cpu_us", "proxy CPU per h2 request (µs)", "{:.1f}", "ratio"),
    ("failed", "h2load requests failed or not 2xx", "{}", None),
    ("negotiated", "negotiated (h2load: ALPN, TLS version, cipher)", "{}", None),
    ("rss_per_stream", "proxy RSS per idle SSE stream, {idle:,} streams on {connections} h2 connections "
                       "(KiB; bar: Sluice ≤ 0.5× nginx)", "{:.2f}", "ratio"),
    ("rss_total", "proxy RSS with the {idle:,} h2 streams open (MiB)", "{:.1f}", "ratio"),
    ("h2c_event_instructions", "user-space instructions per SSE event relayed over h2c (one stream; "
                               "{high} − {low} events)", "{:,.0f}", "ratio"),
    ("h1_event_instructions", "the same over HTTP/1.1, same process", "{:,.0f}", "ratio"),
    ("h2c_request_instructions", "user-space instructions per h2c request (GET /bench/small, one at a time on "
                                 "one connection; {requests_high} − {requests_low} requests)", "{:,.0f}", "ratio"),
]


def print_table(results, args):
    print("| metric | nginx | Sluice | Sluice against nginx |")
    print("|---|---|---|---|")
    labels = {"clients": args.clients, "streams": args.streams, "seconds": args.seconds, "rounds": args.rounds,
              "idle": args.connections * args.per_connection, "connections": args.connections,
              "high": args.events_high, "low": args.events_low,
              "requests_high": args.requests_high, "requests_low": args.requests_low}
    for key, label, form, compare in ROWS:
        tls.print_row(results, key, label.format(**labels), form, compare)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sluice", required=True, help="path of the release-built sluice binary")
    parser.add_argument("--nginx", default=shutil.which("nginx") or "/usr/sbin/nginx")
    parser.add_argument("--targets", default="nginx,sluice", help="comma-separated subset of nginx,sluice")
    parser.add_argument("--measure", default="throughput,memory,instructions",
                        help="comma-separated subset of throughput,memory,instructions")
    parser.add_argument("--upstream-port", type=int, default=18281)
    parser.add_argument("--nginx-port", type=int, default=18282)
    parser.add_argument("--nginx-tls-port", type=int, default=18283)
    parser.add_argument("--nginx-h2c-port", type=int, default=18284, help="nginx's h2c listener, for (c)")
    parser.add_argument("--sluice-port", type=int, default=18285)
    parser.add_argument("--sluice-tls-port", type=int, default=18286)
    parser.add_argument("--sluice-admin-port", type=int, default=18287)
    parser.add_argument("--nginx-workers", default="2", help="as tls.py; Sluice runs one event loop per core (2 here)")
    parser.add_argument("--clients", type=int, default=8, help="h2load's connections")
    parser.add_argument("--streams", type=int, default=8, help="h2load's concurrent streams per connection")
    parser.add_argument("--seconds", type=int, default=10, help="h2load's duration per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=50, help="h2 connections for the idle streams")
    parser.add_argument("--per-connection", type=int, default=100, help="idle streams per connection")
    parser.add_argument("--requests-low", type=int, default=100, help="h2c requests of the fewer run, for (c)")
    parser.add_argument("--requests-high", type=int, default=600, help="h2c requests of the larger run, for (c)")
    parser.add_argument("--events-low", type=int, default=50)
    parser.add_argument("--events-high", type=int, default=250)
    args = parser.parse_args()
    args.targets = [name.strip() for name in args.targets.split(",") if name.strip()]
    wanted = set(args.measure.split(","))
    for name in args.targets:
        if name not in ("nginx", "sluice"):
            sys.exit(f"unknown target {name}")
    args.sluice = os.path.abspath(args.sluice)
    if not os.access(args.sluice, os.X_OK):
        sys.exit(f"no sluice binary at {args.sluice}")
    tools = ["openssl", "h2load"] + (["valgrind", "callgrind_control", "strip"] if "instructions" in wanted else [])
    for tool in tools:
        if shutil.which(tool) is None:
            sys.exit(f"http2.py needs {tool} (apt-get install -y openssl nghttp2-client valgrind binutils)")

    idle = args.connections * args.per_connection
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    limit = min(hard, 20000) if hard != resource.RLIM_INFINITY else 20000
    resource.setrlimit(resource.RLIMIT_NOFILE, (limit, hard))
    if limit < idle + 500:
        log(f"warning: only {limit} open files allowed; {idle} upstream connections may fail (ulimit -n)")

    directory = tempfile.mkdtemp(prefix="sluice-bench-h2-")
    os.chmod(directory, 0o755)
    args.certificate, args.key = tls.make_certificate(directory, "ecdsa")
    results = {}

    def column(name):
        return results.setdefault(name, {})

    started = time.time()
    load = os.getloadavg()
    upstream = bench.Upstream(args.sluice, args.upstream_port)

    def measure_memory_on_fresh_proxies():
        with proxies(args, args.targets, upstream.port) as running:
            measure_memory(running, args, column)

    def measure_throughput_on_fresh_proxies():
        with proxies(args, args.targets, upstream.port) as running:
            measure_throughput(running, args, column)

    try:
        for label, measure in [
            ("memory", measure_memory_on_fresh_proxies),
            ("throughput", measure_throughput_on_fresh_proxies),
            ("instructions", lambda: measure_instructions(args, upstream, column)),
        ]:
            if label not in wanted:
                continue
            log(label)
            try:
                measure()
            except Exception as error:  # one failing measurement must not hide the others
                log(f"{label} failed: {error!r}")
                for name in args.targets:
                    column(name).setdefault("negotiated", f"{label}: error: {error!r}")
    finally:
        upstream.stop()
        shutil.rmtree(directory, ignore_errors=True)

    print()
    print(f"Load average at the start {load[0]:.2f}, at the end {os.getloadavg()[0]:.2f} (1 min).")
    print(f"Loopback, {os.cpu_count()} CPUs; upstream: sluice demo-upstream; nginx {args.nginx_workers} workers, "
          f"Sluice one event loop per core; {time.time() - started:.0f} s. Clients: h2load "
          f"(nghttp2), Python {sys.version.split()[0]} with h2 {h2.__version__}; ECDSA P-256 certificate.")
    print()
    print_table(results, args)


if __name__ == "__main__":
    main()
