import Foundation

/// One HTTP/1.1 response as a `TestClient` received it, body de-chunked.
public struct TestClientResponse: Sendable {
    public var status: Int
    /// Header fields in order, names lowercased.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Whether the body was chunked on the wire.
    public var chunked: Bool
    /// The trailer section of a chunked body, its lines as sent (CRLF after each); empty if none.
    public var trailers = ""

    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// The first value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name == lowered }?.value
    }

    /// Every value of header `name` (case-insensitive).
    public func headerValues(_ name: String) -> [String] {
        let lowered = name.lowercased()
        return headers.filter { $0.name == lowered }.map(\.value)
    }

    /// Parses one response from the front of `bytes`; nil while incomplete. Returns the response
    /// and how many bytes it used.
    static func parse(_ bytes: [UInt8], connectionClosed: Bool, headRequest: Bool) -> (TestClientResponse, Int)? {
        guard let headEnd = find([13, 10, 13, 10], in: bytes, from: 0) else { return nil }
        let headText = String(decoding: bytes[..<headEnd], as: UTF8.self)
        var lines = headText.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { return nil }
        var headers: [(String, String)] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers.append((name, value))
        }
        var response = TestClientResponse(status: status, headers: headers, body: [], chunked: false)
        var index = headEnd + 4
        if headRequest || status == 204 || status == 304 || (100..<200).contains(status) {
            return (response, index)
        }
        if let length = response.header("content-length").flatMap(Int.init) {
            guard bytes.count - index >= length else { return nil }
            response.body = Array(bytes[index..<(index + length)])
            return (response, index + length)
        }
        if response.header("transfer-encoding")?.lowercased() == "chunked" {
            response.chunked = true
            var body: [UInt8] = []
            while true {
                guard let lineEnd = find([13, 10], in: bytes, from: index) else { return nil }
                let sizeText = String(decoding: bytes[index..<lineEnd], as: UTF8.self)
                let sizeDigits = sizeText.split(separator: ";", omittingEmptySubsequences: false)[0]
                guard let size = Int(sizeDigits.trimmingCharacters(in: .whitespaces), radix: 16) else { return nil }
                index = lineEnd + 2
                if size == 0 {
                    response.body = body
                    if bytes.count >= index + 2, bytes[index] == 13, bytes[index + 1] == 10 {
                        return (response, index + 2)
                    }
                    guard let trailersEnd = find([13, 10, 13, 10], in: bytes, from: index) else { return nil }
                    response.trailers = String(decoding: bytes[index..<(trailersEnd + 2)], as: UTF8.self)
                    return (response, trailersEnd + 4)
                }
                guard bytes.count >= index + size + 2 else { return nil }
                body.append(contentsOf: bytes[index..<(index + size)])
                index += size + 2
            }
        }
        guard connectionClosed else { return nil }
        response.body = Array(bytes[index...])
        return (response, bytes.count)
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= needle.count, start <= bytes.count - needle.count else { return nil }
        var i = start
        while i <= bytes.count - needle.count {
            if bytes[i] == needle[0], Array(bytes[i..<(i + needle.count)]) == needle { return i }
            i += 1
        }
        return nil
    }
}
