"""An h2c (HTTP/2 over TCP, prior knowledge) upstream for the Swift tests, with python-h2.

    h2c_upstream.py [MAX_CONCURRENT_STREAMS]   serves on 127.0.0.1, a free port, printed as
                                              `PORT <n>`

Answers every request, once its body has ended, with `200`, `content-type: application/json`
and a JSON body: the request's `headers` (pseudo-headers included; repeated names joined with
`, `), its `body`, and `connection`, a number per TCP connection (which requests shared one).
A path starting `/slow` is answered half a second later; after answering a path starting
`/goaway`, the connection sends GOAWAY (NO_ERROR: no new stream on it). SETTINGS_MAX_CONCURRENT_STREAMS
is MAX_CONCURRENT_STREAMS when given.
"""

import asyncio
import itertools
import json
import sys

from h2.config import H2Configuration
from h2.connection import H2Connection
from h2.events import DataReceived, RequestReceived, StreamEnded, StreamReset
from h2.settings import SettingCodes

connection_numbers = itertools.count(1)
max_streams = int(sys.argv[1]) if len(sys.argv) > 1 else None


class H2CUpstream(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport
        self.number = next(connection_numbers)
        self.conn = H2Connection(H2Configuration(client_side=False, header_encoding="utf-8"))
        self.conn.initiate_connection()
        if max_streams is not None:
            self.conn.update_settings({SettingCodes.MAX_CONCURRENT_STREAMS: max_streams})
        self.transport.write(self.conn.data_to_send())
        self.requests = {}

    def data_received(self, data):
        for event in self.conn.receive_data(data):
            if isinstance(event, RequestReceived):
                headers = {}
                for name, value in event.headers:
                    headers[name] = f"{headers[name]}, {value}" if name in headers else value
                self.requests[event.stream_id] = {"headers": headers, "body": b""}
            elif isinstance(event, DataReceived):
                self.requests[event.stream_id]["body"] += event.data
                self.conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
            elif isinstance(event, StreamEnded):
                request = self.requests.pop(event.stream_id)
                delay = 0.5 if request["headers"].get(":path", "").startswith("/slow") else 0
                asyncio.get_running_loop().call_later(delay, self.respond, event.stream_id, request)
            elif isinstance(event, StreamReset):
                self.requests.pop(event.stream_id, None)
        self.transport.write(self.conn.data_to_send())

    def respond(self, stream_id, request):
        body = json.dumps(
            {"headers": request["headers"], "body": request["body"].decode(), "connection": self.number}
        ).encode()
        try:
            self.conn.send_headers(
                stream_id, [(":status", "200"), ("content-type", "application/json"), ("content-length", str(len(body)))]
            )
            self.conn.send_data(stream_id, body, end_stream=True)
            if request["headers"].get(":path", "").startswith("/goaway"):
                self.conn.close_connection(last_stream_id=stream_id)
        except Exception:  # the stream was reset meanwhile
            return
        self.transport.write(self.conn.data_to_send())


async def main():
    server = await asyncio.get_running_loop().create_server(H2CUpstream, "127.0.0.1", 0)
    print(f"PORT {server.sockets[0].getsockname()[1]}", flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())

