import Foundation
import NIOHTTP1

/// What the demo upstream serves for a request, decided from method and URI alone.
enum DemoEndpoint: Equatable, Sendable {
    /// `/api/chat`: an LLM-style token stream. `prompt` from the query (a JSON body may
    /// override it); `interval` overrides the server's token interval (`interval_ms`).
    case chat(prompt: String?, interval: Duration?)
    /// `/bench/sse`: `events` timestamped events, `interval` apart.
    case benchEvents(count: Int, interval: Duration)
    /// `/bench/small`: a tiny fixed body.
    case benchSmall
    /// `/ws` requested without a WebSocket upgrade.
    case websocketUpgradeRequired
    /// Anything else under `/api/`: a JSON echo of the request.
    case echo
    /// `/`: a short description of the endpoints.
    case index
    case notFound

    static func route(method: HTTPMethod, uri: String) -> DemoEndpoint {
        let (path, query) = splitURI(uri)
        switch path {
        case "/api/chat" where method == .GET || method == .POST:
            return .chat(prompt: query["prompt"], interval: query["interval_ms"].flatMap(Int.init).map { .milliseconds($0) })
        case "/bench/sse":
            let count = query["events"].flatMap(Int.init) ?? 10
            let interval = query["interval_ms"].flatMap(Int.init) ?? 0
            return .benchEvents(count: max(count, 0), interval: .milliseconds(max(interval, 0)))
        case "/bench/small":
            return .benchSmall
        case "/ws":
            return .websocketUpgradeRequired
        case "/":
            return .index
        case let path where path.hasPrefix("/api/"):
            return .echo
        default:
            return .notFound
        }
    }

    /// The path and the decoded query parameters (the last value wins for a repeated name).
    static func splitURI(_ uri: String) -> (path: String, query: [String: String]) {
        guard let mark = uri.firstIndex(of: "?") else { return (uri, [:]) }
        var query: [String: String] = [:]
        for pair in uri[uri.index(after: mark)...].split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = decodeQueryComponent(parts[0])
            query[name] = parts.count > 1 ? decodeQueryComponent(parts[1]) : ""
        }
        return (String(uri[..<mark]), query)
    }

    private static func decodeQueryComponent(_ component: Substring) -> String {
        let spaced = component.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
