/// Prometheus text exposition format (version 0.0.4) for the gauges Sluice itself owns.
enum PrometheusText {
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    static func routing(generation: UInt64, routes: Int, ready: Bool) -> String {
        gauge("sluice_routing_table_generation", help: "Generation of the routing table in force.", value: "\(generation)")
            + gauge("sluice_routes", help: "Routes in the routing table in force.", value: "\(routes)")
            + gauge("sluice_ready", help: "1 when this instance reports ready, else 0.", value: ready ? "1" : "0")
    }

    static func gauge(_ name: String, help: String, value: String) -> String {
        "# HELP \(name) \(help)\n# TYPE \(name) gauge\n\(name) \(value)\n"
    }
}
