import NIOCore
import NIOHTTP1

/// An interim (`1xx` other than `101`) response head, parsed by the proxy so that NIO's decoder
/// does not hear of the request it answers: the final head after it may then still be parsed and
/// its body relayed past the decoder (`UpstreamResponseSplitter`), as it is without an interim
/// head before it (`103 Early Hints` before an event stream).
///
/// Strict, as `ChunkedResponseHead` is: an HTTP/1.x status line, token field names, plain field
/// values, CR LF line ends, no body framing fields; anything else is declined (`nil`) and goes to
/// NIO's decoder. It yields what NIO's decoder would: names as sent, values without the spaces
/// before them, the standard reason phrase for the code.
enum InterimResponseHead {
    static func parse(_ buffer: ByteBuffer) -> HTTPResponseHead? {
        buffer.withUnsafeReadableBytes { raw in
            parse(UnsafeBufferPointer(rebasing: raw.bindMemory(to: UInt8.self).prefix(ChunkedResponseHead.maxBytes)))
        }
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> HTTPResponseHead? {
        guard bytes.count >= 17 else { return nil }
        func at(_ index: Int) -> UInt8 { index < bytes.count ? bytes[index] : 0 }
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
        guard (100...199).contains(code), code != 101, bytes[12] == UInt8(ascii: " ") else { return nil }
        var index = 13
        while index < bytes.count, HTTPByteClass.isPlainFieldValue(bytes[index]) { index += 1 }
        guard at(index) == UInt8(ascii: "\r"), at(index + 1) == UInt8(ascii: "\n") else { return nil }
        index += 2
        var fields: [(String, String)] = []
        while at(index) != UInt8(ascii: "\r") {
            let nameStart = index
            while index < bytes.count, HTTPByteClass.isToken(bytes[index]) { index += 1 }
            let nameEnd = index
            guard nameEnd > nameStart, at(index) == UInt8(ascii: ":") else { return nil }
            index += 1
            while at(index) == UInt8(ascii: " ") || at(index) == UInt8(ascii: "\t") { index += 1 }
            let valueStart = index
            while index < bytes.count, HTTPByteClass.isPlainFieldValue(bytes[index]) { index += 1 }
            guard at(index) == UInt8(ascii: "\r"), at(index + 1) == UInt8(ascii: "\n") else { return nil }
            let name = UnsafeBufferPointer(rebasing: bytes[nameStart..<nameEnd])
            if HeaderName.matches(name, "content-length") || HeaderName.matches(name, "transfer-encoding") { return nil }
            fields.append((String(decoding: name, as: UTF8.self), String(decoding: bytes[valueStart..<index], as: UTF8.self)))
            index += 2
        }
        // The blank line ends the buffer: it holds one head, nothing after it.
        guard at(index + 1) == UInt8(ascii: "\n"), index + 2 == bytes.count else { return nil }
        return HTTPResponseHead(
            version: minor == UInt8(ascii: "1") ? .http1_1 : .http1_0, status: HTTPResponseStatus(statusCode: code),
            headers: HTTPHeaders(fields))
    }
}
