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
        guard let statusLine = ResponseHeadLines.statusLine(bytes), (100...199).contains(statusLine.code), statusLine.code != 101
        else { return nil }
        var index = statusLine.next
        var fields: [(String, String)] = []
        while ResponseHeadLines.byte(bytes, index) != UInt8(ascii: "\r") {
            guard let line = ResponseHeadLines.fieldLine(bytes, at: index) else { return nil }
            let name = UnsafeBufferPointer(rebasing: bytes[line.name])
            if HeaderName.matches(name, "content-length") || HeaderName.matches(name, "transfer-encoding") { return nil }
            fields.append((String(decoding: name, as: UTF8.self), String(decoding: bytes[line.value], as: UTF8.self)))
            index = line.next
        }
        // The blank line ends the buffer: it holds one head, nothing after it.
        guard ResponseHeadLines.byte(bytes, index + 1) == UInt8(ascii: "\n"), index + 2 == bytes.count else { return nil }
        return HTTPResponseHead(
            version: statusLine.minorVersion == 1 ? .http1_1 : .http1_0, status: HTTPResponseStatus(statusCode: statusLine.code),
            headers: HTTPHeaders(fields))
    }
}
