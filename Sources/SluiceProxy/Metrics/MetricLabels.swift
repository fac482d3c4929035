import NIOHTTP1
import SluiceRouting

/// The request method as a metric label: the standard methods by name, anything else `other`,
/// so that a client inventing methods cannot grow the label set.
enum MethodLabel: UInt8, CaseIterable, Sendable {
    case get, head, post, put, delete, patch, options, connect, trace, other

    init(_ method: HTTPMethod) {
        switch method {
        case .GET: self = .get
        case .HEAD: self = .head
        case .POST: self = .post
        case .PUT: self = .put
        case .DELETE: self = .delete
        case .PATCH: self = .patch
        case .OPTIONS: self = .options
        case .CONNECT: self = .connect
        case .TRACE: self = .trace
        default: self = .other
        }
    }

    var text: String {
        switch self {
        case .get: "GET"
        case .head: "HEAD"
        case .post: "POST"
        case .put: "PUT"
        case .delete: "DELETE"
        case .patch: "PATCH"
        case .options: "OPTIONS"
        case .connect: "CONNECT"
        case .trace: "TRACE"
        case .other: "other"
        }
    }
}

/// A response status as a metric label: its class (`1xx` … `5xx`). `499` (the client closed
/// before any response) is a `4xx`, as nginx counts it.
enum StatusClassLabel: UInt8, CaseIterable, Sendable {
    case informational = 1, success, redirection, clientError, serverError

    init(code: Int) {
        self = StatusClassLabel(rawValue: UInt8(clamping: code / 100)) ?? (code < 100 ? .informational : .serverError)
    }

    var text: String { "\(rawValue)xx" }
}

/// The protocol a request came in on, as the `protocol` label of `sluice_requests_total` has
/// always said it.
enum ClientProtocolLabel: UInt8, CaseIterable, Sendable {
    case http1 = 0, h2, h2c

    var text: String {
        switch self {
        case .http1: "http/1.1"
        case .h2: "h2"
        case .h2c: "h2c"
        }
    }
}

/// Which route a request's metrics are counted under: the Ingress a route came from and the
/// backend it sends to. Paths and hosts are not part of it (no label holds a path), so every path
/// of one Ingress to one Service shares its series. Requests that matched no route count under
/// ``unrouted`` (empty labels).
struct RouteMetricsKey: Hashable, Sendable {
    /// `namespace/name` of the Ingress (`Route.source`).
    let source: String
    /// `namespace/service:port` (`Backend.name`).
    let backend: String

    init(source: String, backend: String) {
        self.source = source
        self.backend = backend
    }

    init(_ route: Route) {
        self.init(source: route.source, backend: route.backend.name)
    }

    static let unrouted = RouteMetricsKey(source: "", backend: "")

    /// `namespace`, `ingress` and `service` (the backend's Service, without namespace or port).
    var labels: [(name: String, value: String)] {
        let (namespace, ingress) = Self.split(source, at: "/")
        var service = Self.split(backend, at: "/").after
        if let colon = service.lastIndex(of: ":") { service = String(service[..<colon]) }
        return [("namespace", namespace), ("ingress", ingress), ("service", service)]
    }

    /// What comes before and after the first `separator` (all of it after, when there is none).
    private static func split(_ text: String, at separator: Character) -> (before: String, after: String) {
        guard let index = text.firstIndex(of: separator) else { return ("", text) }
        return (String(text[..<index]), String(text[text.index(after: index)...]))
    }
}
