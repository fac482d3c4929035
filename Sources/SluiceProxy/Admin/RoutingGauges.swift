import SluiceMetrics
/// The gauges the admin server owns itself, at the top of `/metrics`: the routing table in force
/// and readiness.
enum RoutingGauges {
    static func text(generation: UInt64, routes: Int, ready: Bool) -> String {
        PrometheusExposition.text([
            .init("sluice_routing_table_generation", .gauge, help: "Generation of the routing table in force.", value: generation),
            .init("sluice_routes", .gauge, help: "Routes in the routing table in force.", value: routes),
            .init("sluice_ready", .gauge, help: "1 when this instance reports ready, else 0.", value: ready ? 1 : 0),
        ])
    }
}
