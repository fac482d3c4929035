"""A gRPC client for the Swift tests (grpcio, raw bytes), over TLS to the proxy (or h2c).

    grpc_client.py TARGET CA_FILE AUTHORITY SCENARIO [ARG...]

Calls `test.Echo` (see grpc_upstream.py) at TARGET (`127.0.0.1:<port>`) as AUTHORITY, trusting
CA_FILE (`-`: in the clear, HTTP/2 with prior knowledge), and prints one JSON line: the call's status `code` (a grpc.StatusCode name), `details`,
`messages` received, and `trailing` metadata. Scenarios:
  unary TEXT
  method PATH TEXT          a unary call to any method path (`/test.Missing/Call`)
  fail CODE MESSAGE
  deadline TIMEOUT SLEEP    Slow(SLEEP) with a deadline of TIMEOUT seconds
  server-stream N ACKS [DELAY]
                            ServerStream(N), acknowledging each message to ACKS (the upstream's
                            own address, in the clear) as it arrives, or DELAY seconds later
  client-stream TEXT...
  bidi TEXT...              each message sent only once the previous one's echo came back
"""

import json
import queue
import sys
import time

import grpc


def main():
    target, ca_file, authority, scenario, *args = sys.argv[1:]
    options = [("grpc.default_authority", authority), ("grpc.enable_http_proxy", 0)]
    if ca_file == "-":
        # h2c: HTTP/2 with prior knowledge, in the clear.
        channel = grpc.insecure_channel(target, options=options)
    else:
        with open(ca_file, "rb") as f:
            credentials = grpc.ssl_channel_credentials(root_certificates=f.read())
        options.append(("grpc.ssl_target_name_override", authority))
        channel = grpc.secure_channel(target, credentials, options=options)
    messages = []
    result = {"code": "OK", "details": None, "messages": messages, "trailing": {}}
    call = None
    try:
        if scenario == "unary":
            response, call = channel.unary_unary("/test.Echo/Unary").with_call(args[0].encode(), timeout=20)
            messages.append(response.decode())
        elif scenario == "method":
            response, call = channel.unary_unary(args[0]).with_call(args[1].encode(), timeout=20)
            messages.append(response.decode())
        elif scenario == "fail":
            _, call = channel.unary_unary("/test.Echo/Fail").with_call(f"{args[0]} {args[1]}".encode(), timeout=20)
        elif scenario == "deadline":
            _, call = channel.unary_unary("/test.Echo/Slow").with_call(args[1].encode(), timeout=float(args[0]))
        elif scenario == "server-stream":
            acks = grpc.insecure_channel(args[1], options=[("grpc.enable_http_proxy", 0)])
            ack = acks.unary_unary("/test.Echo/Ack")
            call = channel.unary_stream("/test.Echo/ServerStream")(args[0].encode(), timeout=20)
            delay = float(args[2]) if len(args) > 2 else 0
            for i, message in enumerate(call):
                messages.append(message.decode())
                time.sleep(delay)
                ack(str(i).encode(), timeout=5)
        elif scenario == "client-stream":
            requests = iter([text.encode() for text in args])
            response, call = channel.stream_unary("/test.Echo/ClientStream").with_call(requests, timeout=20)
            messages.append(response.decode())
        elif scenario == "bidi":
            outbox = queue.Queue()

            def requests():
                while (item := outbox.get()) is not None:
                    yield item

            call = channel.stream_stream("/test.Echo/Bidi")(requests(), timeout=20)
            for text in args:
                outbox.put(text.encode())
                messages.append(next(call).decode())
            outbox.put(None)
            for rest in call:
                messages.append(rest.decode())
        else:
            raise SystemExit(f"unknown scenario {scenario}")
    except grpc.RpcError as error:
        call = error
    if call is not None:
        result["code"] = call.code().name
        result["details"] = call.details()
        result["trailing"] = {key: value for key, value in (call.trailing_metadata() or ())}
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
