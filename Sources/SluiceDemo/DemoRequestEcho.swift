import Foundation
import NIOHTTP1

/// The JSON document `/api/...` answers with: what the upstream received, which shows the
/// `X-Forwarded-*` headers a proxy added.
struct DemoRequestEcho: Codable, Equatable, Sendable {
    var method: String
    var path: String
    var query: [String: String]
    /// Header names lowercased; repeated headers joined with `, `.
    var headers: [String: String]
    var bodyBytes: Int

    init(head: HTTPRequestHead, bodyBytes: Int) {
        let (path, query) = DemoEndpoint.splitURI(head.uri)
        self.method = head.method.rawValue
        self.path = path
        self.query = query
        var headers: [String: String] = [:]
        for (name, value) in head.headers {
            let key = name.lowercased()
            headers[key] = headers[key].map { "\($0), \(value)" } ?? value
        }
        self.headers = headers
        self.bodyBytes = bodyBytes
    }

    func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let data = (try? encoder.encode(self)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
