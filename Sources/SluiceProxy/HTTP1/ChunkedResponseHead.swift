import NIOCore
import NIOHTTP1

/// The one kind of upstream response head that starts an event stream, parsed by the proxy: a
/// final (`2xx`–`5xx`) HTTP/1.1 or HTTP/1.0 head whose body is chunked. `UpstreamResponseSplitter`
/// parses such a head itself and relays its body, so that NIO's decoder (llhttp, behind a
/// `ByteToMessageHandler`) never sees the response: on a fresh stream that decoder cost about as
/// much as everything else the proxy does with the response head.
///
/// It accepts a strict subset of what NIO's decoder accepts, and yields the same head for it
/// (`ChunkedResponseHeadTests` checks both against NIO's decoder, for listed heads and thousands
/// of mutated ones). Anything else, or anything in doubt, is declined (`nil`) and goes to NIO's
/// decoder as before: interim heads and `101`, other framings (`Content-Length`, close-delimited,
/// more than one `Transfer-Encoding`), obsolete line folding, bare LF line ends, control bytes,
/// an empty or non-token field name, a status line without a reason phrase, heads over 16 KiB.
///
/// Like NIO's decoder, it keeps field names as sent, drops the spaces and tabs before a field
/// value (and keeps those after it), and drops the upstream's reason phrase (the head gets the
/// standard one for its code).
///
/// The fields stay where they are in ``bytes``, located by offsets: the client's head of a
/// relayed stream is written from them (``serializedForClient(plan:allocator:)``) without
/// a `String` per name and value or an `HTTPHeaders` in between. ``head`` builds those, for a
/// response that is not relayed that way.
struct ChunkedResponseHead {
    /// Heads longer than this are left to NIO's decoder and its limits.
    static let maxBytes = 16 * 1024

    /// Where one field's name and value lie in ``bytes``: the value as NIO's decoder keeps it
    /// (without the spaces before it, with those after it). Offsets fit: a head is at most
    /// `maxBytes` long.
    private struct Field {
        var nameStart: UInt16
        var nameEnd: UInt16
        var valueStart: UInt16
        var valueEnd: UInt16
        /// Not forwarded to the client: hop-by-hop (RFC 9110 §7.6.1). (Fields the proxy sets
        /// itself are dropped as the head is written, by its `ResponseHeadPlan`.)
        var dropped: Bool

        var lineLength: Int { Int(nameEnd - nameStart) + Int(valueEnd - valueStart) + 4 }
    }

    /// The head, from the status line to its blank line (CR LF CR LF) included.
    let bytes: ByteBuffer
    let version: HTTPVersion
    let status: HTTPResponseStatus
    /// A `Content-Type` field's media type is `text/event-stream`.
    let declaresEventStream: Bool
    private let fields: [Field]
    /// The `close` and `keep-alive` options among the `Connection` fields' (counted for
    /// ``upstreamKeepsAlive``).
    private let closeOptions: Int
    private let keepAliveOptions: Int
    /// A `Connection` field names an option other than `close` and `keep-alive` (or an empty
    /// one): a field it names would have to be dropped too. Such a head is relayed the general
    /// way (``serializedForClient(plan:allocator:)`` declines it).
    private let namesOtherOptions: Bool

    /// A whole head: `buffer`'s readable bytes are exactly one head.
    static func parse(_ buffer: ByteBuffer) -> ChunkedResponseHead? {
        guard let head = parsePrefix(of: buffer), head.bytes.readableBytes == buffer.readableBytes else { return nil }
        return head
    }

    /// The head `buffer`'s readable bytes start with, when they hold all of it (what follows it
    /// is not looked at). ``bytes`` is a slice of `buffer`.
    static func parsePrefix(of buffer: ByteBuffer) -> ChunkedResponseHead? {
        buffer.withUnsafeReadableBytes { raw in
            parsePrefix(UnsafeBufferPointer(rebasing: raw.bindMemory(to: UInt8.self).prefix(maxBytes)), of: buffer)
        }
    }

    private static func parsePrefix(_ bytes: UnsafeBufferPointer<UInt8>, of buffer: ByteBuffer) -> ChunkedResponseHead? {
        guard bytes.count >= 19, let statusLine = ResponseHeadLines.statusLine(bytes), (200...599).contains(statusLine.code)
        else { return nil }
        func at(_ index: Int) -> UInt8 { ResponseHeadLines.byte(bytes, index) }
        var index = statusLine.next

        var fields: [Field] = []
        // Event-stream heads have a handful of fields: one allocation instead of growing by doubling.
        fields.reserveCapacity(8)
        var chunked = false
        var declaresEventStream = false
        var options = ConnectionOptions()
        while at(index) != UInt8(ascii: "\r") {
            guard let line = ResponseHeadLines.fieldLine(bytes, at: index) else { return nil }
            index = line.next
            let (nameStart, nameEnd) = (line.name.lowerBound, line.name.upperBound)
            let (valueStart, valueEnd) = (line.value.lowerBound, line.value.upperBound)
            let name = UnsafeBufferPointer(rebasing: bytes[nameStart..<nameEnd])
            let value = UnsafeBufferPointer(rebasing: bytes[valueStart..<valueEnd])
            var dropped = false
            switch name.count {
            case 14 where HeaderName.matches(name, "content-length"):
                return nil
            case 17 where HeaderName.matches(name, "transfer-encoding"):
                // The value without its trailing spaces (NIO's decoder keeps them).
                var trimmedEnd = valueEnd
                while trimmedEnd > valueStart, bytes[trimmedEnd - 1] == UInt8(ascii: " ") || bytes[trimmedEnd - 1] == UInt8(ascii: "\t") {
                    trimmedEnd -= 1
                }
                guard !chunked, HeaderName.matches(UnsafeBufferPointer(rebasing: bytes[valueStart..<trimmedEnd]), "chunked") else { return nil }
                chunked = true
                dropped = true
            case 12 where HeaderName.matches(name, "content-type"):
                declaresEventStream = declaresEventStream || HeaderName.mediaTypeIs(value, "text/event-stream")
            case 10 where HeaderName.matches(name, "connection"):
                options.add(value)
                dropped = true
            default:
                dropped = HopByHopHeaders.isAlwaysHopByHop(name)
            }
            fields.append(
                Field(
                    nameStart: UInt16(nameStart), nameEnd: UInt16(nameEnd), valueStart: UInt16(valueStart),
                    valueEnd: UInt16(valueEnd), dropped: dropped))
        }
        guard chunked, at(index + 1) == UInt8(ascii: "\n"),
            let head = buffer.getSlice(at: buffer.readerIndex, length: index + 2)
        else { return nil }
        return ChunkedResponseHead(
            bytes: head, version: statusLine.minorVersion == 1 ? .http1_1 : .http1_0,
            status: HTTPResponseStatus(statusCode: statusLine.code),
            declaresEventStream: declaresEventStream, fields: fields, closeOptions: options.close,
            keepAliveOptions: options.keepAlive, namesOtherOptions: options.other)
    }

    /// The options of the `Connection` fields, as far as the proxy acts on them here.
    private struct ConnectionOptions {
        var close = 0
        var keepAlive = 0
        var other = false

        mutating func add(_ value: UnsafeBufferPointer<UInt8>) {
            HeaderName.forEachListElement(value) { option in
                if HeaderName.matches(option, "close") {
                    close += 1
                } else if HeaderName.matches(option, "keep-alive") {
                    keepAlive += 1
                } else {
                    other = true
                }
                return false
            }
        }
    }

    /// Whether the upstream connection may carry another request after this response: what
    /// `HTTPResponseHead.isKeepAlive` says of ``head`` (more than one `close` or `keep-alive`
    /// option in all means close, as there).
    var upstreamKeepsAlive: Bool {
        switch closeOptions + keepAliveOptions {
        case 0: return version == .http1_1
        case 1: return keepAliveOptions == 1
        default: return false
        }
    }

    /// The head as NIO's decoder would have delivered it.
    var head: HTTPResponseHead {
        let fields = bytes.withUnsafeReadableBytes { raw in
            self.fields.map { field in
                (
                    String(decoding: raw[Int(field.nameStart)..<Int(field.nameEnd)], as: UTF8.self),
                    String(decoding: raw[Int(field.valueStart)..<Int(field.valueEnd)], as: UTF8.self)
                )
            }
        }
        return HTTPResponseHead(version: version, status: status, headers: HTTPHeaders(fields))
    }

    /// The client's head of this response relayed as an event stream to an HTTP/1.1 client: the
    /// bytes `ClientResponseHead.serializeRelayed` writes for
    /// ``head`` and `plan`, copied from ``bytes`` field by field. Nil when a `Connection` field
    /// names other fields to drop: `serializeRelayed` handles that.
    func serializedForClient(plan: ResponseHeadPlan, allocator: ByteBufferAllocator) -> ByteBuffer? {
        guard !namesOtherOptions else { return nil }
        let reason = status.reasonPhrase
        var length = 13 + reason.utf8.count + 2 + RelayedHeadTail.length(plan)
        for field in fields where !field.dropped { length += field.lineLength }
        var buffer = allocator.buffer(capacity: length)
        bytes.withUnsafeReadableBytes { raw in
            buffer.writeHead(length: length) { cursor in
                cursor.append("HTTP/1.1 ")
                cursor.appendStatusCode(status.code)
                cursor.append(" ")
                cursor.append(reason)
                cursor.append("\r\n")
                for field in fields where !field.dropped {
                    let name = UnsafeRawBufferPointer(rebasing: raw[Int(field.nameStart)..<Int(field.nameEnd)])
                    if plan.replaces(name.assumingMemoryBound(to: UInt8.self)) { continue }
                    cursor.append(name)
                    cursor.append(": ")
                    cursor.append(UnsafeRawBufferPointer(rebasing: raw[Int(field.valueStart)..<Int(field.valueEnd)]))
                    cursor.append("\r\n")
                }
                RelayedHeadTail.append(plan, to: &cursor)
            }
        }
        return buffer
    }
}
