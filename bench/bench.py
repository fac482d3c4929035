#!/usr/bin/env python3
"""Sluice vs nginx, side by side on loopback, against the same demo upstream.

Measures, for each of direct (client -> upstream), nginx and Sluice:
  (a) SSE event latency: client receive time - upstream send timestamp (p50/p99);
      the latency a proxy adds is its column minus the direct column. All targets up at once,
      5 rounds interleaved across them. With tcpdump, the same events are also timed on the
      loopback wire: upstream packet -> proxy's packet to the client (the proxy's own delay).
  (b) time to first event on a fresh connection (p50/p99), with all targets up at once and
      their requests interleaved; and each proxy's CPU time per such request. With tcpdump, a
      second pass times the same on the wire (client SYN -> first event packet) and the part
      of it the proxy held the exchange (request in -> out, response in -> out).
  (c) proxy RSS per idle SSE stream with many concurrent streams (RSS delta / streams;
      nginx: sum of its worker processes).
  (d) small-response requests/s and p99 with wrk (-t2 -c64 -d10s --latency), 3 rounds per
      target interleaved across targets (all up at once), median round reported.
  (e) streams cut while the routes change 20 times under 1,000 open streams
      (nginx: edit config + `nginx -s reload`; Sluice: edit a manifest file).

Prints one Markdown table. Python 3 standard library only. See bench/README.md.
"""

import argparse
import asyncio
import os
import re
import resource
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
HOST = "127.0.0.1"


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# Processes


def wait_for_port(port, timeout=30.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/bench/small", timeout=2) as response:
                if response.status == 200:
                    return
        except Exception:
            time.sleep(0.2)
    raise RuntimeError(f"nothing answers /bench/small on port {port} after {timeout}s")


def wait_until_ready(process, admin_port, port, timeout):
    """Waits for a started `sluice serve` to answer /readyz with 200 and accept on `port`."""
    deadline = time.time() + timeout
    while True:
        try:
            if http_get(f"http://{HOST}:{admin_port}/readyz")[0] == 200:
                break
        except Exception:
            pass
        if process.poll() is not None or time.time() > deadline:
            raise RuntimeError("sluice serve did not become ready")
        time.sleep(0.2)
    wait_for_port(port, timeout)


def http_get(url, timeout=2.0):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.status, response.read().decode()


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def children_of(pid):
    result = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                result.append(int(entry))
        except (OSError, IndexError, ValueError):
            pass
    return sorted(result)


class Upstream:
    """The demo upstream: `sluice demo-upstream --port P` (DemoUpstreamServer)."""

    def __init__(self, sluice, port):
        self.port = port
        self.process = subprocess.Popen(
            [sluice, "demo-upstream", "--host", HOST, "--port", str(port)],
            stdout=subprocess.DEVNULL,
        )
        wait_for_port(port)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


class Direct:
    name = "direct"

    def __init__(self, upstream):
        self.port = upstream.port

    def proxy_pids(self):
        return []

    def change_routes(self, index):
        raise NotImplementedError

    def stop(self):
        pass


class Nginx:
    """nginx from Debian with its own prefix and config in a temp directory."""

    name = "nginx"

    def __init__(self, binary, port, upstream_port, workers, shutdown_timeout, launcher=(), global_directives="daemon off;",
                 ready_timeout=30.0):
        """`launcher`: a command to run nginx under (instructions.py: valgrind);
        `global_directives`: nginx's `-g`."""
        self.binary = binary
        self.port = port
        self.prefix = tempfile.mkdtemp(prefix="sluice-bench-nginx-")
        os.chmod(self.prefix, 0o755)
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            os.makedirs(os.path.join(self.prefix, "tmp", sub))
        self.conf = os.path.join(self.prefix, "nginx.conf")
        with open(os.path.join(HERE, "nginx.conf.template")) as template:
            self.template = template.read()
        self.values = {
            "@USER_DIRECTIVE@": "user root;" if os.geteuid() == 0 else "",
            "@WORKERS@": str(workers),
            "@SHUTDOWN_TIMEOUT@": shutdown_timeout,
            "@PREFIX@": self.prefix,
            "@UPSTREAM_PORT@": str(upstream_port),
            "@PORT@": str(port),
        }
        self.write_config(extra_path=None)
        self.process = subprocess.Popen(
            [*launcher, binary, "-p", self.prefix, "-c", self.conf, "-g", global_directives],
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(port, ready_timeout)

    def write_config(self, extra_path):
        text = self.template
        extra = ""
        if extra_path:
            extra = (
                f"        location {extra_path} {{\n"
                "            proxy_pass http://bench;\n"
                "            proxy_http_version 1.1;\n"
                "            proxy_buffering off;\n"
                "            proxy_read_timeout 3600s;\n"
                "        }\n"
            )
        for key, value in {**self.values, "@EXTRA_LOCATIONS@": extra}.items():
            text = text.replace(key, value)
        with open(self.conf, "w") as conf:
            conf.write(text)

    def proxy_pids(self):
        """The worker processes (the master only manages them)."""
        return children_of(self.process.pid)

    def change_routes(self, index):
        """Adds or removes an extra location, reloads, waits for the new generation of workers."""
        before = set(self.proxy_pids())
        self.write_config(extra_path=f"/extra-{index}" if index % 2 == 0 else None)
        subprocess.run([self.binary, "-p", self.prefix, "-c", self.conf, "-s", "reload"], check=True,
                       stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while time.time() < deadline:
            if set(self.proxy_pids()) - before:
                return
            time.sleep(0.05)
        raise RuntimeError("nginx did not start new workers after reload")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.prefix, ignore_errors=True)


class Sluice:
    """`sluice serve --manifests DIR` with the bench manifests."""

    name = "sluice"

    def __init__(self, binary, port, admin_port, upstream_port, launcher=(), ready_timeout=30.0, extra_arguments=()):
        """`launcher`: a command to run sluice under (instructions.py: valgrind)."""
        self.port = port
        self.admin_port = admin_port
        self.directory = tempfile.mkdtemp(prefix="sluice-bench-manifests-")
        with open(os.path.join(HERE, "manifests", "bench.yaml")) as source:
            manifest = source.read().replace("UPSTREAM_PORT", str(upstream_port))
        with open(os.path.join(self.directory, "bench.yaml"), "w") as target:
            target.write(manifest)
        with open(os.path.join(HERE, "extra-route.yaml.template")) as template:
            self.extra_template = template.read()
        self.extra_file = os.path.join(self.directory, "extra.yaml")
        self.process = subprocess.Popen(
            [*launcher, binary, "serve", "--manifests", self.directory, "--bind-address", HOST,
             "--http-port", str(port), "--admin-port", str(admin_port), "--log-level", "warning", *extra_arguments],
        )
        try:
            wait_until_ready(self.process, admin_port, port, ready_timeout)
        except BaseException:
            self.process.kill()  # a listener that failed to bind leaves the process running
            self.process.wait()
            raise

    def generation(self):
        _, text = http_get(f"http://{HOST}:{self.admin_port}/metrics")
        match = re.search(r"^sluice_routing_table_generation (\d+)$", text, re.M)
        return int(match.group(1)) if match else -1

    def proxy_pids(self):
        return [self.process.pid]

    def change_routes(self, index):
        """Writes or deletes an extra Ingress, waits until a new routing table is live."""
        before = self.generation()
        if index % 2 == 0:
            with open(self.extra_file, "w") as extra:
                extra.write(self.extra_template.replace("EXTRA_PATH", f"/extra-{index}"))
        elif os.path.exists(self.extra_file):
            os.remove(self.extra_file)
        deadline = time.time() + 10
        while time.time() < deadline:
            if self.generation() > before:
                return
            time.sleep(0.05)
        raise RuntimeError("sluice did not publish a new routing table after the manifest change")

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.directory, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# SSE client


class StreamCut(Exception):
    pass


async def sse_stream(port, path, on_event, started=None, tls=None, server_name=None):
    """GETs an event stream; calls on_event(receive_ns, data) per event. Returns when the response
    ends cleanly; raises StreamCut when the connection ends mid-response. `tls`: an
    ssl.SSLContext to connect with, and `server_name` its SNI and Host (tls.py)."""
    reader, writer = await asyncio.open_connection(HOST, port, ssl=tls, server_hostname=server_name if tls else None)
    try:
        host = server_name or "bench"
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\n\r\n".encode())
        await writer.drain()
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError) as error:
            raise StreamCut(f"no response head: {error}")
        status = head.split(b" ", 2)[1]
        if status != b"200":
            raise RuntimeError(f"{path}: HTTP {status.decode()}")
        if started is not None:
            started()
        chunked = b"transfer-encoding: chunked" in head.lower()
        pending = b""
        while True:
            try:
                if chunked:
                    size = int((await reader.readline()).split(b";")[0].strip() or b"x", 16)
                    if size == 0:
                        return
                    data = (await reader.readexactly(size + 2))[:-2]
                else:
                    data = await reader.read(65536)
                    if not data:
                        return
            except (asyncio.IncompleteReadError, ConnectionError, ValueError) as error:
                raise StreamCut(str(error))
            now = time.time_ns()
            pending += data
            while b"\n\n" in pending:
                event, pending = pending.split(b"\n\n", 1)
                for line in event.split(b"\n"):
                    if line.startswith(b"data: "):
                        on_event(now, line[6:].decode())
    finally:
        writer.close()


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


# ---------------------------------------------------------------------------------------------
# Measurements


class WireCapture:
    """Times each SSE event on the loopback wire, where neither client nor upstream scheduling
    shows: for every proxy, the time from the upstream's packet carrying an event (to the proxy)
    to the proxy's packet carrying the same event (to the client), in µs. Events are told apart
    by their data, the upstream's send time in ns. Needs tcpdump and the right to capture on `lo`
    (root or CAP_NET_RAW); without them `finish()` returns why, as a string."""

    EVENT = re.compile(rb"data: (\d{16,})")

    def __init__(self, process, directory, upstream_port, proxy_ports):
        self.process = process
        self.directory = directory
        self.upstream_port = upstream_port
        self.proxy_ports = proxy_ports

    @classmethod
    def start(cls, upstream_port, proxy_ports, both_directions=False):
        """`both_directions`: also the packets *to* these ports (connection set-up, requests),
        which `first_event_timings` needs; event timing needs only what they send."""
        tcpdump = shutil.which("tcpdump") or ("/usr/bin/tcpdump" if os.access("/usr/bin/tcpdump", os.X_OK) else None)
        if tcpdump is None or not proxy_ports:
            return None
        directory = tempfile.mkdtemp(prefix="sluice-bench-wire-")
        os.chmod(directory, 0o777)  # tcpdump may drop to its own user before writing
        kind = "tcp port" if both_directions else "tcp src port"
        ports = " or ".join(f"{kind} {port}" for port in [upstream_port, *proxy_ports])
        process = subprocess.Popen(
            # --immediate-mode: packets reach tcpdump as they come, not in blocks that it would
            # drop unread when it is stopped (the last round's last second went missing).
            [tcpdump, "-i", "lo", "-n", "-B", "32768", "-s", "2048", "--time-stamp-precision=nano", "--immediate-mode",
             "-w", os.path.join(directory, "wire.pcap"), ports],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        # tcpdump says "listening on lo" once packets are being captured.
        line = process.stderr.readline()
        if b"listening" not in line:
            process.wait()
            log(f"wire latency: tcpdump did not start: {line.decode(errors='replace').strip()}")
            shutil.rmtree(directory, ignore_errors=True)
            return None
        return cls(process, directory, upstream_port, proxy_ports)

    def finish(self, analyse=None):
        """analyse(pcap path) (default: `added_latencies`), or a string saying why nothing was
        measured."""
        time.sleep(0.5)
        self.process.send_signal(signal.SIGINT)
        summary = self.process.communicate(timeout=30)[1].decode(errors="replace")
        try:
            dropped = re.search(r"(\d+) packets dropped by kernel", summary)
            if dropped and int(dropped.group(1)) > 0:
                return f"tcpdump dropped {dropped.group(1)} packets"
            return (analyse or self.added_latencies)(os.path.join(self.directory, "wire.pcap"))
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)

    def first_event_timings(self, pcap):
        """For fresh-connection requests made one at a time (measure_first_event), per proxy
        port: [(µs from the client's SYN to the proxy's first packet carrying an event,
        µs the proxy itself held the exchange)]. The second is its two turns: the client's
        request packet -> its request packet to the upstream, plus the upstream's first response
        packet -> its first response packet to the client. The rest of the first figure is the
        client's, the kernel's and the upstream's."""
        timings = {port: [] for port in self.proxy_ports}
        current = None

        def close(connection):
            if connection and all(key in connection for key in ("request", "upstream_request", "upstream_response", "response", "event")):
                proxy_time = (connection["upstream_request"] - connection["request"]) + (connection["response"] - connection["upstream_response"])
                timings[connection["port"]].append(((connection["event"] - connection["syn"]) / 1e3, proxy_time / 1e3))

        for when, source, destination, flags, payload in self.packets(pcap):
            if flags & 0x12 == 0x02:  # SYN without ACK: a new connection; requests come one at a time
                close(current)
                current = {"port": destination, "syn": when} if destination in timings else None
                continue
            if current is None or not payload:
                continue
            port = current["port"]
            if destination == port:
                current.setdefault("request", when)
            elif destination == self.upstream_port:
                current.setdefault("upstream_request", when)
            elif source == self.upstream_port:
                current.setdefault("upstream_response", when)
            elif source == port:
                current.setdefault("response", when)
                if self.EVENT.search(payload):
                    current.setdefault("event", when)
        close(current)
        return timings

    def added_latencies(self, pcap):
        sent = {}  # event data -> first time the upstream put it on the wire
        forwarded = {port: {} for port in self.proxy_ports}
        for when, source, _, _, payload in self.packets(pcap):
            for match in self.EVENT.finditer(payload):
                data = match.group(1)
                if source == self.upstream_port:
                    sent.setdefault(data, when)
                elif source in forwarded:
                    forwarded[source].setdefault(data, when)
        return {port: [(when - sent[data]) / 1e3 for data, when in events.items() if data in sent and sent[data] <= when]
                for port, events in forwarded.items()}

    @staticmethod
    def packets(pcap):
        """(timestamp ns, TCP source port, destination port, TCP flags, payload) of every
        IPv4/TCP packet of a pcap file written by tcpdump on `lo` (link type DLT_EN10MB or
        DLT_NULL/LOOP), nanosecond format."""
        with open(pcap, "rb") as file:
            data = file.read()
        magic = data[:4]
        endian = "<" if magic in (b"\x4d\x3c\xb2\xa1", b"\xd4\xc3\xb2\xa1") else ">"
        nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
        link = struct.unpack(endian + "I", data[20:24])[0]
        offset = 24
        while offset + 16 <= len(data):
            seconds, fraction, captured, _ = struct.unpack(endian + "IIII", data[offset:offset + 16])
            frame = data[offset + 16:offset + 16 + captured]
            offset += 16 + captured
            when = seconds * 1_000_000_000 + (fraction if nano else fraction * 1000)
            start = {1: 14, 0: 4, 108: 4, 113: 16}.get(link)
            if start is None or len(frame) < start + 20 or frame[start] >> 4 != 4:
                continue
            ip_length = (frame[start] & 0x0F) * 4
            tcp = start + ip_length
            if frame[start + 9] != 6 or len(frame) < tcp + 20:
                continue
            source = int.from_bytes(frame[tcp:tcp + 2], "big")
            destination = int.from_bytes(frame[tcp + 2:tcp + 4], "big")
            payload = frame[tcp + (frame[tcp + 12] >> 4) * 4:]
            yield when, source, destination, frame[tcp + 13], payload


async def event_latencies(port, streams, events, interval_ms):
    """`streams` concurrent event streams of `events` events each; per event, client receive
    time - the upstream's send timestamp in the event, in ms."""
    latencies = []

    def record(received_ns, data):
        if data.isdigit():
            latencies.append((received_ns - int(data)) / 1e6)

    path = f"/bench/sse?events={events}&interval_ms={interval_ms}"
    await asyncio.gather(*(sse_stream(port, path, record) for _ in range(streams)))
    return latencies


def cpu_seconds(pids):
    """CPU time (user + system) of every thread of `pids`, in seconds, at nanosecond resolution
    (/proc/PID/task/TID/schedstat)."""
    total = 0
    for pid in pids:
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                with open(f"/proc/{pid}/task/{tid}/schedstat") as stat:
                    total += int(stat.read().split()[0])
            except (OSError, ValueError, IndexError):
                pass
    return total / 1e9


def fresh_connections(port, count):
    """`count` fresh connections, one after another, each reading a one-event stream to its end
    (the workload of the first-event scripts: instructions.py, first_event_trace.py)."""
    async def run():
        for _ in range(count):
            await sse_stream(port, "/bench/sse?events=1&interval_ms=0", lambda *_: None)
    asyncio.run(run())


def add_proxy_arguments(parser, sluice_default):
    """The options every script here takes: the binaries, the targets, the ports."""
    parser.add_argument("--sluice", default=sluice_default, help="path of the release-built sluice binary")
    parser.add_argument("--nginx", default=shutil.which("nginx") or "/usr/sbin/nginx")
    parser.add_argument("--targets", default="nginx,sluice")
    parser.add_argument("--upstream-port", type=int, default=18081)
    parser.add_argument("--port", type=int, default=18091)
    parser.add_argument("--admin-port", type=int, default=18092)


async def time_to_first_event(port):
    """Connect, GET a one-event stream, return ms until its first event arrived."""
    start = time.perf_counter_ns()
    first = []

    def record(_, data):
        if not first:
            first.append(time.perf_counter_ns())

    await sse_stream(port, "/bench/sse?events=1&interval_ms=0", record)
    return (first[0] - start) / 1e6


async def measure_first_event(targets, requests, warmup=50):
    """Time to first event on fresh connections, for all targets at once: request i goes to
    every target in turn (the order alternates), so drift in machine load hits every column
    alike. Also returns each proxy's CPU time per request (its processes' delta / requests).
    Returns {name: (p50, p99, cpu_us_per_request or None)}."""
    for target in targets:
        for _ in range(warmup):
            await time_to_first_event(target.port)
    samples = {target.name: [] for target in targets}
    cpu_before = {target.name: cpu_seconds(target.proxy_pids()) for target in targets}
    for _, target in interleaved(targets, requests):
        samples[target.name].append(await time_to_first_event(target.port))
    results = {}
    for target in targets:
        pids = target.proxy_pids()
        cpu = (cpu_seconds(pids) - cpu_before[target.name]) / requests * 1e6 if pids else None
        values = samples[target.name]
        results[target.name] = (percentile(values, 0.5), percentile(values, 0.99), cpu)
    return results


async def open_streams(port, count, interval_ms, connect_parallelism=200, tls=None, server_name=None):
    """Opens `count` streams that get one event at once and then one every `interval_ms`
    (over TLS with `tls` and `server_name`, as sse_stream). Returns the tasks and a future that
    completes when every stream has its response head."""
    loop = asyncio.get_running_loop()
    all_started = loop.create_future()
    started = [0]
    gate = asyncio.Semaphore(connect_parallelism)

    def on_event(_, __):
        pass

    async def one(path):
        opened = asyncio.Event()

        def on_start():
            started[0] += 1
            opened.set()
            if started[0] == count and not all_started.done():
                all_started.set_result(None)

        async with gate:
            task = asyncio.ensure_future(sse_stream(port, path, on_event, started=on_start, tls=tls,
                                                     server_name=server_name))
            waiter = asyncio.ensure_future(opened.wait())
            await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()
        return await task

    tasks = [asyncio.ensure_future(one(f"/bench/sse?events=100000000&interval_ms={interval_ms}"))
             for _ in range(count)]
    return tasks, all_started


async def measure_idle_stream_memory(target, count, port=None, tls=None, server_name=None):
    """(RSS delta per stream in KiB, RSS with the streams open in MiB) for `count` idle streams
    to `port` (default: the target's), over TLS with `tls` and `server_name` (tls.py)."""
    pids = target.proxy_pids()
    before = sum(rss_kib(pid) for pid in pids)
    tasks, all_started = await open_streams(port or target.port, count, interval_ms=3_600_000, tls=tls,
                                            server_name=server_name)
    try:
        await asyncio.wait_for(all_started, timeout=180)
        await asyncio.sleep(3)
        after = sum(rss_kib(pid) for pid in target.proxy_pids())
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    await asyncio.sleep(2)
    return (after - before) / count, after / 1024


async def measure_cuts_during_route_changes(target, streams, changes, observe_after):
    tasks, all_started = await open_streams(target.port, streams, interval_ms=1000)
    try:
        await asyncio.wait_for(all_started, timeout=120)
        for index in range(changes):
            await asyncio.get_running_loop().run_in_executor(None, target.change_routes, index)
            await asyncio.sleep(1)
        await asyncio.sleep(observe_after)
        cut = sum(1 for task in tasks if task.done() and task.exception() is not None)
        ended = sum(1 for task in tasks if task.done())
        processes = len(target.proxy_pids())
        rss = sum(rss_kib(pid) for pid in target.proxy_pids()) / 1024
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return ended, cut, processes, rss


def measure_wrk(port, duration):
    output = subprocess.run(
        ["wrk", "-t2", "-c64", f"-d{duration}s", "--latency", f"http://{HOST}:{port}/bench/small"],
        check=True, capture_output=True, text=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    value, unit = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
    p99_ms = float(value) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)|Socket errors: .*", output)
    return rps, p99_ms, errors.group(0) if errors else ""


# ---------------------------------------------------------------------------------------------
# Orchestration


def fmt(value, digits=2):
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def run_target(target, args, results):
    column = results.setdefault(target.name, {})

    def attempt(label, action):
        log(f"{target.name}: {label}")
        try:
            action()
        except Exception as error:  # one failing measurement must not hide the others
            log(f"{target.name}: {label} failed: {error!r}")
            column[label] = f"error: {type(error).__name__}"

    def memory():
        per_stream, total = asyncio.run(measure_idle_stream_memory(target, args.idle_streams))
        column["rss_per_stream"] = fmt(per_stream, 2)
        column["rss_total"] = fmt(total, 1)

    def route_changes():
        ended, cut, processes, rss = asyncio.run(measure_cuts_during_route_changes(
            target, args.reload_streams, args.changes, args.observe_after_changes))
        column["cut"] = f"{cut} / {args.reload_streams}" + (f" (+{ended - cut} ended)" if ended > cut else "")
        column["processes"] = processes
        column["rss_after_changes"] = fmt(rss, 1)

    wanted = set(args.measure.split(","))
    for label, action, proxies_only in [
        ("memory", memory, True),
        ("route_changes", route_changes, True),
    ]:
        if label in wanted and not (proxies_only and target.name == "direct"):
            attempt(label, action)


def run_all_at_once(label, error_key, start, names, results, measure):
    """Starts every target, calls measure(running targets), stops them. A failure is logged and
    marks each column (at `error_key`) so the other measurements still run."""
    running = []
    try:
        for name in names:
            running.append(start(name))
        measure(running)
    except Exception as error:
        log(f"{label} failed: {error!r}")
        for name in names:
            results.setdefault(name, {})[error_key] = f"error: {type(error).__name__}"
    finally:
        for target in running:
            target.stop()
        time.sleep(2)


def interleaved(running, rounds):
    """(round index, target) pairs: every target once per round, the order reversed on odd
    rounds, so drift in machine load hits every target alike."""
    for index in range(rounds):
        for target in (running if index % 2 == 0 else running[::-1]):
            yield index, target


def run_latency(start, names, args, results):
    """(a): `--latency-rounds` rounds of event streams to every target in turn; each column
    pools its rounds' samples. The same events are also timed on the wire (WireCapture) when
    tcpdump can capture here."""
    def measure(running):
        samples = {target.name: [] for target in running}
        cpu = {target.name: 0.0 for target in running}
        per_round = max(1, args.latency_events // args.latency_rounds)
        proxies = {target.port: target.name for target in running if target.name != "direct"}
        capture = WireCapture.start(args.upstream_port, list(proxies)) if args.wire_latency else None
        try:
            for index, target in interleaved(running, args.latency_rounds):
                log(f"latency: round {index + 1}/{args.latency_rounds}, {target.name}")
                before = cpu_seconds(target.proxy_pids())
                samples[target.name] += asyncio.run(event_latencies(
                    target.port, args.latency_streams, per_round, args.latency_interval_ms))
                cpu[target.name] += cpu_seconds(target.proxy_pids()) - before
        finally:
            if capture:
                wire = capture.finish()
            else:
                wire = "not measured (no tcpdump, or no right to capture)" if args.wire_latency else "skipped"
        for name, values in samples.items():
            column = results.setdefault(name, {})
            column["latency_p50"] = fmt(percentile(values, 0.5), 3)
            column["latency_p99"] = fmt(percentile(values, 0.99), 3)
            if name != "direct" and values:
                # Includes the streams' set-up and teardown (20 per round), spread over the events.
                column["event_cpu"] = fmt(cpu[name] / len(values) * 1e6, 1)
        for port, name in proxies.items():
            column = results.setdefault(name, {})
            if isinstance(wire, str):
                column["wire_p50"] = column["wire_p99"] = wire
                column["wire_n"] = "0"
                continue
            added = wire.get(port, [])
            column["wire_p50"] = fmt(percentile(added, 0.5), 1) if added else "no samples"
            column["wire_p99"] = fmt(percentile(added, 0.99), 1) if added else "no samples"
            column["wire_n"] = f"{len(added):,} of {len(samples[name]):,}"

    run_all_at_once("latency", "latency_p50", start, names, results, measure)


def run_throughput(start, names, args, results):
    """(d): `--wrk-rounds` rounds of wrk against every target in turn; each column reports its
    median round."""
    def measure(running):
        rounds = {target.name: [] for target in running}
        for index, target in interleaved(running, args.wrk_rounds):
            log(f"throughput: round {index + 1}/{args.wrk_rounds}, {target.name}")
            subprocess.run(["wrk", "-t2", "-c64", "-d1s", f"http://{HOST}:{target.port}/bench/small"],
                           check=True, capture_output=True)  # warm-up: pools, caches
            rounds[target.name].append(measure_wrk(target.port, args.wrk_seconds))
        for name, measured in rounds.items():
            rps, p99, errors = sorted(measured, key=lambda m: m[0])[len(measured) // 2]
            column = results.setdefault(name, {})
            column["rps"] = f"{rps:,.0f}"
            column["rps_rounds"] = ", ".join(f"{m[0]:,.0f}" for m in measured)
            column["wrk_p99"] = fmt(p99, 2) + (f" ({errors})" if errors else "")

    run_all_at_once("throughput", "rps", start, names, results, measure)


def run_first_event(start, names, args, results):
    """(b): fresh connections to every target, interleaved (see measure_first_event)."""
    def measure(running):
        log(f"first_event: {args.first_event_requests} fresh connections to each of {', '.join(names)}, interleaved")
        measured = asyncio.run(measure_first_event(running, args.first_event_requests))
        proxies = {target.port: target.name for target in running if target.name != "direct"}
        # The wire pass is a second one: tcpdump wakes for every packet, and on a small machine
        # that would weigh on the figures the client measured.
        wire = "skipped"
        if args.wire_latency:
            log("first_event: again, timed on the wire")
            capture = WireCapture.start(args.upstream_port, list(proxies), both_directions=True)
            wire = "not measured (no tcpdump, or no right to capture)"
            if capture:
                try:
                    asyncio.run(measure_first_event(running, args.first_event_requests, warmup=0))
                finally:
                    wire = capture.finish(capture.first_event_timings)
        for name, (p50, p99, cpu) in measured.items():
            column = results.setdefault(name, {})
            column["first_p50"] = fmt(p50, 3)
            column["first_p99"] = fmt(p99, 3)
            if cpu is not None:
                column["first_cpu"] = fmt(cpu, 0)
        for port, name in proxies.items():
            column = results.setdefault(name, {})
            timings = wire if isinstance(wire, str) else wire.get(port, [])
            if isinstance(timings, str) or not timings:
                column["first_wire_p50"] = column["first_proxy_p50"] = timings or "no samples"
                continue
            column["first_wire_p50"] = fmt(percentile([t[0] for t in timings], 0.5), 1)
            column["first_proxy_p50"] = fmt(percentile([t[1] for t in timings], 0.5), 1)

    run_all_at_once("first_event", "first_p50", start, names, results, measure)


ROWS = [
    ("latency_p50", "SSE event latency p50 (ms, receive − upstream send)"),
    ("latency_p99", "SSE event latency p99 (ms)"),
    ("wire_p50", "SSE latency the proxy adds on the wire, p50 (µs, upstream packet → client packet)"),
    ("wire_p99", "SSE latency the proxy adds on the wire, p99 (µs)"),
    ("wire_n", "events timed on the wire, of those received"),
    ("event_cpu", "proxy CPU per SSE event (µs, streams' set-up included)"),
    ("first_p50", "time to first event p50 (ms, fresh connection)"),
    ("first_p99", "time to first event p99 (ms)"),
    ("first_wire_p50", "time to first event on the wire p50 (µs, client SYN → proxy's first event packet)"),
    ("first_proxy_p50", "of which the proxy's own two turns p50 (µs, request in → out + response in → out)"),
    ("first_cpu", "proxy CPU per fresh-connection request (µs)"),
    ("rss_per_stream", "proxy RSS per idle SSE stream (KiB, {idle} streams)"),
    ("rss_total", "proxy RSS with {idle} streams open (MiB)"),
    ("rps", "small responses: requests/s (wrk -t2 -c64 -d{wrk}s, median of {rounds} rounds)"),
    ("rps_rounds", "small responses: requests/s of each round"),
    ("wrk_p99", "small responses: p99 latency (ms, in the median round)"),
    ("cut", "streams cut during {changes} route changes ({reload} open)"),
    ("processes", "proxy processes after the route changes"),
    ("rss_after_changes", "proxy RSS after the route changes (MiB)"),
]


def print_table(results, args):
    columns = ["direct", "nginx", "sluice"]
    print("| metric | " + " | ".join(columns) + " |")
    print("|---|" + "---|" * len(columns))
    for key, label in ROWS:
        label = label.format(idle=args.idle_streams, wrk=args.wrk_seconds, changes=args.changes,
                             reload=args.reload_streams, rounds=args.wrk_rounds)
        cells = [str(results.get(column, {}).get(key, "—" if column == "direct" and key not in (
            "latency_p50", "latency_p99", "first_p50", "first_p99", "rps", "rps_rounds", "wrk_p99") else "not run"))
            for column in columns]
        print(f"| {label} | " + " | ".join(cells) + " |")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sluice", default=os.path.join(HERE, "..", ".build", "release", "sluice"),
                        help="path of the release-built sluice binary")
    parser.add_argument("--nginx", default="/usr/sbin/nginx")
    parser.add_argument("--targets", default="direct,nginx,sluice",
                        help="comma-separated subset of direct,nginx,sluice")
    parser.add_argument("--upstream-port", type=int, default=18081)
    parser.add_argument("--nginx-port", type=int, default=18090)
    parser.add_argument("--sluice-port", type=int, default=18091)
    parser.add_argument("--sluice-admin-port", type=int, default=18092)
    parser.add_argument("--nginx-workers", default="2")
    parser.add_argument("--nginx-shutdown-timeout", default="10s",
                        help="nginx worker_shutdown_timeout (ingress-nginx default: 240s)")
    parser.add_argument("--measure", default="latency,first_event,throughput,memory,route_changes",
                        help="comma-separated subset of latency,first_event,throughput,memory,route_changes")
    parser.add_argument("--latency-streams", type=int, default=20)
    parser.add_argument("--latency-events", type=int, default=250)
    parser.add_argument("--latency-interval-ms", type=int, default=20)
    parser.add_argument("--latency-rounds", type=int, default=5,
                        help="rounds for (a), interleaved across targets; --latency-events is split over them")
    parser.add_argument("--no-wire-latency", dest="wire_latency", action="store_false",
                        help="do not time events on the wire with tcpdump during (a)")
    parser.add_argument("--first-event-requests", type=int, default=1000)
    parser.add_argument("--wrk-seconds", type=int, default=10)
    parser.add_argument("--wrk-rounds", type=int, default=3,
                        help="wrk runs per target for (d), interleaved across targets; the median is reported")
    parser.add_argument("--idle-streams", type=int, default=9000)
    parser.add_argument("--reload-streams", type=int, default=1000)
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--observe-after-changes", type=float, default=None,
                        help="seconds to keep watching streams after the last change "
                             "(default: nginx shutdown timeout + 3)")
    args = parser.parse_args()
    if args.observe_after_changes is None:
        timeout = args.nginx_shutdown_timeout.rstrip("s")
        args.observe_after_changes = (float(timeout) if timeout.replace(".", "").isdigit() else 10) + 3

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = min(hard, 20000) if hard != resource.RLIM_INFINITY else 20000
    resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    if wanted < args.idle_streams + 500:
        log(f"warning: only {wanted} open files allowed; {args.idle_streams} streams may fail (ulimit -n)")

    targets = [name.strip() for name in args.targets.split(",") if name.strip()]
    sluice = os.path.abspath(args.sluice)
    if not os.access(sluice, os.X_OK):
        sys.exit(f"no sluice binary at {sluice}: build it with `swift build -c release` (bench/run.sh does)")

    for name in targets:
        if name not in ("direct", "nginx", "sluice"):
            sys.exit(f"unknown target {name}")

    def start(name):
        if name == "direct":
            return Direct(upstream)
        if name == "nginx":
            return Nginx(args.nginx, args.nginx_port, upstream.port, args.nginx_workers,
                         args.nginx_shutdown_timeout)
        return Sluice(sluice, args.sluice_port, args.sluice_admin_port, upstream.port)

    results = {}
    upstream = Upstream(sluice, args.upstream_port)
    try:
        if "latency" in args.measure.split(","):
            run_latency(start, targets, args, results)
        if "first_event" in args.measure.split(","):
            run_first_event(start, targets, args, results)
        if "throughput" in args.measure.split(","):
            run_throughput(start, targets, args, results)
        for name in targets:
            target = None
            try:
                target = start(name)
                run_target(target, args, results)
            except Exception as error:
                log(f"{name}: could not run: {error!r}")
                results.setdefault(name, {})["latency_p50"] = f"error: {error}"
            finally:
                if target is not None:
                    target.stop()
            time.sleep(2)
    finally:
        upstream.stop()

    print()
    print(f"Loopback, {os.cpu_count()} CPUs; upstream: sluice demo-upstream; "
          f"nginx {args.nginx_workers} workers, worker_shutdown_timeout {args.nginx_shutdown_timeout}.")
    print()
    print_table(results, args)


if __name__ == "__main__":
    main()
