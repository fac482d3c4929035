import SluiceMetrics
/// The streaming families of a scrape, by route: first byte, first event, flush delay, and per
/// stream kind the streams open, their durations and how they ended. A route's series appear
/// once it has something to count.
enum StreamMetricsExport {
    private typealias Layout = RouteStreamCounters.Layout

    static func families(_ routes: [RouteRequestSeries]) -> [PrometheusExposition.Family] {
        let layout = RouteStreamCounters.layout
        var rows: [RouteMetricsKey: [Int]] = [:]
        for route in routes {
            let counters = route.streams.counters
            var row = rows[route.key] ?? Array(repeating: 0, count: layout.width)
            for index in row.indices { row[index] &+= counters.load(index) }
            rows[route.key] = row
        }
        var firstByte: [PrometheusExposition.Sample] = []
        var firstEvent: [PrometheusExposition.Sample] = []
        var flushDelay: [PrometheusExposition.Sample] = []
        var active: [PrometheusExposition.Sample] = []
        var durations: [PrometheusExposition.Sample] = []
        var ended: [PrometheusExposition.Sample] = []
        var received: [PrometheusExposition.Sample] = []
        var sent: [PrometheusExposition.Sample] = []
        for (key, row) in RouteMetricsExport.ordered(rows) {
            let labels = key.labels
            firstByte += histogram(layout.firstByte, row, labels)
            firstEvent += histogram(layout.firstEvent, row, labels)
            flushDelay += histogram(layout.flushDelay, row, labels)
            if row[layout.receivedBytes] > 0 { received.append(.init(row[layout.receivedBytes], labels: labels)) }
            if row[layout.sentBytes] > 0 { sent.append(.init(row[layout.sentBytes], labels: labels)) }
            for kind in StreamKind.allCases {
                let opened = row[layout.opened(kind)]
                guard opened > 0 else { continue }
                let kindLabels = labels + [(name: "kind", value: kind.text)]
                let endings = StreamEndReason.allCases.map { (reason: $0, count: row[layout.ended(kind, $0)]) }
                active.append(.init(opened - endings.reduce(0) { $0 + $1.count }, labels: kindLabels))
                durations += histogram(layout.duration(kind), row, kindLabels)
                for (reason, count) in endings where count > 0 {
                    ended.append(.init(count, labels: kindLabels + [(name: "reason", value: reason.text)]))
                }
            }
        }
        return [
            .init(
                "sluice_received_bytes_total", .counter,
                help: "Bytes received from clients, by route: request bodies forwarded whole, and what tunnels carried from clients.",
                samples: received),
            .init(
                "sluice_sent_bytes_total", .counter,
                help: "Bytes sent to clients, by route: responses with their heads, and what tunnels carried to clients.",
                samples: sent),
            .init(
                "sluice_upstream_first_byte_seconds", .histogram,
                help: "Time from a request sent to the upstream to the first byte of its response, by route.",
                samples: firstByte),
            .init(
                "sluice_stream_first_event_seconds", .histogram,
                help: "Time from an event stream's request head to its first body bytes handed to the client socket (time to first token), by route; each stream once.",
                samples: firstEvent),
            .init(
                "sluice_stream_flush_delay_seconds", .histogram,
                help: "Sluice's own delay per event: time from reading a chunk of an event stream from the upstream to handing it to the client socket, one observation per upstream read (not sampled), by route.",
                samples: flushDelay),
            .init(
                "sluice_streams_active", .gauge, help: "Streams open now, by route and kind (sse, websocket).", samples: active),
            .init(
                "sluice_stream_duration_seconds", .histogram,
                help: "Time from a stream's request head to its end, by route and kind.", samples: durations),
            .init(
                "sluice_streams_ended_total", .counter,
                help: "Streams ended, by route, kind and reason (upstream_end, client_gone, client_stalled, idle_timeout, max_duration, shutdown, error).",
                samples: ended),
        ]
    }

    /// The samples of the histogram at `slot` in `row`; none while it counted nothing.
    private static func histogram(
        _ slot: HistogramSlot, _ row: [Int], _ labels: [(name: String, value: String)]
    ) -> [PrometheusExposition.Sample] {
        let buckets = Array(row[(slot.offset + 1)..<(slot.offset + slot.width)])
        guard buckets.contains(where: { $0 != 0 }) else { return [] }
        return PrometheusExposition.histogramSamples(
            HistogramSnapshot(sumNanoseconds: row[slot.offset], buckets: buckets), buckets: slot.buckets, labels: labels)
    }
}
