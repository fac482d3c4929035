import SluiceMetrics

extension ControllerMetrics {
    /// The controller's families in Prometheus text, for the admin server's `/metrics`.
    public func prometheusText() -> String {
        PrometheusExposition.text(Self.families(snapshot))
    }

    static func families(_ values: Values) -> [PrometheusExposition.Family] {
        func byLabel(_ counts: [String: Int], _ label: String) -> [PrometheusExposition.Sample] {
            counts.sorted { $0.key < $1.key }.map { .init($0.value, labels: [(name: label, value: $0.key)]) }
        }
        func timestamp(_ nanoseconds: Int64) -> [PrometheusExposition.Sample] {
            [.init(text: PrometheusExposition.seconds(nanoseconds: nanoseconds), labels: [], suffix: "")]
        }
        return [
            .init(
                "sluice_controller_reconciles_total", .counter,
                help: "Rebuilds of the routing table from the controller's cache (each one's table is swapped in unless equal to the one in force).",
                value: values.reconciles),
            .init(
                "sluice_controller_cluster_changes_total", .counter,
                help: "Changes the controller saw to objects translation reads (status-only changes not counted).",
                value: values.clusterChanges),
            .init(
                "sluice_controller_last_cluster_change_timestamp_seconds", .gauge,
                help: "Unix time of the last change to objects translation reads; 0 before the first.",
                samples: timestamp(values.lastClusterChangeUnixNanoseconds)),
            .init(
                "sluice_controller_last_reconcile_timestamp_seconds", .gauge,
                help: "Unix time the last rebuild of the routing table took the cache; 0 before the first. Behind the last cluster change for long: changes are not being served.",
                samples: timestamp(values.lastReconcileUnixNanoseconds)),
            .init(
                "sluice_controller_relists_total", .counter,
                help: "LISTs after a reflector's first successful one (its watch's resourceVersion expired, or an ERROR event), by resource (the reflector).",
                samples: byLabel(values.relists, "resource")),
            .init(
                "sluice_controller_watch_restarts_total", .counter,
                help: "WATCHes started again after one ended (the server's timeout) or failed, without a LIST between, by resource (the reflector).",
                samples: byLabel(values.watchRestarts, "resource")),
            .init(
                "sluice_controller_api_errors_total", .counter,
                help: "Kubernetes API requests answered with an error, by HTTP status code (transport: no answer, decoding: an unreadable one).",
                samples: byLabel(values.apiErrors, "code")),
            .init(
                "sluice_controller_leader", .gauge,
                help: "1 while this instance is the elected leader (it writes Ingress status and Events), else 0.",
                value: values.isLeader ? 1 : 0),
            .init(
                "sluice_controller_translation_warnings", .gauge,
                help: "Warnings of the routing table's last translation (each also a Warning Event on its Ingress), by reason.",
                samples: byLabel(values.warnings, "reason")),
            .init(
                "sluice_controller_invalid_annotations", .gauge,
                help: "Ingresses whose annotation has a value the last translation refused, by annotation (without its sluice.io/ or ingress-nginx prefix).",
                samples: byLabel(values.invalidAnnotations, "annotation")),
        ]
    }
}
