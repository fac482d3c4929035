#!/usr/bin/env python3
"""TLS termination, Sluice next to nginx, on loopback, against the same demo upstream.

For each key type (ECDSA P-256 and RSA 2048: one self-signed certificate each, made here with
`openssl`, SAN bench.local, served by both proxies) and each proxy, measures:
  (a) full TLS 1.3 handshakes per proxy CPU-second: fresh connections one after another, each a
      full handshake (SNI bench.local, certificate verified) and one `GET /bench/small` with
      `Connection: close`, read to the end; proxy CPU (user + system, every thread) over them.
      The same request on fresh plain connections gives the part that is not TLS.
  (b) resumed handshakes per proxy CPU-second: the same, each connection offering the session
      ticket of the one before it (as a browser does); how many were resumed is reported.
  (c) proxy CPU per SSE event over TLS and over plain HTTP: 20 streams of 200 events, one every
      10 ms, CPU counted from the moment every stream has had its 10th event to the moment every
      stream has had its 190th (no set-up, handshake or teardown in it); 4 rounds.
  (d) RSS per idle TLS SSE stream: 5,000 streams over TLS that get one event and stay silent,
      RSS delta / streams, as bench.py's plain row (nginx: sum of its workers); and the same over
      plain HTTP once, for comparison.
Each measurement runs on proxies started for it; (a)-(c) run both proxies at once with rounds
interleaved (the order alternates), so drift in machine load hits both alike.

Prints one Markdown table. Python 3 standard library and the `openssl` command. See
bench/README.md.
"""

import argparse
import asyncio
import base64
import os
import re
import resource
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench  # noqa: E402  (the processes, the SSE client, CPU and RSS readings)

HOST = bench.HOST
SERVER_NAME = "bench.local"
KEY_TYPES = {
    "ecdsa": ("ECDSA P-256", ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]),
    "rsa": ("RSA 2048", ["-newkey", "rsa:2048"]),
}
# Mozilla "intermediate" TLS 1.2 suites, as Sluice's list (TLSTermination.intermediateCipherSuites);
# TLS 1.3's suites are each library's defaults.
NGINX_CIPHERS = ("ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
                 "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305")
# Plain requests name another host: Sluice answers plain HTTP for a host with TLS with a redirect.
REQUEST = "GET /bench/small HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n"

log = bench.log


# ---------------------------------------------------------------------------------------------
# Certificates, configurations, processes


def make_certificate(directory, key_type):
    """A self-signed certificate for bench.local with a new key; returns (cert path, key path)."""
    certificate = os.path.join(directory, f"{key_type}.crt")
    key = os.path.join(directory, f"{key_type}.key")
    subprocess.run(["openssl", "req", "-x509", *KEY_TYPES[key_type][1], "-nodes", "-keyout", key, "-out", certificate,
                    "-days", "7", "-subj", f"/CN={SERVER_NAME}", "-addext", f"subjectAltName=DNS:{SERVER_NAME}"],
                   check=True, capture_output=True)
    os.chmod(key, 0o644)  # nginx's workers may run as another user
    return certificate, key


def sluice_manifests(upstream_port, certificate, key):
    """bench/manifests/bench.yaml with `spec.tls` for bench.local, and its kubernetes.io/tls Secret."""
    with open(os.path.join(HERE, "manifests", "bench.yaml")) as source:
        text = source.read().replace("UPSTREAM_PORT", str(upstream_port))
    marker = "spec:\n  rules:\n"
    if marker not in text:
        raise RuntimeError("bench/manifests/bench.yaml: no Ingress `spec:` followed by `rules:` to add `tls:` to")
    text = text.replace(marker, f"spec:\n  tls:\n    - hosts: [{SERVER_NAME}]\n      secretName: bench-tls\n  rules:\n", 1)

    def encoded(path):
        with open(path, "rb") as file:
            return base64.b64encode(file.read()).decode()

    return text + ("---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: bench-tls\n  namespace: default\n"
                   f"type: kubernetes.io/tls\ndata:\n  tls.crt: {encoded(certificate)}\n  tls.key: {encoded(key)}\n")


class TLSNginx(bench.Nginx):
    """bench.py's nginx, its one server also listening with `ssl` on `tls_port`."""

    def __init__(self, binary, port, tls_port, upstream_port, workers, certificate, key, **options):
        """`options`: bench.Nginx's `launcher`, `global_directives` and `ready_timeout` (http2.py)."""
        self.tls_port = tls_port
        self.certificate = certificate
        self.key = key
        super().__init__(binary, port, upstream_port, workers, "10s", **options)

    def write_config(self, extra_path):
        super().write_config(extra_path)
        with open(self.conf) as conf:
            text = conf.read()
        listen = f"        listen {HOST}:{self.port} backlog=4096;\n"
        upstream = "    upstream bench {\n"
        if listen not in text or upstream not in text:
            raise RuntimeError("nginx.conf.template: no plain `listen` line or `upstream bench` to add TLS next to")
        text = text.replace(listen, listen + (
            f"        listen {HOST}:{self.tls_port} ssl backlog=4096;\n"
            f"        ssl_certificate {self.certificate};\n"
            f"        ssl_certificate_key {self.key};\n"
            "        ssl_protocols TLSv1.2 TLSv1.3;\n"
            f"        ssl_ciphers {NGINX_CIPHERS};\n"
            "        ssl_prefer_server_ciphers off;\n"
            "        ssl_session_tickets on;\n"
            "        # As Sluice's default (and ingress-nginx's): HSTS on responses over TLS only.\n"
            "        add_header Strict-Transport-Security $hsts always;\n"))
        text = text.replace(upstream, (
            "    map $scheme $hsts {\n"
            "        https \"max-age=31536000; includeSubDomains\";\n"
            "        default \"\";\n"
            "    }\n\n") + upstream)
        with open(self.conf, "w") as conf:
            conf.write(text)


class TLSSluice(bench.Sluice):
    """`sluice serve --manifests DIR --https-port P` with the TLS manifests (sluice_manifests)."""

    def __init__(self, binary, port, tls_port, admin_port, manifests, ready_timeout=30.0):
        self.port = port
        self.tls_port = tls_port
        self.admin_port = admin_port
        self.directory = tempfile.mkdtemp(prefix="sluice-bench-tls-manifests-")
        with open(os.path.join(self.directory, "bench.yaml"), "w") as target:
            target.write(manifests)
        self.process = subprocess.Popen(
            [binary, "serve", "--manifests", self.directory, "--bind-address", HOST, "--http-port", str(port),
             "--https-port", str(tls_port), "--admin-port", str(admin_port), "--log-level", "warning"])
        bench.wait_until_ready(self.process, admin_port, port, ready_timeout)


# ---------------------------------------------------------------------------------------------
# Clients


def client_context(certificate):
    """TLS 1.3 only, trusting only the bench certificate: each handshake checks that the proxy
    chose it by SNI."""
    context = ssl.create_default_context(cafile=certificate)
    context.minimum_version = ssl.TLSVersion.TLSv1_3
    context.maximum_version = ssl.TLSVersion.TLSv1_3
    return context


def exchange(port, context=None, session=None):
    """One fresh connection (TLS with `context`, offering `session`), `GET /bench/small`, read to
    the end. Returns (resumed, the connection's session, its cipher)."""
    connection = socket.create_connection((HOST, port), timeout=10)
    # As curl and browsers: without it, the request waits for the ACK of the client's Finished
    # (a delayed ACK, 40 ms) whenever the server has nothing to send right after the handshake.
    connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if context is not None:
        connection = context.wrap_socket(connection, server_hostname=SERVER_NAME, session=session)
    try:
        connection.sendall(REQUEST.format(SERVER_NAME if context is not None else "bench").encode())
        response = b""
        while True:
            try:
                data = connection.recv(65536)
            except (ssl.SSLEOFError, ConnectionResetError):
                break  # a close without close_notify: the response is checked below
            if not data:
                break
            response += data
        if not response.startswith(b"HTTP/1.1 200") or not response.rstrip().endswith(b"ok"):
            raise RuntimeError(f"port {port}: unexpected response {response[:80]!r}")
        if context is None:
            return False, None, None
        return connection.session_reused, connection.session, connection.cipher()[0]
    finally:
        connection.close()


def connections(target, port, context, mode, count):
    """`count` exchanges; mode plain | full | resumed. Returns (proxy CPU seconds, resumed, ciphers)."""
    session = exchange(port, context)[1] if mode == "resumed" else None  # the first ticket
    resumed, ciphers = 0, set()
    before = bench.cpu_seconds(target.proxy_pids())
    for _ in range(count):
        reused, new_session, cipher = exchange(port, context if mode != "plain" else None, session)
        if mode == "resumed":
            resumed += reused
            session = new_session
        ciphers.add(cipher)
    return bench.cpu_seconds(target.proxy_pids()) - before, resumed, ciphers


async def stream_cpu_per_event(target, port, context, streams, events, interval_ms, skip):
    """`streams` event streams at once; proxy CPU from when every stream had `skip` events to when
    every stream had `events - skip`. Returns (CPU seconds, events in between)."""
    counts = [0] * streams
    marks = []
    pids = target.proxy_pids()

    def counter(index):
        def on_event(_, __):
            counts[index] += 1
            lowest = min(counts)
            if (not marks and lowest >= skip) or (len(marks) == 1 and lowest >= events - skip):
                marks.append((bench.cpu_seconds(pids), sum(counts)))
        return on_event

    path = f"/bench/sse?events={events}&interval_ms={interval_ms}"
    await asyncio.gather(*(bench.sse_stream(port, path, counter(index), tls=context,
                                            server_name=SERVER_NAME if context else None)
                           for index in range(streams)))
    if len(marks) != 2:
        raise RuntimeError(f"streams ended early: {counts}")
    return marks[1][0] - marks[0][0], marks[1][1] - marks[0][1]


def negotiated(port, certificate):
    """The TLS 1.3 key exchange group, cipher and signature as `openssl s_client` sees them."""
    result = subprocess.run(
        ["openssl", "s_client", "-connect", f"{HOST}:{port}", "-servername", SERVER_NAME, "-tls1_3",
         "-CAfile", certificate, "-verify_return_error"],
        input=b"", capture_output=True, timeout=10)
    text = result.stdout.decode(errors="replace")
    group = re.search(r"Server Temp Key: ([^\n]+)", text)
    cipher = re.search(r"Cipher is (\S+)", text)
    signature = re.search(r"Peer signature type: (\S+)", text)
    verified = "Verify return code: 0 (ok)" in text
    return ", ".join([group.group(1).split(",")[0] if group else "?", cipher.group(1) if cipher else "?",
                      signature.group(1) if signature else "?", "verified" if verified else "NOT verified"])


# ---------------------------------------------------------------------------------------------
# Orchestration


class Proxies:
    """Starts nginx and Sluice (the names in `names`) with one key type's certificate; nginx as
    `nginx_type` (http2.py's adds `http2`)."""

    def __init__(self, args, names, certificate, key, upstream_port, nginx_type=None):
        self.running = []
        try:
            for name in names:
                if name == "nginx":
                    self.running.append((nginx_type or TLSNginx)(args.nginx, args.nginx_port, args.nginx_tls_port, upstream_port,
                                                 args.nginx_workers, certificate, key))
                else:
                    self.running.append(TLSSluice(args.sluice, args.sluice_port, args.sluice_tls_port,
                                                  args.sluice_admin_port,
                                                  sluice_manifests(upstream_port, certificate, key)))
            context = client_context(certificate)
            for target in self.running:  # both proxies serve the bench certificate by SNI
                exchange(target.tls_port, context)
        except BaseException:
            self.stop()
            raise

    def __enter__(self):
        return self.running

    def __exit__(self, *_):
        self.stop()

    def stop(self):
        for target in self.running:
            target.stop()
        self.running = []
        time.sleep(1)


def interleaved(running, rounds):
    for index in range(rounds):
        yield from (running if index % 2 == 0 else running[::-1])


def measure_handshakes(running, context, args, column):
    modes = ["plain", "full", "resumed"]
    totals = {(target.name, mode): [0.0, 0, 0, set()] for target in running for mode in modes}
    for target in running:  # warm-up
        for mode in modes:
            connections(target, target.tls_port if mode != "plain" else target.port, context, mode, 50)
    per_round = max(1, args.handshakes // args.rounds)
    for target in interleaved(running, args.rounds):
        for mode in modes:
            port = target.tls_port if mode != "plain" else target.port
            cpu, resumed, ciphers = connections(target, port, context, mode, per_round)
            total = totals[(target.name, mode)]
            total[0] += cpu
            total[1] += per_round
            total[2] += resumed
            total[3] |= ciphers
    for target in running:
        results = column(target.name)
        for mode in modes:
            cpu, count, resumed, ciphers = totals[(target.name, mode)]
            results[f"{mode}_cpu_us"] = cpu / count * 1e6
            if mode != "plain":
                results[f"{mode}_per_cpu_s"] = count / cpu
            if mode == "resumed":
                results["resumed_of"] = f"{resumed:,} of {count:,}"
        results["full_minus_plain_us"] = results["full_cpu_us"] - results["plain_cpu_us"]
        results["negotiated"] = negotiated(target.tls_port, args.certificate)


def measure_events(running, context, args, column):
    totals = {(target.name, scheme): [0.0, 0] for target in running for scheme in ("plain", "tls")}
    for target in interleaved(running, args.sse_rounds):
        for scheme in ("plain", "tls"):
            port, tls = (target.tls_port, context) if scheme == "tls" else (target.port, None)
            cpu, events = asyncio.run(stream_cpu_per_event(target, port, tls, args.sse_streams, args.sse_events,
                                                           args.sse_interval_ms, args.sse_skip))
            totals[(target.name, scheme)][0] += cpu
            totals[(target.name, scheme)][1] += events
    for target in running:
        results = column(target.name)
        for scheme in ("plain", "tls"):
            cpu, events = totals[(target.name, scheme)]
            results[f"event_{scheme}_us"] = cpu / events * 1e6
        results["event_overhead_us"] = results["event_tls_us"] - results["event_plain_us"]


def measure_memory(running, context, args, column, scheme):
    for target in running:
        for _ in range(50):  # warm-up: the first connections' one-time allocations stay out
            exchange(target.tls_port if scheme == "tls" else target.port, context if scheme == "tls" else None)
        time.sleep(1)
        log(f"memory: {args.idle_streams:,} idle {scheme} streams through {target.name}")
        port, tls = (target.tls_port, context) if scheme == "tls" else (target.port, None)
        per_stream, total = asyncio.run(bench.measure_idle_stream_memory(
            target, args.idle_streams, port=port, tls=tls, server_name=SERVER_NAME if tls else None))
        results = column(target.name)
        results[f"rss_{scheme}_per_stream"] = per_stream
        results[f"rss_{scheme}_total"] = total


ROWS = [
    ("full_per_cpu_s", "full TLS 1.3 handshakes per proxy CPU-second (fresh connection + one GET each)", "{:,.0f}", "pct"),
    ("full_cpu_us", "proxy CPU per full-handshake connection (µs)", "{:.0f}", "ratio"),
    ("plain_cpu_us", "proxy CPU per plain fresh connection, same GET (µs)", "{:.0f}", "ratio"),
    ("full_minus_plain_us", "of which the full handshake's own (µs, TLS − plain)", "{:.0f}", "ratio"),
    ("resumed_per_cpu_s", "resumed handshakes per proxy CPU-second (session ticket of the previous connection)", "{:,.0f}", "pct"),
    ("resumed_cpu_us", "proxy CPU per resumption-attempt connection (µs)", "{:.0f}", "ratio"),
    ("resumed_of", "connections resumed, of those offering a ticket", "{}", None),
    ("event_plain_us", "proxy CPU per SSE event, plain (µs)", "{:.1f}", "ratio"),
    ("event_tls_us", "proxy CPU per SSE event, TLS (µs)", "{:.1f}", "ratio"),
    ("event_overhead_us", "TLS's overhead per SSE event (µs, TLS − plain)", "{:+.1f}", None),
    ("rss_tls_per_stream", "proxy RSS per idle TLS SSE stream (KiB, {idle:,} streams)", "{:.2f}", "ratio"),
    ("rss_tls_total", "proxy RSS with {idle:,} TLS streams open (MiB)", "{:.1f}", "ratio"),
    ("negotiated", "negotiated (openssl s_client: group, cipher, signature)", "{}", None),
]
PLAIN_ROWS = [
    ("rss_plain_per_stream", "proxy RSS per idle plain SSE stream (KiB, {idle:,} streams)", "{:.2f}", "ratio"),
    ("rss_plain_total", "proxy RSS with {idle:,} plain streams open (MiB)", "{:.1f}", "ratio"),
]


def print_row(columns, key, label, form, compare):
    """One row of the nginx | Sluice table: `columns[name][key]` shown with `form`; `compare`
    "pct" (Sluice's as a per cent of nginx's), "ratio" (Sluice's ÷ nginx's) or None. Nothing when
    neither proxy has the value (http2.py's table too)."""
    cells = [columns.get(name, {}).get(key) for name in ("nginx", "sluice")]
    if all(cell is None for cell in cells):
        return
    shown = [form.format(cell) if isinstance(cell, (int, float)) else (cell or "not run") for cell in cells]
    versus = ""
    if compare and all(isinstance(cell, (int, float)) for cell in cells) and cells[0]:
        versus = f"{cells[1] / cells[0] * 100:.0f} %" if compare == "pct" else f"{cells[1] / cells[0]:.2f}×"
    print(f"| {label} | {shown[0]} | {shown[1]} | {versus} |")


def print_table(results, args):
    print("| metric | nginx | Sluice | Sluice against nginx |")
    print("|---|---|---|---|")

    def row(columns, key, label, form, compare):
        print_row(columns, key, label.format(idle=args.idle_streams), form, compare)

    for key_type in args.keys:
        if key_type not in results:
            continue
        print(f"| **{KEY_TYPES[key_type][0]}** | | | |")
        for key, label, form, compare in ROWS:
            row(results[key_type], key, label, form, compare)
    if "plain" in results:
        print("| **plain HTTP, for comparison** | | | |")
        for key, label, form, compare in PLAIN_ROWS:
            row(results["plain"], key, label, form, compare)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sluice", required=True, help="path of the release-built sluice binary")
    parser.add_argument("--nginx", default=shutil.which("nginx") or "/usr/sbin/nginx")
    parser.add_argument("--targets", default="nginx,sluice", help="comma-separated subset of nginx,sluice")
    parser.add_argument("--keys", default="ecdsa,rsa", help="comma-separated subset of ecdsa,rsa")
    parser.add_argument("--measure", default="handshakes,events,memory",
                        help="comma-separated subset of handshakes,events,memory")
    parser.add_argument("--upstream-port", type=int, default=18181)
    parser.add_argument("--nginx-port", type=int, default=18182)
    parser.add_argument("--nginx-tls-port", type=int, default=18183)
    parser.add_argument("--sluice-port", type=int, default=18184)
    parser.add_argument("--sluice-tls-port", type=int, default=18185)
    parser.add_argument("--sluice-admin-port", type=int, default=18186)
    parser.add_argument("--nginx-workers", default="2",
                        help="as bench.py; Sluice runs one event loop per core (2 here)")
    parser.add_argument("--handshakes", type=int, default=1600,
                        help="connections per proxy for each of plain, full and resumed")
    parser.add_argument("--rounds", type=int, default=4, help="rounds the connections are split into, interleaved")
    parser.add_argument("--sse-streams", type=int, default=20)
    parser.add_argument("--sse-events", type=int, default=200)
    parser.add_argument("--sse-interval-ms", type=int, default=10)
    parser.add_argument("--sse-skip", type=int, default=10,
                        help="events at each end of the streams left out of the CPU count")
    parser.add_argument("--sse-rounds", type=int, default=4)
    parser.add_argument("--idle-streams", type=int, default=5000)
    args = parser.parse_args()
    args.keys = [key.strip() for key in args.keys.split(",") if key.strip()]
    targets = [name.strip() for name in args.targets.split(",") if name.strip()]
    wanted = set(args.measure.split(","))
    for name in targets:
        if name not in ("nginx", "sluice"):
            sys.exit(f"unknown target {name}")
    for key_type in args.keys:
        if key_type not in KEY_TYPES:
            sys.exit(f"unknown key type {key_type}")
    args.sluice = os.path.abspath(args.sluice)
    if not os.access(args.sluice, os.X_OK):
        sys.exit(f"no sluice binary at {args.sluice}")
    if shutil.which("openssl") is None:
        sys.exit("the openssl command is required (apt-get install openssl)")

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    limit = min(hard, 20000) if hard != resource.RLIM_INFINITY else 20000
    resource.setrlimit(resource.RLIMIT_NOFILE, (limit, hard))
    if limit < 2 * args.idle_streams + 500:
        log(f"warning: only {limit} open files allowed; {args.idle_streams} streams may fail (ulimit -n)")

    directory = tempfile.mkdtemp(prefix="sluice-bench-tls-")
    os.chmod(directory, 0o755)
    results = {}
    started = time.time()
    load = os.getloadavg()
    upstream = bench.Upstream(args.sluice, args.upstream_port)
    try:
        for index, key_type in enumerate(args.keys):
            certificate, key = make_certificate(directory, key_type)
            args.certificate = certificate
            context = client_context(certificate)
            columns = results.setdefault(key_type, {})

            def column(name, columns=columns):
                return columns.setdefault(name, {})

            def attempt(label, action):
                log(f"{KEY_TYPES[key_type][0]}: {label}")
                try:
                    with Proxies(args, targets, certificate, key, upstream.port) as running:
                        action(running)
                except Exception as error:  # one failing measurement must not hide the others
                    log(f"{KEY_TYPES[key_type][0]}: {label} failed: {error!r}")
                    for name in targets:
                        column(name).setdefault("negotiated", f"{label}: error: {error!r}")

            if "memory" in wanted:
                # Fresh processes for each, so one measurement's freed memory is not the next one's.
                attempt("idle TLS streams", lambda running: measure_memory(running, context, args, column, "tls"))
                if index == 0:
                    plain = results.setdefault("plain", {})
                    attempt("idle plain streams", lambda running: measure_memory(
                        running, context, args, lambda name: plain.setdefault(name, {}), "plain"))
            if "handshakes" in wanted:
                attempt("handshakes (plain, full, resumed; interleaved)",
                        lambda running: measure_handshakes(running, context, args, column))
            if "events" in wanted:
                attempt("SSE events over plain and TLS (interleaved)",
                        lambda running: measure_events(running, context, args, column))
    finally:
        upstream.stop()
        shutil.rmtree(directory, ignore_errors=True)

    print()
    print(f"Load average at the start {load[0]:.2f}, at the end {os.getloadavg()[0]:.2f} (1 min).")
    print(f"Loopback, {os.cpu_count()} CPUs; upstream: sluice demo-upstream; nginx {args.nginx_workers} workers, "
          f"Sluice one event loop per core; {time.time() - started:.0f} s. Client: Python {sys.version.split()[0]} "
          f"with {ssl.OPENSSL_VERSION}, TLS 1.3 only.")
    print()
    print_table(results, args)


if __name__ == "__main__":
    main()
