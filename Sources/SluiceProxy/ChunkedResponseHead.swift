import NIOHTTP1

/// Parses the one kind of upstream response head that starts an event stream: a final
/// (`2xx`–`5xx`) HTTP/1.1 or HTTP/1.0 head whose body is chunked. `UpstreamResponseSplitter`
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
enum ChunkedResponseHead {
    /// Heads longer than this are left to NIO's decoder and its limits.
    static let maxBytes = 16 * 1024

    struct Prefix {
        var head: HTTPResponseHead
        /// The head's bytes, blank line included.
        var length: Int
        /// A `Content-Type` field's media type is `text/event-stream`.
        var declaresEventStream: Bool
    }

    /// `bytes`: a whole head, from the status line to its blank line (CR LF CR LF) included.
    static func parse(_ bytes: UnsafeRawBufferPointer) -> HTTPResponseHead? {
        guard let prefix = parsePrefix(bytes), prefix.length == bytes.count else { return nil }
        return prefix.head
    }

    /// The head `bytes` start with, when they hold all of it (what follows it is not looked at).
    static func parsePrefix(_ bytes: UnsafeRawBufferPointer) -> Prefix? {
        let bytes = UnsafeBufferPointer(rebasing: bytes.bindMemory(to: UInt8.self).prefix(maxBytes))
        guard bytes.count >= 19 else { return nil }
        // Past the end reads as 0, which no rule below accepts.
        func at(_ index: Int) -> UInt8 { index < bytes.count ? bytes[index] : 0 }
        // "HTTP/1.x ddd " — the version, a final status code, the space before the reason.
        let prefix: StaticString = "HTTP/1."
        for index in 0..<7 where bytes[index] != prefix.utf8Start[index] { return nil }
        let minor = bytes[7]
        guard minor == UInt8(ascii: "1") || minor == UInt8(ascii: "0"), bytes[8] == UInt8(ascii: " ") else { return nil }
        var code = 0
        for index in 9..<12 {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            code = code * 10 + Int(digit)
        }
        guard (200...599).contains(code), bytes[12] == UInt8(ascii: " ") else { return nil }
        var index = 13
        while at(index) != UInt8(ascii: "\r") {
            guard HTTPByteClass.isPlainFieldValue(at(index)) else { return nil }
            index += 1
        }
        guard at(index + 1) == UInt8(ascii: "\n") else { return nil }
        index += 2

        var fields: [(String, String)] = []
        // Event-stream heads have a handful of fields: one allocation instead of growing by doubling.
        fields.reserveCapacity(8)
        var chunked = false
        var declaresEventStream = false
        while at(index) != UInt8(ascii: "\r") {
            let nameStart = index
            while at(index) != UInt8(ascii: ":") {
                guard HTTPByteClass.isToken(at(index)) else { return nil }
                index += 1
            }
            let nameEnd = index
            guard nameEnd > nameStart else { return nil }
            index += 1
            while at(index) == UInt8(ascii: " ") || at(index) == UInt8(ascii: "\t") { index += 1 }
            let valueStart = index
            // Where the value ends without its trailing spaces (NIO's decoder keeps them).
            var trimmedEnd = index
            while at(index) != UInt8(ascii: "\r") {
                let byte = at(index)
                guard HTTPByteClass.isPlainFieldValue(byte) else { return nil }
                index += 1
                if byte != UInt8(ascii: " "), byte != UInt8(ascii: "\t") { trimmedEnd = index }
            }
            let valueEnd = index
            guard at(index + 1) == UInt8(ascii: "\n") else { return nil }
            index += 2
            let name = UnsafeBufferPointer(rebasing: bytes[nameStart..<nameEnd])
            let value = UnsafeBufferPointer(rebasing: bytes[valueStart..<valueEnd])
            if HeaderName.matches(name, "content-length") { return nil }
            if HeaderName.matches(name, "transfer-encoding") {
                guard !chunked, HeaderName.matches(UnsafeBufferPointer(rebasing: bytes[valueStart..<trimmedEnd]), "chunked") else { return nil }
                chunked = true
            }
            if HeaderName.matches(name, "content-type") {
                declaresEventStream = declaresEventStream || HeaderName.mediaTypeIs(value, "text/event-stream")
            }
            fields.append((String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self)))
        }
        guard chunked, at(index + 1) == UInt8(ascii: "\n") else { return nil }
        let head = HTTPResponseHead(
            version: minor == UInt8(ascii: "1") ? .http1_1 : .http1_0,
            status: HTTPResponseStatus(statusCode: code),
            headers: HTTPHeaders(fields))
        return Prefix(head: head, length: index + 2, declaresEventStream: declaresEventStream)
    }
}
