import Atomics
import NIOConcurrencyHelpers

/// One route's request series and streaming metrics on one event loop, as a scrape reads them.
final class RouteRequestSeries: Sendable {
    let key: RouteMetricsKey
    /// The generation of the routing table the loop routed with when it made these: a scrape
    /// judging by an older table does not retire them (the route may be new).
    let generation: UInt64
    /// Appended to by the loop when a request brings new labels (rarely: most routes see a few
    /// methods and statuses); read by scrapes.
    let series = NIOLockedValueBox<[RequestSeries]>([])
    /// Set by a scrape when the route left the routing table: the loop drops its cell, and a
    /// request that still reaches the route makes a new one.
    let retired = ManagedAtomic(false)
    /// The route's streaming metrics on this loop.
    let streams = RouteStreamCounters()

    init(key: RouteMetricsKey, generation: UInt64) {
        self.key = key
        self.generation = generation
    }
}

/// The request series of one event loop, by route, for scrapes: the loop registers a route's
/// series the first time one of its requests ends, a scrape retires those whose route left the
/// routing table (see ``collect(retiring:generation:)``).
final class RequestMetricsRegistry: Sendable {
    private let routes = NIOLockedValueBox<[RouteMetricsKey: RouteRequestSeries]>([:])
    /// Raised by a scrape that retired routes: the loop then sweeps its cells.
    let retirements = ManagedAtomic<Int>(0)

    func register(_ route: RouteRequestSeries) {
        routes.withLockedValue { $0[route.key] = route }
    }

    /// The routes registered now, after retiring those that `isLive` rejects and that were made
    /// with a table no newer than `generation` (the one `isLive` judges by).
    func collect(retiring isLive: (RouteMetricsKey) -> Bool, generation: UInt64) -> [RouteRequestSeries] {
        let (kept, retiredAny) = routes.withLockedValue { routes in
            var retiredAny = false
            for (key, route) in routes where route.generation <= generation && !isLive(key) {
                route.retired.store(true, ordering: .relaxed)
                routes[key] = nil
                retiredAny = true
            }
            return (Array(routes.values), retiredAny)
        }
        if retiredAny { retirements.wrappingIncrement(ordering: .relaxed) }
        return kept
    }
}

/// A route's request series on its event loop, as the loop finds them: once per exchange, by the
/// labels known at its end (a linear scan of the few the route has seen).
final class RouteMetricsCell {
    let shared: RouteRequestSeries
    private var series: [RequestSeries] = []

    init(shared: RouteRequestSeries) {
        self.shared = shared
    }

    /// The series for `labels`, made (and published to scrapes) the first time.
    func series(for labels: RequestSeriesLabels) -> RequestSeries {
        let code = labels.code
        for candidate in series where candidate.labels.code == code { return candidate }
        let made = RequestSeries(labels: labels)
        series.append(made)
        shared.series.withLockedValue { $0.append(made) }
        return made
    }
}

@available(*, unavailable)
extension RouteMetricsCell: Sendable {}

/// One event loop's request metrics by route: the loop's cells, found by route once per exchange
/// (one dictionary lookup when the request is routed; nothing per body chunk or event), and the
/// ``RequestMetricsRegistry`` scrapes read them through.
final class LoopRequestMetrics {
    let registry: RequestMetricsRegistry
    private var cells: [RouteMetricsKey: RouteMetricsCell] = [:]
    private var seenRetirements = 0

    init(registry: RequestMetricsRegistry) {
        self.registry = registry
    }

    /// The cell of the route `key` names, made on first use; `generation` is that of the table
    /// the route came from.
    func cell(for key: RouteMetricsKey, generation: UInt64) -> RouteMetricsCell {
        let retirements = registry.retirements.load(ordering: .relaxed)
        if retirements != seenRetirements {
            seenRetirements = retirements
            cells = cells.filter { !$0.value.shared.retired.load(ordering: .relaxed) }
        }
        if let cell = cells[key], !cell.shared.retired.load(ordering: .relaxed) { return cell }
        let shared = RouteRequestSeries(key: key, generation: generation)
        let cell = RouteMetricsCell(shared: shared)
        cells[key] = cell
        registry.register(shared)
        return cell
    }
}

@available(*, unavailable)
extension LoopRequestMetrics: Sendable {}
