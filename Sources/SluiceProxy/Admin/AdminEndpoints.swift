import NIOConcurrencyHelpers
import NIOHTTP1
import SluiceMetrics

/// A complete admin response. Admin bodies are small, so they are built whole.
struct AdminResponse: Equatable, Sendable {
    var status: HTTPResponseStatus
    var contentType: String = "text/plain; charset=utf-8"
    var body: String
}

/// What the admin port answers, decided from the method and URI alone (no I/O):
/// `/healthz` (process alive), `/readyz` (``ReadinessState``), `/metrics` (Prometheus text).
struct AdminEndpoints: Sendable {
    let readiness: ReadinessState
    let routingTables: RoutingTableStore
    let metricsSources: NIOLockedValueBox<[@Sendable () -> String]>

    func respond(method: HTTPMethod, uri: String) -> AdminResponse {
        let path = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let handler: (() -> AdminResponse)? =
            switch path {
            case "/healthz": { AdminResponse(status: .ok, body: "ok\n") }
            case "/readyz": readyz
            case "/metrics": metrics
            default: nil
            }
        guard let handler else { return AdminResponse(status: .notFound, body: "not found\n") }
        guard method == .GET || method == .HEAD else {
            return AdminResponse(status: .methodNotAllowed, body: "method not allowed\n")
        }
        return handler()
    }

    private func readyz() -> AdminResponse {
        let status = readiness.current
        return AdminResponse(status: status == .ready ? .ok : .serviceUnavailable, body: "\(status)\n")
    }

    private func metrics() -> AdminResponse {
        let published = routingTables.snapshot
        var text = RoutingGauges.text(
            generation: published.generation,
            routes: published.table.routeCount,
            ready: readiness.isReady,
            history: routingTables.publishHistory,
            certificates: published.table.certificates.certificates
        )
        for source in metricsSources.withLockedValue({ $0 }) {
            text += source()
        }
        return AdminResponse(status: .ok, contentType: PrometheusExposition.contentType, body: text)
    }
}
