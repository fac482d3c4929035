import NIOHTTP1

/// Parses the request heads nearly every client sends: an origin-form request line with a
/// common method, HTTP/1.1 or HTTP/1.0, and plain fields, with no body or a `Content-Length` one.
/// `ClientRequestDecoder` decodes such requests itself, so that NIO's decoder (llhttp, behind a
/// `ByteToMessageHandler`) is not set up on every connection: its life cycle and its parse were
/// about a tenth of the proxy's user-space instructions per fresh connection.
///
/// This is the proxy's first line against request smuggling, so it is a strict subset of what
/// NIO's decoder accepts, and yields the same head for it (`PlainRequestHeadTests` checks both
/// against NIO's decoder, for listed requests and thousands of mutated ones). Anything else, or
/// anything in doubt, is declined and goes to NIO's decoder, which accepts or rejects it as it
/// always did:
/// - a method other than GET, HEAD, POST, PUT, DELETE, OPTIONS and PATCH; a request target that
///   is not in origin form or has a byte outside RFC 3986's `pchar`, `/` and `?`; another version;
/// - `Transfer-Encoding`, `Upgrade`, more than one `Content-Length`, or one that is not 1 to 18
///   digits;
/// - `Proxy-Connection`, more than one `Connection`, or one with a tab: llhttp decides whether
///   the connection stays open from these (and rejects bytes after a request that closes it)
///   where `HTTPRequestHead.isKeepAlive` reads them otherwise;
/// - obsolete line folding, a bare CR or LF, control bytes and `obs-text`, an empty or non-token
///   field name, space before the colon, a leading blank line;
/// - a head longer than `maxBytes` or with more than `maxFields` fields (NIO's decoder applies
///   its limits and answers 431), or one that does not end within the bytes given.
///
/// Like NIO's decoder, it keeps field names as sent, drops the spaces and tabs before a field
/// value and keeps those after it.
enum PlainRequestHead {
    struct Parsed {
        var head: HTTPRequestHead
        /// The head's bytes, blank line included.
        var headLength: Int
        /// Its `Content-Length`, 0 without one.
        var bodyLength: Int
    }

    /// `bytes`: what the client sent from the start of a request on. nil: declined, or the head
    /// does not end within `bytes`.
    static func parse(_ raw: UnsafeRawBufferPointer, maxBytes: Int, maxFields: Int) -> Parsed? {
        let bytes = UnsafeBufferPointer(rebasing: raw.bindMemory(to: UInt8.self).prefix(maxBytes))
        // Past the end (or `maxBytes`) reads as 0, which no rule below accepts: a head that does
        // not end within the bytes is declined.
        func at(_ index: Int) -> UInt8 { index < bytes.count ? bytes[index] : 0 }

        var index = 0
        while at(index) != UInt8(ascii: " ") {
            guard HTTPByteClass.isToken(at(index)), index < 7 else { return nil }
            index += 1
        }
        guard let method = method(UnsafeBufferPointer(rebasing: bytes[0..<index])) else { return nil }
        index += 1
        let uriStart = index
        guard at(index) == UInt8(ascii: "/") else { return nil }
        // Each run below stops at the first byte outside its class; what that byte must be is
        // checked after it (SP, CR, LF and `:` are in none of the classes they end).
        while index < bytes.count, isTargetByte(bytes[index]) { index += 1 }
        guard at(index) == UInt8(ascii: " ") else { return nil }
        let uriEnd = index
        index += 1
        guard let version = version(bytes, at: index) else { return nil }
        index += 10

        var fields: [(String, String)] = []
        // Requests have a handful of fields: one allocation instead of growing by doubling.
        fields.reserveCapacity(8)
        var bodyLength: Int?
        var sawConnection = false
        while at(index) != UInt8(ascii: "\r") {
            guard fields.count < maxFields else { return nil }
            let nameStart = index
            while index < bytes.count, HTTPByteClass.isToken(bytes[index]) { index += 1 }
            let name = UnsafeBufferPointer(rebasing: bytes[nameStart..<index])
            guard !name.isEmpty, at(index) == UInt8(ascii: ":") else { return nil }
            index += 1
            while at(index) == UInt8(ascii: " ") || at(index) == UInt8(ascii: "\t") { index += 1 }
            let valueStart = index
            while index < bytes.count, HTTPByteClass.isPlainFieldValue(bytes[index]) { index += 1 }
            let value = UnsafeBufferPointer(rebasing: bytes[valueStart..<index])
            guard at(index) == UInt8(ascii: "\r"), at(index + 1) == UInt8(ascii: "\n") else { return nil }
            index += 2
            switch name.count {
            case 7 where HeaderName.matches(name, "upgrade"):
                return nil
            case 10 where HeaderName.matches(name, "connection"):
                guard !sawConnection, !value.contains(UInt8(ascii: "\t")) else { return nil }
                sawConnection = true
            case 14 where HeaderName.matches(name, "content-length"):
                guard bodyLength == nil, let length = decimal(value) else { return nil }
                bodyLength = length
            case 16 where HeaderName.matches(name, "proxy-connection"), 17 where HeaderName.matches(name, "transfer-encoding"):
                return nil
            default:
                break
            }
            fields.append((String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self)))
        }
        guard at(index + 1) == UInt8(ascii: "\n") else { return nil }
        let head = HTTPRequestHead(
            version: version, method: method,
            uri: String(decoding: UnsafeBufferPointer(rebasing: bytes[uriStart..<uriEnd]), as: UTF8.self),
            headers: HTTPHeaders(fields))
        return Parsed(head: head, headLength: index + 2, bodyLength: bodyLength ?? 0)
    }

    private static func method(_ bytes: UnsafeBufferPointer<UInt8>) -> HTTPMethod? {
        func equals(_ literal: StaticString) -> Bool {
            bytes.count == literal.utf8CodeUnitCount
                && bytes.elementsEqual(UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
        }
        switch bytes.count {
        case 3: return equals("GET") ? .GET : equals("PUT") ? .PUT : nil
        case 4: return equals("POST") ? .POST : equals("HEAD") ? .HEAD : nil
        case 5: return equals("PATCH") ? .PATCH : nil
        case 6: return equals("DELETE") ? .DELETE : nil
        case 7: return equals("OPTIONS") ? .OPTIONS : nil
        default: return nil
        }
    }

    /// `HTTP/1.1` or `HTTP/1.0` and the line's CR LF, at `index`.
    private static func version(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> HTTPVersion? {
        let expected: StaticString = "HTTP/1."
        guard index + 10 <= bytes.count else { return nil }
        for offset in 0..<7 where bytes[index + offset] != expected.utf8Start[offset] { return nil }
        guard bytes[index + 8] == UInt8(ascii: "\r"), bytes[index + 9] == UInt8(ascii: "\n") else { return nil }
        switch bytes[index + 7] {
        case UInt8(ascii: "1"): return .http1_1
        case UInt8(ascii: "0"): return .http1_0
        default: return nil
        }
    }

    /// A byte of an origin-form target: RFC 3986 `pchar` (unreserved, sub-delims, `:`, `@`,
    /// `%`), `/` and `?`. No fragment, no bytes clients must percent-encode.
    private static func isTargetByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"),
            UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("),
            UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"),
            UInt8(ascii: "="), UInt8(ascii: ":"), UInt8(ascii: "@"), UInt8(ascii: "%"), UInt8(ascii: "/"),
            UInt8(ascii: "?"):
            return true
        default:
            return false
        }
    }

    /// 1 to 18 ASCII digits (no sign, no spaces), as a number.
    private static func decimal(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard (1...18).contains(bytes.count) else { return nil }
        var value = 0
        for byte in bytes {
            let digit = byte &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value * 10 + Int(digit)
        }
        return value
    }
}
