import NIOConcurrencyHelpers
import SluiceMetrics
import SluiceRouting

/// The route keys a routing table's routes count under (plus ``RouteMetricsKey/unrouted``): a
/// scrape exports these routes and retires the others' series.
struct LiveRouteKeys: Sendable {
    let generation: UInt64
    let keys: Set<RouteMetricsKey>

    init(generation: UInt64, keys: Set<RouteMetricsKey>) {
        self.generation = generation
        self.keys = keys
    }

    init(_ published: PublishedRoutingTable) {
        var keys: Set<RouteMetricsKey> = [.unrouted]
        for host in published.table.hostsInNoOrder {
            for route in host.routes { keys.insert(RouteMetricsKey(route)) }
        }
        if let fallback = published.table.defaultBackend { keys.insert(RouteMetricsKey(fallback)) }
        self.generation = published.generation
        self.keys = keys
    }

    /// The keys of the table `store` holds now; computed once per generation (by the first
    /// scrape after a swap, off the event loops), kept in `cache`.
    static func current(of store: RoutingTableStore, cache: NIOLockedValueBox<LiveRouteKeys?>) -> LiveRouteKeys {
        let published = store.snapshot
        if let cached = cache.withLockedValue({ $0 }), cached.generation == published.generation { return cached }
        let made = LiveRouteKeys(published)
        cache.withLockedValue { $0 = made }
        return made
    }
}

/// The per-route families of a scrape: every loop's cells summed by labels, routes that left
/// the routing table retired on the way (see `RequestMetricsRegistry.collect`), in a stable order.
enum RouteMetricsExport {
    /// - Parameter live: the routes to export; nil: every route registered (no routing table).
    static func families(_ registries: [RequestMetricsRegistry], live: LiveRouteKeys?) -> [PrometheusExposition.Family] {
        let routes = registries.flatMap { registry in
            registry.collect(retiring: { live?.keys.contains($0) ?? true }, generation: live?.generation ?? 0)
        }
        return RequestMetricsExport.families(routes) + StreamMetricsExport.families(routes)
    }

    /// `routes`' keys in a stable order.
    static func ordered<Value>(_ byRoute: [RouteMetricsKey: Value]) -> [(key: RouteMetricsKey, value: Value)] {
        byRoute.sorted { ($0.key.source, $0.key.backend) < ($1.key.source, $1.key.backend) }
    }
}

/// `sluice_requests_total` and `sluice_request_duration_seconds`.
enum RequestMetricsExport {
    private struct SeriesKey: Hashable {
        var route: RouteMetricsKey
        var labels: RequestSeriesLabels
    }

    static func families(_ routes: [RouteRequestSeries]) -> [PrometheusExposition.Family] {
        var totals: [SeriesKey: HistogramSnapshot] = [:]
        for route in routes {
            for series in route.series.withLockedValue({ $0 }) {
                totals[SeriesKey(route: route.key, labels: series.labels), default: .empty(RequestSeries.buckets)]
                    .add(series.snapshot)
            }
        }
        let ordered = totals.sorted { lhs, rhs in
            (lhs.key.route.source, lhs.key.route.backend, lhs.key.labels.code)
                < (rhs.key.route.source, rhs.key.route.backend, rhs.key.labels.code)
        }
        var requests: [PrometheusExposition.Sample] = []
        var durations: [PrometheusExposition.Sample] = []
        for (key, histogram) in ordered {
            let labels = key.route.labels + key.labels.labels
            requests.append(.init(histogram.count, labels: labels))
            durations += PrometheusExposition.histogramSamples(histogram, buckets: RequestSeries.buckets, labels: labels)
        }
        return [
            .init(
                "sluice_requests_total", .counter,
                help: "Requests answered, by route (Ingress and Service), method, status class and client protocol.",
                samples: requests),
            .init(
                "sluice_request_duration_seconds", .histogram,
                help: "Time from a request's head to the end of its response (a stream's whole life), by route, method, status class and client protocol.",
                samples: durations),
        ]
    }
}
