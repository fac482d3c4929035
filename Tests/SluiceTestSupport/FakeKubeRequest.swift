import Foundation

/// One request the fake API server received, as the test API's request log shows it.
public struct FakeKubeRequest: Sendable, Hashable {
    public var method: String
    /// The URL path, without the query.
    public var path: String
    /// Decoded query parameters; the last value wins when a name repeats.
    public var query: [String: String]
    /// Header names lowercased.
    public var headers: [String: String]
    public var body: Data
    /// The protocol the request came over: `HTTP/1.1` or `HTTP/2`.
    public var httpVersion: String
    /// Which TCP connection it came over: the server numbers connections from 1 as it accepts
    /// them, so requests multiplexed over one HTTP/2 connection share a number.
    public var connection: Int

    public init(
        method: String, uri: String, headers: [String: String], body: Data, httpVersion: String = "HTTP/1.1",
        connection: Int = 0
    ) {
        self.method = method
        self.httpVersion = httpVersion
        self.connection = connection
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        path = String(parts.first ?? "")
        var query: [String: String] = [:]
        if parts.count > 1 {
            for pair in parts[1].split(separator: "&") {
                let nameValue = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = Self.decode(nameValue[0])
                query[name] = nameValue.count > 1 ? Self.decode(nameValue[1]) : ""
            }
        }
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// `watch=1` or `watch=true`.
    public var isWatch: Bool { query["watch"] == "1" || query["watch"] == "true" }

    private static func decode(_ text: Substring) -> String {
        String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text)
    }
}

/// Where a request URL points: a collection, maybe in a namespace, maybe one object and its
/// subresource. Nil for paths outside `/api/v1` and `/apis/G/V`.
struct FakeKubeTarget: Hashable, Sendable {
    var collection: FakeKubeCollection
    var namespace: String?
    var name: String?
    var subresource: String?

    init?(path: String) {
        let segments = path.split(separator: "/").map(String.init)
        let groupVersion: String
        var rest: ArraySlice<String>
        if segments.count >= 3, segments[0] == "api" {
            groupVersion = segments[1]
            rest = segments[2...]
        } else if segments.count >= 4, segments[0] == "apis" {
            groupVersion = "\(segments[1])/\(segments[2])"
            rest = segments[3...]
        } else {
            return nil
        }
        if rest.first == "namespaces", rest.count >= 3 {
            namespace = rest.dropFirst().first
            rest = rest.dropFirst(2)
        }
        guard let resource = rest.first else { return nil }
        collection = FakeKubeCollection(groupVersion: groupVersion, resource: resource)
        rest = rest.dropFirst()
        name = rest.first
        subresource = rest.dropFirst().first
    }
}
