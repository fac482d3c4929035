import NIOCore
import NIOHTTP1

/// A request's parts as they go to an HTTP/2 upstream: `HTTPClientRequestPart`s for
/// swift-nio-http2's `HTTP2FramePayloadToHTTP1ClientCodec`, which makes HEADERS and DATA frames
/// of them (`Host` becomes `:authority`; names are lowercased; `Connection`, `Keep-Alive`,
/// `Proxy-Connection`, `Transfer-Encoding` and `Upgrade` are dropped, RFC 9113 §8.2.2).
///
/// The head is read back from the bytes `UpstreamRequestHead` serialized: they are the one
/// statement of what goes upstream (hop-by-hop fields dropped, forwarding fields set), and
/// re-reading them costs only the HTTP/2 upstream's requests, where writing the fields twice
/// would cost every HTTP/1 request a second representation. `TE: trailers`, the one `TE` HTTP/2
/// allows, goes on when the client sent it (a gRPC client always does).
enum HTTP2UpstreamRequest {
    static func part(_ part: UpstreamRequestPart) -> HTTPClientRequestPart {
        switch part {
        case .head(let head): .head(Self.head(head))
        case .body(let body): .body(body)
        case .end(let trailers): .end(trailers)
        }
    }

    static func head(_ head: UpstreamRequestHead) -> HTTPRequestHead {
        var lines = head.bytes.readableBytesView.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .lazy.map { line in line.last == UInt8(ascii: "\r") ? line.dropLast() : line }
            .makeIterator()
        let requestLine = lines.next() ?? []
        let parts = requestLine.split(separator: UInt8(ascii: " "), maxSplits: 2)
        let uri = parts.count > 1 ? String(decoding: parts[1], as: UTF8.self) : "/"
        var fields: [(String, String)] = []
        while let line = lines.next(), !line.isEmpty {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
            let name = String(decoding: line[..<colon], as: UTF8.self)
            let value = String(decoding: line[line.index(after: colon)...], as: UTF8.self).trimmingSpaces()
            fields.append((name, String(value)))
        }
        if head.acceptsTrailers { fields.append(("te", "trailers")) }
        return HTTPRequestHead(version: .http2, method: head.method, uri: uri, headers: HTTPHeaders(fields))
    }
}
