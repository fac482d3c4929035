"""An HTTP/2 client for the benchmark (http2.py, and profiling by hand): asyncio and python3-h2,
so it runs on Debian's /usr/bin/python3. The tests have their own, which misbehaves on purpose
(Tests/Scripts/h2_client.py); this one only reads event streams as fast as they come.
"""

import asyncio
import sys

try:
    import h2.config
    import h2.connection
    import h2.events
except ImportError:
    sys.exit("the HTTP/2 benchmark needs python3-h2: run it with /usr/bin/python3 (apt-get install -y python3-h2)")

import bench
import tls

HOST = bench.HOST
SERVER_NAME = tls.SERVER_NAME  # the certificate's name: SNI and :authority


class H2Client:
    """One client HTTP/2 connection: TLS with ALPN h2 (`context`) or h2c with prior knowledge.
    Streams are GETs whose SSE `data:` lines go to a callback; every DATA frame's window is given
    back at once."""

    @classmethod
    async def open(cls, port, context=None):
        reader, writer = await asyncio.open_connection(HOST, port, ssl=context,
                                                       server_hostname=SERVER_NAME if context else None)
        if context is not None:
            protocol = writer.get_extra_info("ssl_object").selected_alpn_protocol()
            if protocol != "h2":
                writer.close()
                raise RuntimeError(f"port {port}: ALPN chose {protocol!r}, not h2")
        return cls(reader, writer, "https" if context else "http")

    def __init__(self, reader, writer, scheme):
        self.reader, self.writer, self.scheme = reader, writer, scheme
        self.connection = h2.connection.H2Connection(
            h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
        self.connection.initiate_connection()
        self.writer.write(self.connection.data_to_send())
        self.streams = {}  # stream id -> [on_event, pending bytes]
        self.ended = {}  # stream id -> None (ended cleanly) or why not
        self.error = None
        self.reading = asyncio.ensure_future(self.read())

    def get(self, path, on_event):
        stream = self.connection.get_next_available_stream_id()
        self.connection.send_headers(stream, [(":method", "GET"), (":scheme", self.scheme),
                                              (":authority", SERVER_NAME), (":path", path),
                                              ("accept", "text/event-stream")], end_stream=True)
        self.streams[stream] = [on_event, b""]
        self.writer.write(self.connection.data_to_send())
        return stream

    async def read(self):
        try:
            while True:
                data = await self.reader.read(65536)
                if not data:
                    self.error = self.error or "the proxy closed the connection"
                    return
                for event in self.connection.receive_data(data):
                    self.handle(event)
                self.writer.write(self.connection.data_to_send())
        except Exception as error:
            self.error = self.error or repr(error)

    def handle(self, event):
        if isinstance(event, h2.events.ResponseReceived):
            status = dict(event.headers).get(":status")
            if status != "200":
                self.ended[event.stream_id] = f"HTTP {status}"
        elif isinstance(event, h2.events.DataReceived):
            self.connection.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
            stream = self.streams[event.stream_id]
            stream[1] += event.data
            while b"\n\n" in stream[1]:
                block, stream[1] = stream[1].split(b"\n\n", 1)
                for line in block.split(b"\n"):
                    if line.startswith(b"data: "):
                        stream[0](event.stream_id, line[6:])
        elif isinstance(event, h2.events.StreamEnded):
            self.ended.setdefault(event.stream_id, None)
        elif isinstance(event, h2.events.StreamReset):
            self.ended[event.stream_id] = f"reset {event.error_code!r}"
        elif isinstance(event, h2.events.ConnectionTerminated):
            self.error = f"GOAWAY {event.error_code!r}"

    def failure(self):
        """Why a stream or the connection failed, or None."""
        return self.error or next((why for why in self.ended.values() if why), None)

    async def close(self):
        self.reading.cancel()
        try:
            self.connection.close_connection()
            self.writer.write(self.connection.data_to_send())
            self.writer.close()
            await asyncio.wait_for(self.writer.wait_closed(), 5)
        except Exception:
            pass


async def one_stream(port, path, context=None):
    """One connection, one stream of GET `path`, read to its end; returns its events' count."""
    client = await H2Client.open(port, context)
    events = [0]
    stream = client.get(path, lambda *_: events.__setitem__(0, events[0] + 1))
    try:
        while stream not in client.ended and client.error is None:
            await asyncio.sleep(0.005)
        if client.failure():
            raise RuntimeError(f"port {port}: {client.failure()}")
        return events[0]
    finally:
        await client.close()
