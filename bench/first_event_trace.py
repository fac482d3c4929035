#!/usr/bin/env python3
"""Where the time to first event goes: a system-call and scheduler trace of fresh connections.

For each proxy (nginx, Sluice) in turn, in front of the demo upstream: N fresh connections, one
at a time, each `GET /bench/sse?events=1` until its one event, while `perf record` traces the
system calls and scheduler events of the proxy's processes and the upstream's. Per connection it
splits the path from the proxy reading the request to the proxy writing the response into:

  request turn     the proxy's read() that returned the request -> its write() to the upstream
  upstream wake    that write -> the upstream's epoll_wait() returning
  upstream work    -> the upstream's first write() (the response head)
  proxy wake       -> the proxy's epoll_wait() returning
  response turn    -> the proxy's write()/writev() to the client

and prints the medians. The two turns are the proxy's own work (user space, plus the read
itself); the wakes are scheduling. Needs `perf` with access to tracepoints (root here). Python 3
standard library only. See bench/README.md.
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
READS = (0, 45)  # read, recvfrom
WRITES = (1, 20)  # write, writev
EPOLL_WAIT = (232, 281)  # epoll_wait, epoll_pwait
SEGMENTS = ("request turn", "upstream wake", "upstream work", "proxy wake", "response turn")



def trace(target, upstream, connections, directory):
    """Records the trace of `connections` fresh connections; returns `perf script`'s text."""
    data = os.path.join(directory, f"{target.name}.perf")
    pids = [*target.proxy_pids(), upstream.process.pid]
    perf = subprocess.Popen(
        ["perf", "record", "-k", "mono", "-e",
         "raw_syscalls:sys_enter,raw_syscalls:sys_exit,sched:sched_switch,sched:sched_wakeup",
         "-o", data, "-p", ",".join(map(str, pids))],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1)
    bench.fresh_connections(target.port, connections)
    time.sleep(0.3)
    perf.send_signal(signal.SIGINT)
    perf.wait()
    return subprocess.run(["perf", "script", "-i", data, "-F", "pid,tid,time,event,trace", "--ns"],
                          capture_output=True, text=True).stdout


def segments(text, upstream_pid):
    """{segment: [µs per connection]} from `perf script` output (see the module's docstring)."""
    line = re.compile(r"\s*(\d+)/(\d+)\s+([\d.]+):\s+\S+:(sys_enter|sys_exit):\s+NR (\d+) (?:\((\w+)|= (-?\d+))")
    found = {name: [] for name in SEGMENTS}
    entered = {}  # tid -> (syscall, first argument, time)
    last_read = {}  # tid -> (time, fd, bytes) of the proxy's last read
    current = None
    for match in line.finditer(text):
        pid, tid, when, kind, number, argument, result = match.groups()
        pid, tid, number, when = int(pid), int(tid), int(number), float(when) * 1e6
        upstream = pid == upstream_pid
        if kind == "sys_enter":
            fd = int(argument, 16)
            entered[tid] = (number, fd, when)
            if number not in WRITES:
                continue
            if not upstream and current is None and tid in last_read:
                read_at, read_fd, read_bytes = last_read[tid]
                # The request (80–120 bytes here) read from the client, then written elsewhere.
                if 80 < read_bytes < 120 and fd != read_fd and when - read_at < 150:
                    current = {"request read": read_at, "upstream write": when, "client": read_fd}
                    del last_read[tid]
            elif upstream and current and "upstream woke" in current and "upstream wrote" not in current:
                current["upstream wrote"] = when
            elif not upstream and current and "proxy woke" in current and fd == current["client"]:
                found["request turn"].append(current["upstream write"] - current["request read"])
                found["upstream wake"].append(current["upstream woke"] - current["upstream write"])
                found["upstream work"].append(current["upstream wrote"] - current["upstream woke"])
                found["proxy wake"].append(current["proxy woke"] - current["upstream wrote"])
                found["response turn"].append(when - current["proxy woke"])
                current = None
        elif tid in entered:
            number, fd, _ = entered.pop(tid)
            if number in READS and not upstream:
                last_read[tid] = (when, fd, int(result))
            if number in EPOLL_WAIT and current:
                if upstream and "upstream woke" not in current and when > current["upstream write"]:
                    current["upstream woke"] = when
                elif not upstream and "upstream wrote" in current and "proxy woke" not in current:
                    current["proxy woke"] = when
    return found


def median(values):
    ordered = sorted(values)
    return ordered[len(ordered) // 2] if ordered else float("nan")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    bench.add_proxy_arguments(parser, os.path.join(HERE, "..", ".build", "release", "sluice"))
    parser.add_argument("--connections", type=int, default=1000)
    args = parser.parse_args()
    if shutil.which("perf") is None:
        sys.exit("first_event_trace.py needs perf: apt-get install -y linux-perf")
    directory = tempfile.mkdtemp(prefix="sluice-bench-trace-")
    results = {}
    try:
        for name in args.targets.split(","):
            upstream = bench.Upstream(args.sluice, args.upstream_port)
            try:
                if name == "nginx":
                    target = bench.Nginx(args.nginx, args.port, args.upstream_port, 2, "10s")
                else:
                    target = bench.Sluice(args.sluice, args.port, args.admin_port, args.upstream_port)
                try:
                    bench.fresh_connections(target.port, 200)
                    bench.log(f"{name}: tracing {args.connections} fresh connections")
                    results[name] = segments(trace(target, upstream, args.connections, directory),
                                             upstream.process.pid)
                finally:
                    target.stop()
            finally:
                upstream.stop()
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    names = list(results)
    print("| p50 (µs) | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for segment in SEGMENTS:
        print(f"| {segment} | " + " | ".join(f"{median(results[n][segment]):.1f}" for n in names) + " |")
    print("| connections matched | " + " | ".join(str(len(results[n]["request turn"])) for n in names) + " |")


if __name__ == "__main__":
    main()
