#!/usr/bin/env python3
"""An HTTP/2 client for Sluice's loopback tests, on python-h2 (the tests' virtualenv).

Prints one line per thing seen, flushed at once, so the Swift test reads progress as it happens:
  status <stream> <code>        a response head
  event <stream> <id>           an SSE event (its `id:` line)
  bytes <stream> <n>            body bytes received so far on a stream (every 64 KiB, and at its end)
  end <stream>                  the stream ended cleanly
  reset <stream> <code>         the server reset the stream
  goaway <code>                 the server sent GOAWAY
  closed                        the server closed the connection
  error <text>                  the client failed

Usage: h2_client.py [--tls] HOST PORT MODE [ARGS]
  sse COUNT PATH          COUNT streams of GET PATH on one connection, printing events
  get PATH [HEADER=VALUE ...] one GET, printing the response head fields as `field <name> <value>`
  stall PATH OTHER        stream 1 (GET PATH) never grants window; stream 3 (GET OTHER) reads normally
  rapid-reset COUNT       COUNT streams opened and reset at once (CVE-2023-44487)
  continuation-flood      one HEADERS without END_HEADERS, then endless CONTINUATION frames (CVE-2024-27316)
  big-headers BYTES       one request whose header list is BYTES long
  hpack-bomb COUNT        one request repeating a 4 KB field COUNT times: a few KB encoded (HPACK's
                          dynamic table), COUNT x 4 KB decoded
  settings-flood COUNT    COUNT SETTINGS frames
  ping-flood COUNT        COUNT PING frames
  websocket PATH TEXT...  a WebSocket over HTTP/2 (RFC 8441 extended CONNECT): each TEXT sent as a
                          text message, each echo printed as `ws <text>`, then a close handshake
"""
import os
import socket
import ssl
import struct
import sys
import time

import h2.config
import h2.connection
import h2.events
import h2.settings


def say(*parts):
    print(*parts, flush=True)


def connect(host, port, tls):
    sock = socket.create_connection((host, port), timeout=30)
    if tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        context.set_alpn_protocols(["h2"])
        sock = context.wrap_socket(sock, server_hostname="example.com")
        if sock.selected_alpn_protocol() != "h2":
            say("error alpn", sock.selected_alpn_protocol())
            sys.exit(2)
    return sock


def new_connection(sock, window=None):
    config = h2.config.H2Configuration(client_side=True, header_encoding="utf-8")
    conn = h2.connection.H2Connection(config=config)
    conn.initiate_connection()
    if window is not None:
        conn.update_settings({h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: window})
    sock.sendall(conn.data_to_send())
    return conn


def request_headers(path, extra=()):
    return [(":method", "GET"), (":scheme", "https"), (":authority", "example.com"), (":path", path)] + list(extra)


class Reader:
    """Reads frames and prints what happens; `grant(stream)` says whether to give window back."""

    def __init__(self, sock, conn, grant=lambda stream: True):
        self.sock, self.conn, self.grant = sock, conn, grant
        self.buffers, self.received, self.reported = {}, {}, {}
        self.open = set()
        self.done = False

    def pump(self):
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            say("error timeout")
            self.done = True
            return
        except (ConnectionResetError, ssl.SSLError, OSError) as error:
            say("closed", type(error).__name__)
            self.done = True
            return
        if not data:
            say("closed")
            self.done = True
            return
        try:
            events = self.conn.receive_data(data)
        except Exception as error:  # a protocol error on the server's part
            say("error", type(error).__name__, error)
            self.done = True
            return
        for event in events:
            self.handle(event)
        out = self.conn.data_to_send()
        if out:
            try:
                self.sock.sendall(out)
            except OSError:
                pass

    def handle(self, event):
        if isinstance(event, h2.events.ResponseReceived):
            headers = dict(event.headers)
            say("status", event.stream_id, headers.get(":status"))
            for name, value in event.headers:
                say("field", event.stream_id, name, value)
        elif isinstance(event, h2.events.DataReceived):
            stream = event.stream_id
            if self.grant(stream):
                self.conn.acknowledge_received_data(event.flow_controlled_length, stream)
            else:
                # Only the connection's window is given back: the stream's stays spent.
                self.conn.increment_flow_control_window(event.flow_controlled_length)
            self.received[stream] = self.received.get(stream, 0) + len(event.data)
            if self.received[stream] - self.reported.get(stream, 0) >= 65536:
                self.reported[stream] = self.received[stream]
                say("bytes", stream, self.received[stream])
            buffer = self.buffers.get(stream, b"") + event.data
            while b"\n\n" in buffer:
                block, buffer = buffer.split(b"\n\n", 1)
                for line in block.split(b"\n"):
                    if line.startswith(b"id:"):
                        say("event", stream, line[3:].strip().decode())
            self.buffers[stream] = buffer
        elif isinstance(event, h2.events.StreamEnded):
            say("bytes", event.stream_id, self.received.get(event.stream_id, 0))
            say("end", event.stream_id)
            self.open.discard(event.stream_id)
        elif isinstance(event, h2.events.StreamReset):
            say("reset", event.stream_id, int(event.error_code))
            self.open.discard(event.stream_id)
        elif isinstance(event, h2.events.ConnectionTerminated):
            say("goaway", int(event.error_code))

    def run(self, until=lambda: False):
        while not self.done and not until():
            self.pump()


def ws_frame(opcode, payload):
    """A masked client WebSocket frame (RFC 6455 §5.2)."""
    mask = os.urandom(4)
    header = bytes([0x80 | opcode])
    if len(payload) < 126:
        header += bytes([0x80 | len(payload)])
    else:
        header += bytes([0x80 | 126]) + struct.pack(">H", len(payload))
    return header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def ws_messages(buffer):
    """Unmasked server frames in `buffer`: ([(opcode, payload)], rest)."""
    messages = []
    while len(buffer) >= 2:
        length, offset = buffer[1] & 0x7F, 2
        if length == 126:
            if len(buffer) < 4:
                break
            length, offset = struct.unpack(">H", buffer[2:4])[0], 4
        if len(buffer) < offset + length:
            break
        messages.append((buffer[0] & 0x0F, buffer[offset : offset + length]))
        buffer = buffer[offset + length :]
    return messages, buffer


def frame(kind, flags, stream, payload):
    return struct.pack(">I", len(payload))[1:] + bytes([kind, flags]) + struct.pack(">I", stream) + payload


def raw_preface():
    return b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + frame(0x4, 0, 0, b"")


def watch_until_closed(sock, seconds=10):
    """Reads raw frames until the server closes, printing GOAWAYs."""
    sock.settimeout(seconds)
    buffer = b""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            data = sock.recv(65536)
        except socket.timeout:
            break
        except (ConnectionResetError, ssl.SSLError, OSError) as error:
            say("closed", type(error).__name__)
            return
        if not data:
            say("closed")
            return
        buffer += data
        while len(buffer) >= 9:
            length = int.from_bytes(buffer[0:3], "big")
            if len(buffer) < 9 + length:
                break
            kind, payload = buffer[3], buffer[9 : 9 + length]
            if kind == 0x7:
                say("goaway", int.from_bytes(payload[4:8], "big"))
            elif kind == 0x3:
                say("reset", int.from_bytes(buffer[5:9], "big") & 0x7FFFFFFF, int.from_bytes(payload[0:4], "big"))
            buffer = buffer[9 + length :]
    say("error still open")


def main():
    args = sys.argv[1:]
    tls = False
    if args and args[0] == "--tls":
        tls = True
        args = args[1:]
    host, port, mode, rest = args[0], int(args[1]), args[2], args[3:]
    sock = connect(host, port, tls)

    if mode == "sse":
        count, path = int(rest[0]), rest[1]
        conn = new_connection(sock)
        reader = Reader(sock, conn)
        for index in range(count):
            stream = 1 + 2 * index
            conn.send_headers(stream, request_headers(path, [("accept", "text/event-stream")]), end_stream=True)
            reader.open.add(stream)
        sock.sendall(conn.data_to_send())
        reader.run(until=lambda: not reader.open)
    elif mode == "get":
        conn = new_connection(sock)
        reader = Reader(sock, conn)
        extra = [tuple(pair.split("=", 1)) for pair in rest[1:]]
        conn.send_headers(1, request_headers(rest[0], extra), end_stream=True)
        reader.open.add(1)
        sock.sendall(conn.data_to_send())
        reader.run(until=lambda: not reader.open)
    elif mode == "stall":
        conn = new_connection(sock)
        reader = Reader(sock, conn, grant=lambda stream: stream != 1)
        conn.send_headers(1, request_headers(rest[0]), end_stream=True)
        conn.send_headers(3, request_headers(rest[1], [("accept", "text/event-stream")]), end_stream=True)
        reader.open.update([1, 3])
        sock.sendall(conn.data_to_send())
        reader.run(until=lambda: 3 not in reader.open)
    elif mode == "rapid-reset":
        conn = new_connection(sock)
        reader = Reader(sock, conn)
        for index in range(int(rest[0])):
            stream = 1 + 2 * index
            try:
                conn.send_headers(stream, request_headers("/"), end_stream=True)
                conn.reset_stream(stream)
            except Exception as error:
                say("error", type(error).__name__)
                break
            if index % 50 == 49:
                try:
                    sock.sendall(conn.data_to_send())
                except OSError as error:
                    say("closed", type(error).__name__)
                    return
        try:
            sock.sendall(conn.data_to_send())
        except OSError:
            pass
        sock.settimeout(10)
        reader.run(until=lambda: False)
    elif mode == "websocket":
        config = h2.config.H2Configuration(client_side=True, header_encoding="utf-8", validate_outbound_headers=False)
        conn = h2.connection.H2Connection(config=config)
        conn.initiate_connection()
        sock.sendall(conn.data_to_send())
        # Wait for the server's SETTINGS: extended CONNECT needs SETTINGS_ENABLE_CONNECT_PROTOCOL.
        settings = {}
        while not settings:
            for event in conn.receive_data(sock.recv(65536)):
                if isinstance(event, h2.events.RemoteSettingsChanged):
                    settings = {int(k): v.new_value for k, v in event.changed_settings.items()}
            sock.sendall(conn.data_to_send())
        say("setting enable_connect_protocol", settings.get(8, 0))
        headers = [(":method", "CONNECT"), (":protocol", "websocket"), (":scheme", "https"), (":path", rest[0]),
                   (":authority", "example.com"), ("sec-websocket-version", "13")]
        conn.send_headers(1, headers, end_stream=False)
        sock.sendall(conn.data_to_send())
        texts, buffer, accepted = list(rest[1:]), b"", False
        while True:
            data = sock.recv(65536)
            if not data:
                say("closed")
                return
            for event in conn.receive_data(data):
                if isinstance(event, h2.events.ResponseReceived):
                    say("status", event.stream_id, dict(event.headers).get(":status"))
                    for name, value in event.headers:
                        say("field", event.stream_id, name, value)
                    accepted = dict(event.headers).get(":status") == "200"
                    if accepted and texts:
                        conn.send_data(1, ws_frame(0x1, texts.pop(0).encode()))
                elif isinstance(event, h2.events.DataReceived):
                    conn.acknowledge_received_data(event.flow_controlled_length, 1)
                    messages, buffer = ws_messages(buffer + event.data)
                    for opcode, payload in messages:
                        if opcode == 0x1:
                            say("ws", payload.decode())
                            if texts:
                                conn.send_data(1, ws_frame(0x1, texts.pop(0).encode()))
                            else:
                                conn.send_data(1, ws_frame(0x8, struct.pack(">H", 1000)))
                        elif opcode == 0x8:
                            say("ws-close")
                            conn.end_stream(1)
                elif isinstance(event, h2.events.StreamEnded):
                    say("end", event.stream_id)
                    sock.sendall(conn.data_to_send())
                    return
                elif isinstance(event, h2.events.StreamReset):
                    say("reset", event.stream_id, int(event.error_code))
                    return
            sock.sendall(conn.data_to_send())
    elif mode == "continuation-flood":
        sock.sendall(raw_preface())
        # A literal header field without indexing, new name: `x-a: b`.
        fragment = b"\x00\x03x-a\x01b"
        sock.sendall(frame(0x1, 0x0, 1, fragment))
        try:
            for _ in range(10000):
                sock.sendall(frame(0x9, 0x0, 1, fragment))
        except OSError as error:
            say("closed", type(error).__name__)
            return
        watch_until_closed(sock)
    elif mode == "big-headers":
        conn = new_connection(sock)
        reader = Reader(sock, conn)
        size = int(rest[0])
        headers = request_headers("/") + [("x-big-%d" % i, "v" * 1000) for i in range(size // 1000)]
        conn.send_headers(1, headers, end_stream=True)
        reader.open.add(1)
        sock.sendall(conn.data_to_send())
        sock.settimeout(10)
        reader.run(until=lambda: not reader.open)
    elif mode == "hpack-bomb":
        conn = new_connection(sock)
        reader = Reader(sock, conn)
        headers = request_headers("/") + [("x-bomb", "v" * 4000)] * int(rest[0])
        conn.send_headers(1, headers, end_stream=True)
        encoded = conn.data_to_send()
        say("encoded", len(encoded))
        reader.open.add(1)
        sock.sendall(encoded)
        sock.settimeout(10)
        reader.run(until=lambda: not reader.open)
    elif mode in ("settings-flood", "ping-flood"):
        sock.sendall(raw_preface())
        count = int(rest[0])
        try:
            for index in range(count):
                if mode == "settings-flood":
                    sock.sendall(frame(0x4, 0, 0, struct.pack(">HI", 0x3, 100)))
                else:
                    sock.sendall(frame(0x6, 0, 0, struct.pack(">Q", index)))
        except OSError as error:
            say("closed", type(error).__name__)
            return
        watch_until_closed(sock)
    else:
        say("error unknown mode", mode)
        sys.exit(2)


if __name__ == "__main__":
    main()
