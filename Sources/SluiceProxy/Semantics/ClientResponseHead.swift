import NIOCore
import NIOHTTP1

/// How a response travels to the client.
public enum ResponseKind: Hashable, Sendable {
    /// An ordinary response: the route's read timeout applies between chunks.
    case ordinary
    /// An event stream (`text/event-stream`, or a path the route declares): never buffered or
    /// compressed, `X-Accel-Buffering: no`, stream idle timeout between chunks.
    case eventStream
    /// `101 Switching Protocols` to an upgrade request: the connection becomes a byte tunnel.
    case upgrade
    /// A response on a gRPC route (`backend-protocol: GRPC`): a stream of messages ended by
    /// trailers; never buffered or compressed, stream idle timeout between messages.
    case grpc
}

/// Builds the response head the client receives from the one the upstream sent.
public enum ClientResponseHead {
    /// The status line of an interim response relayed to the client: NIO's decoder keeps no
    /// reason phrase for codes it has no case for (`103`), and a bare `HTTP/1.1 103 ` reads as a
    /// mistake in a trace even though the phrase is optional (RFC 9112 §4).
    static func interimStatus(_ status: HTTPResponseStatus) -> HTTPResponseStatus {
        guard status.reasonPhrase.isEmpty else { return status }
        return status.code == 103 ? .custom(code: 103, reasonPhrase: "Early Hints") : HTTPResponseStatus(statusCode: Int(status.code))
    }

    /// Classifies an upstream response head. `declaredEventStream` is the route policy's verdict
    /// on the request path; `requestedUpgrade` whether the request asked to upgrade; `grpc`
    /// whether the route's backend speaks gRPC (every response of it is then one).
    public static func kind(
        of head: HTTPResponseHead,
        declaredEventStream: Bool,
        requestedUpgrade: Bool,
        grpc: Bool = false
    ) -> ResponseKind {
        if head.status == .switchingProtocols, requestedUpgrade { return .upgrade }
        if declaredEventStream { return .eventStream }
        if grpc { return .grpc }
        guard let contentType = head.headers.first(name: "content-type") else { return .ordinary }
        return isEventStream(contentType: contentType) ? .eventStream : .ordinary
    }

    /// Whether a `Content-Type` value's media type is `text/event-stream` (any case, any parameters).
    static func isEventStream(contentType: String) -> Bool {
        // The media type alone is 17 bytes: a shorter value (`text/plain`) is another type.
        guard contentType.utf8.count >= 17 else { return false }
        var contentType = contentType
        return contentType.withUTF8 { HeaderName.mediaTypeIs($0, "text/event-stream") }
    }

    /// The head for the client, as `plan` says (`ResponseHeadPlan`): the upstream's fields
    /// without the hop-by-hop ones and those the plan sets, then the plan's fields, then
    /// `Connection` for HTTP/1, in the client's version (the encoder then frames the body for it).
    public static func make(from head: HTTPResponseHead, plan: ResponseHeadPlan) -> HTTPResponseHead {
        // One pass drops the hop-by-hop fields (every `Connection` among them, unless upgrading)
        // and the upstream's own values of the plan's fields; what is set here is appended.
        var headers = HopByHopHeaders.removing(
            from: head.headers, keepUpgrade: plan.kind == .upgrade, alsoRemoving: plan.fields)
        for field in plan.fields where !field.hides {
            headers.add(name: field.name, value: field.value)
        }
        if let option = plan.connectionOption {
            headers.add(name: "Connection", value: "\(option)")
        }
        return HTTPResponseHead(version: plan.clientVersion, status: head.status, headers: headers)
    }

    /// The client head of a relayed event stream (one its `RelayPlan` relays, to an HTTP/1.1
    /// client), serialized in one pass from the upstream's
    /// head: the bytes `make` and `ClientResponseEncoder` produce for it, without building the
    /// client head's fields first. Hop-by-hop fields and those the plan sets are skipped as they
    /// are written; the plan's fields, `Connection: close` when the client connection ends after
    /// this response, and `transfer-encoding: chunked` follow, in the order `make` and the
    /// encoder add them.
    static func serializeRelayed(_ head: HTTPResponseHead, plan: ResponseHeadPlan, allocator: ByteBufferAllocator) -> ByteBuffer {
        let filter = HopByHopFilter(head.headers, keepUpgrade: false, alsoRemoving: plan.fields)
        let reason = head.status.reasonPhrase
        let code = head.status.code
        // Room for every field, dropped or not: the filter is asked once per field, as it is
        // written (a relayed head always has a `Transfer-Encoding` field to drop).
        var fieldsLength = 0
        for (name, value) in head.headers {
            fieldsLength += HeadCursor.lengthOfField(name, value)
        }
        // "HTTP/1.1 ddd " + reason + CR LF, the fields, the plan's, and the tail.
        let length = 13 + reason.utf8.count + 2 + fieldsLength + RelayedHeadTail.length(plan)
        var buffer = allocator.buffer(capacity: length)
        buffer.writeHead(length: length) { cursor in
            cursor.append("HTTP/1.1 ")
            cursor.appendStatusCode(code)
            cursor.append(" ")
            cursor.append(reason)
            cursor.append("\r\n")
            for (name, value) in head.headers where filter.forwards(name) {
                cursor.appendField(name, value)
            }
            RelayedHeadTail.append(plan, to: &cursor)
        }
        return buffer
    }

    /// Whether the client connection must close after this response even when both sides would
    /// keep it alive: an HTTP/1.0 client can only see the end of a body without `Content-Length`
    /// by the connection closing.
    public static func needsCloseDelimiting(_ head: HTTPResponseHead, clientVersion: HTTPVersion) -> Bool {
        guard clientVersion == .http1_0 else { return false }
        return head.status.mayHaveResponseBody && !head.headers.contains(name: "content-length")
    }
}
