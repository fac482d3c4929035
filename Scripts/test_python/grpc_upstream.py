"""A gRPC upstream for the Swift tests (grpcio, raw bytes: no protoc, no generated code).

    grpc_upstream.py            serves on 127.0.0.1, a free port, printed as `PORT <n>`
    grpc_upstream.py CERT KEY   the same over TLS (ALPN h2) with the PEM certificate chain and key

Methods of the service `test.Echo` (messages are UTF-8 text):
  Unary          answers `echo:<request>`; a request `deadline?` answers the seconds left
                 before the call's deadline (from `grpc-timeout`; huge without one)
  Fail           ends with the status and message the request names (`<code> <message>`),
                 and the trailing metadata `x-detail: from-upstream`
  Slow           waits the seconds the request names, then answers `slept`
  ServerStream   sends `<n>` messages (`message-<i>`), each only once the client acknowledged the
                 one before (Ack): a proxy that held a message back never gets the next sent,
                 and the call ends with ABORTED `no ack for message-<i>`
  Ack            `<i>`: the client received message `<i>` of the running ServerStream
  ClientStream   answers, at the stream's end, how many messages came and what they were
  Bidi           answers each message as it arrives (`echo:<message>`)
"""

import sys
import threading
import time
from concurrent import futures

import grpc

acks = {}
acks_lock = threading.Condition()


def unary(request, context):
    text = request.decode()
    if text == "deadline?":
        return f"{context.time_remaining():.0f}".encode()
    return b"echo:" + request


def fail(request, context):
    code, _, message = request.decode().partition(" ")
    context.set_trailing_metadata([("x-detail", "from-upstream")])
    status = next(s for s in grpc.StatusCode if s.value[0] == int(code))
    context.abort(status, message)


def slow(request, context):
    time.sleep(float(request.decode()))
    return b"slept"


def server_stream(request, context):
    count = int(request.decode())
    for i in range(count):
        yield f"message-{i}".encode()
        if i == count - 1:
            break
        with acks_lock:
            if not acks_lock.wait_for(lambda: i in acks, timeout=5):
                context.abort(grpc.StatusCode.ABORTED, f"no ack for message-{i}")
            del acks[i]


def ack(request, context):
    with acks_lock:
        acks[int(request.decode())] = True
        acks_lock.notify_all()
    return b"ok"


def client_stream(request_iterator, context):
    received = [message.decode() for message in request_iterator]
    return f"{len(received)}:{','.join(received)}".encode()


def bidi(request_iterator, context):
    for message in request_iterator:
        yield b"echo:" + message


def main():
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=16))
    handlers = {
        "Unary": grpc.unary_unary_rpc_method_handler(unary),
        "Fail": grpc.unary_unary_rpc_method_handler(fail),
        "Slow": grpc.unary_unary_rpc_method_handler(slow),
        "ServerStream": grpc.unary_stream_rpc_method_handler(server_stream),
        "Ack": grpc.unary_unary_rpc_method_handler(ack),
        "ClientStream": grpc.stream_unary_rpc_method_handler(client_stream),
        "Bidi": grpc.stream_stream_rpc_method_handler(bidi),
    }
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler("test.Echo", handlers),))
    if len(sys.argv) == 3:
        with open(sys.argv[1], "rb") as cert, open(sys.argv[2], "rb") as key:
            credentials = grpc.ssl_server_credentials([(key.read(), cert.read())])
        port = server.add_secure_port("127.0.0.1:0", credentials)
    else:
        port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(f"PORT {port}", flush=True)
    # Until the test stops it.
    server.wait_for_termination()


if __name__ == "__main__":
    main()
