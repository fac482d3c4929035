import NIOHTTP1
import SluiceRouting

/// The error pages of one request (`custom-http-errors`): the statuses replaced, and the backend
/// that makes the page. A class: every exchange's policy holds an optional reference (8 bytes,
/// nil on routes without error pages), not the list and the backend.
final class ErrorPages: Equatable, Sendable {
    let codes: [Int]
    let backend: Backend

    init(codes: [Int], backend: Backend) {
        self.codes = codes
        self.backend = backend
    }

    static func == (lhs: ErrorPages, rhs: ErrorPages) -> Bool {
        lhs === rhs || (lhs.codes == rhs.codes && lhs.backend == rhs.backend)
    }
}

/// `custom-http-errors`, as ingress-nginx does it: a response whose status the route lists is
/// replaced by the error backend's answer to a request that says what happened (`X-Code`,
/// `X-Format`, `X-Original-URI`, `X-Namespace`, `X-Ingress-Name`, `X-Service-Name`,
/// `X-Service-Port`, `X-Request-ID`). Pure; the exchange performs it
/// (`ProxiedExchange+ErrorPage`), only while nothing of the response reached the client.
enum ErrorPageDecision {
    /// The error pages of a request routed to `route` under `table`: made by the Ingress's
    /// `default-backend`, else by the table's default backend (`--default-backend-service`,
    /// `spec.defaultBackend`), whichever has ready endpoints; nil: the route lists no codes, or
    /// there is no such backend (responses then reach the client as they are).
    static func pages(route: Route, table: RoutingTable) -> ErrorPages? {
        guard !route.policy.customHTTPErrors.isEmpty else { return nil }
        let backend: Backend
        if let own = route.defaultBackend, !own.endpoints.isEmpty {
            backend = own
        } else if let shared = table.defaultBackend?.backend, !shared.endpoints.isEmpty {
            backend = shared
        } else {
            return nil
        }
        return ErrorPages(codes: route.policy.customHTTPErrors, backend: backend)
    }

    /// Whether a response head with `status` is replaced: a listed status, and nothing of the
    /// response (an interim head included) went to the client.
    static func replaces(status: Int, pages: ErrorPages?, clientReceivedResponse: Bool) -> Bool {
        guard let pages, !clientReceivedResponse else { return false }
        return pages.codes.contains(status)
    }

    /// The request the error backend gets for `code`: `GET /` (`HEAD` stays `HEAD`) with the
    /// client's `Host` and `Accept` and ingress-nginx's fields, `X-Original-URI` the target as the
    /// client sent it (`originalURI`, before any `rewrite-target`), as ingress-nginx's error
    /// location does (`rewrite (.*) / break`). `source` is the route's Ingress
    /// (`namespace/name`), `backendName` its backend (`namespace/service:port`).
    static func request(
        for head: HTTPRequestHead, originalURI: String, code: Int, source: String, backendName: String, requestID: Substring
    ) -> HTTPRequestHead {
        let (namespace, ingress) = split(source, at: "/")
        let (service, port) = split(split(backendName, at: "/").1, at: ":")
        var headers = HTTPHeaders()
        if let host = head.headers.first(name: "host") { headers.add(name: "Host", value: host) }
        let accept = head.headers.first(name: "accept")
        if let accept { headers.add(name: "Accept", value: accept) }
        headers.add(name: "X-Code", value: String(code))
        headers.add(name: "X-Format", value: accept ?? "")
        headers.add(name: "X-Original-URI", value: originalURI)
        headers.add(name: "X-Namespace", value: namespace)
        headers.add(name: "X-Ingress-Name", value: ingress)
        headers.add(name: "X-Service-Name", value: service)
        headers.add(name: "X-Service-Port", value: port)
        headers.add(name: "X-Request-ID", value: String(requestID))
        return HTTPRequestHead(version: .http1_1, method: head.method == .HEAD ? .HEAD : .GET, uri: "/", headers: headers)
    }

    /// The text before and after the first `separator` (all of it and "" when there is none).
    private static func split(_ text: String, at separator: Character) -> (String, String) {
        guard let index = text.firstIndex(of: separator) else { return (text, "") }
        return (String(text[..<index]), String(text[text.index(after: index)...]))
    }
}
