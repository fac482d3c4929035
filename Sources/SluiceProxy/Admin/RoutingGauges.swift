import SluiceMetrics

/// The gauges the admin server owns itself, at the top of `/metrics`: the routing table in force,
/// its publishes (last swap, translation durations) and readiness.
enum RoutingGauges {
    static func text(generation: UInt64, routes: Int, ready: Bool, history: PublishHistory = PublishHistory()) -> String {
        PrometheusExposition.text([
            .init("sluice_routing_table_generation", .gauge, help: "Generation of the routing table in force.", value: generation),
            .init("sluice_routes", .gauge, help: "Routes in the routing table in force.", value: routes),
            .init(
                "sluice_routing_table_last_swap_timestamp_seconds", .gauge,
                help: "Unix time the routing table in force was swapped in; 0 before the first swap.",
                samples: [
                    .init(
                        text: PrometheusExposition.seconds(nanoseconds: history.lastSwapUnixNanoseconds ?? 0), labels: [],
                        suffix: "")
                ]),
            .init(
                "sluice_translation_duration_seconds", .histogram,
                help: "Time translation took to make each published routing table (equal tables, not swapped in, included).",
                samples: PrometheusExposition.histogramSamples(
                    history.translations, buckets: PublishHistory.translationBuckets, labels: [])),
            .init("sluice_ready", .gauge, help: "1 when this instance reports ready, else 0.", value: ready ? 1 : 0),
        ])
    }
}
