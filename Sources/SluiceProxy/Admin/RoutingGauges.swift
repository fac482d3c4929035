import SluiceMetrics
import SluiceRouting

/// The gauges the admin server owns itself, at the top of `/metrics`: the routing table in force
/// (with the expiry of the certificates it serves), its publishes (last swap, translation
/// durations) and readiness.
enum RoutingGauges {
    static func text(
        generation: UInt64, routes: Int, ready: Bool, history: PublishHistory = PublishHistory(),
        certificates: Set<ServingCertificate> = []
    ) -> String {
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
            .init(
                "sluice_tls_certificate_expiry_timestamp_seconds", .gauge,
                help: "Unix time the leaf certificate of each kubernetes.io/tls Secret the routing table in force serves expires (its notAfter), by the Secret's namespace and name.",
                samples: expirySamples(certificates)),
            .init("sluice_ready", .gauge, help: "1 when this instance reports ready, else 0.", value: ready ? 1 : 0),
        ])
    }

    /// One sample per Secret (`source` is its `namespace/name`), in name order.
    private static func expirySamples(_ certificates: Set<ServingCertificate>) -> [PrometheusExposition.Sample] {
        var notAfter: [String: Int64] = [:]
        for certificate in certificates { notAfter[certificate.source] = min(notAfter[certificate.source] ?? .max, certificate.notAfter) }
        return notAfter.sorted { $0.key < $1.key }.map { source, notAfter in
            let parts = source.split(separator: "/", maxSplits: 1).map(String.init)
            let (namespace, secret) = parts.count == 2 ? (parts[0], parts[1]) : ("", source)
            return .init(notAfter, labels: [("namespace", namespace), ("secret", secret)])
        }
    }
}
