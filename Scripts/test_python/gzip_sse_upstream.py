"""An event-stream upstream that compresses its stream, as a compression middleware in front of
an SSE endpoint does, for the Swift tests of `sluice probe` (standard library only).

    gzip_sse_upstream.py   serves on 127.0.0.1, a free port, printed as `PORT <n>`

Answers every GET with `200`, `content-type: text/event-stream`, `content-encoding: gzip` and a
chunked body: 10 events, 20 ms apart, each compressed and flushed (Z_SYNC_FLUSH) on its own, so
the events still arrive one by one, only compressed.
"""

import http.server
import sys
import time
import zlib


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        gzip = zlib.compressobj(6, zlib.DEFLATED, 31)
        for i in range(1, 11):
            data = gzip.compress(f"id: {i}\ndata: event {i}\n\n".encode()) + gzip.flush(zlib.Z_SYNC_FLUSH)
            self.write_chunk(data)
            time.sleep(0.02)
        self.write_chunk(gzip.flush())
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def write_chunk(self, data):
        if data:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()

    def log_message(self, format, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(f"PORT {server.server_address[1]}", flush=True)
sys.stdout.flush()
server.serve_forever()
