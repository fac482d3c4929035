import SluiceMetrics
extension ProxyMetrics {
    /// The counters in Prometheus text format, for ``AdminServer``'s `/metrics`.
    public func prometheusText() -> String {
        PrometheusExposition.text(requestFamilies() + [
            .init(
                "sluice_upstream_connections_opened_total", .counter,
                help: "TCP connections opened to upstream endpoints.", value: upstreamConnectionsOpened),
            .init(
                "sluice_upstream_connections_reused_total", .counter,
                help: "Requests sent on a kept-alive upstream connection.", value: upstreamConnectionsReused),
            .init(
                "sluice_upstream_retries_total", .counter,
                help: "Attempts repeated on another endpoint (proxy-next-upstream) or after a dead pooled connection.", value: upstreamRetries),
            .init(
                "sluice_upstream_failures_total", .counter,
                help: "Upstream attempts that failed before a response head, retried or not, by kind: connect (refused, unreachable, TLS), connect_timeout, closed_before_response (closed or not HTTP), read_timeout.",
                samples: ProxyMetricsShard.failureKinds.map { kind in .init(upstreamFailures[kind] ?? 0, labels: [("kind", kind)]) }),
            .init(
                "sluice_upstream_reads_paused_total", .counter,
                help: "Times reading an upstream stopped because its client was not writable.",
                value: upstreamReadsPaused),
            .init(
                "sluice_client_reads_paused_total", .counter,
                help: "Times reading a client stopped because its upstream was not writable.", value: clientReadsPaused),
            .init(
                "sluice_client_buffered_bytes_max", .gauge, help: "High-water mark of bytes queued toward one client.",
                value: maxClientBufferedBytes),
            .init(
                "sluice_upstream_buffered_bytes_max", .gauge,
                help: "High-water mark of bytes queued toward one upstream.", value: maxUpstreamBufferedBytes),
            .init(
                "sluice_tunnels_opened_total", .counter, help: "Upgraded connections turned into byte tunnels.",
                value: tunnelsOpened),
            .init(
                "sluice_event_streams_relayed_total", .counter,
                help: "Event streams whose chunked body was relayed as the upstream framed it.",
                value: eventStreamsRelayed),
            .init(
                "sluice_client_connections", .gauge,
                help: "Client connections open now (HTTP/2 connections and tunnels included), per event loop.",
                samples: openClientConnectionsPerLoop.enumerated().map { loop, open in
                    .init(open, labels: [("event_loop", "\(loop)")])
                }),
            .init(
                "sluice_http2_connections", .gauge, help: "HTTP/2 client connections open now.", value: openHTTP2Connections),
        ])
    }
}
