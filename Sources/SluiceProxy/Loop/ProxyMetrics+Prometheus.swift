extension ProxyMetrics {
    /// The counters in Prometheus text format, for ``AdminServer``'s `/metrics`.
    public func prometheusText() -> String {
        let rows: [(name: String, type: String, help: String, value: Int)] = [
            ("sluice_requests_total", "counter", "Request heads received from clients.", requests),
            ("sluice_upstream_connections_opened_total", "counter", "TCP connections opened to upstream endpoints.", upstreamConnectionsOpened),
            ("sluice_upstream_connections_reused_total", "counter", "Requests sent on a kept-alive upstream connection.", upstreamConnectionsReused),
            ("sluice_upstream_retries_total", "counter", "Requests retried after a connect failure or a dead pooled connection.", upstreamRetries),
            ("sluice_upstream_reads_paused_total", "counter", "Times reading an upstream stopped because its client was not writable.", upstreamReadsPaused),
            ("sluice_client_reads_paused_total", "counter", "Times reading a client stopped because its upstream was not writable.", clientReadsPaused),
            ("sluice_client_buffered_bytes_max", "gauge", "High-water mark of bytes queued toward one client.", maxClientBufferedBytes),
            ("sluice_upstream_buffered_bytes_max", "gauge", "High-water mark of bytes queued toward one upstream.", maxUpstreamBufferedBytes),
            ("sluice_tunnels_opened_total", "counter", "Upgraded connections turned into byte tunnels.", tunnelsOpened),
            ("sluice_event_streams_relayed_total", "counter", "Event streams whose chunked body was relayed as the upstream framed it.", eventStreamsRelayed),
        ]
        var text = ""
        for row in rows {
            text += "# HELP \(row.name) \(row.help)\n# TYPE \(row.name) \(row.type)\n\(row.name) \(row.value)\n"
        }
        text += "# HELP sluice_client_connections Client connections open now (tunnels included), per event loop.\n"
        text += "# TYPE sluice_client_connections gauge\n"
        for (loop, open) in openClientConnectionsPerLoop.enumerated() {
            text += "sluice_client_connections{event_loop=\"\(loop)\"} \(open)\n"
        }
        return text
    }
}
