import Atomics

/// Counters of one `ProxyPipeline`, readable from any thread (tests, a metrics endpoint).
public final class ProxyMetrics: Sendable {
    private let _requests = ManagedAtomic<Int>(0)
    private let _upstreamConnectionsOpened = ManagedAtomic<Int>(0)
    private let _upstreamConnectionsReused = ManagedAtomic<Int>(0)
    private let _upstreamRetries = ManagedAtomic<Int>(0)
    private let _upstreamReadsPaused = ManagedAtomic<Int>(0)
    private let _clientReadsPaused = ManagedAtomic<Int>(0)
    private let _maxClientBufferedBytes = ManagedAtomic<Int>(0)
    private let _maxUpstreamBufferedBytes = ManagedAtomic<Int>(0)
    private let _tunnelsOpened = ManagedAtomic<Int>(0)

    public init() {}

    /// Request heads received from clients.
    public var requests: Int { _requests.load(ordering: .relaxed) }
    /// TCP connections opened to upstream endpoints.
    public var upstreamConnectionsOpened: Int { _upstreamConnectionsOpened.load(ordering: .relaxed) }
    /// Requests sent on a pooled (kept-alive) upstream connection.
    public var upstreamConnectionsReused: Int { _upstreamConnectionsReused.load(ordering: .relaxed) }
    /// Requests retried after a connect failure or a dead pooled connection.
    public var upstreamRetries: Int { _upstreamRetries.load(ordering: .relaxed) }
    /// Times the proxy stopped reading an upstream because its client was not writable.
    public var upstreamReadsPaused: Int { _upstreamReadsPaused.load(ordering: .relaxed) }
    /// Times the proxy stopped reading a client's request body because its upstream was not writable.
    public var clientReadsPaused: Int { _clientReadsPaused.load(ordering: .relaxed) }
    /// High-water mark, over all streams, of bytes the proxy had queued toward one client but the
    /// socket had not yet accepted (the client channel's buffered writable bytes). Bounded by the
    /// write-buffer high water mark plus one upstream read, whatever the client does.
    public var maxClientBufferedBytes: Int { _maxClientBufferedBytes.load(ordering: .relaxed) }
    /// The same high-water mark toward upstreams (uploads and tunnels).
    public var maxUpstreamBufferedBytes: Int { _maxUpstreamBufferedBytes.load(ordering: .relaxed) }
    /// Upgraded connections turned into byte tunnels.
    public var tunnelsOpened: Int { _tunnelsOpened.load(ordering: .relaxed) }

    func requestReceived() { _requests.wrappingIncrement(ordering: .relaxed) }
    func upstreamConnectionOpened() { _upstreamConnectionsOpened.wrappingIncrement(ordering: .relaxed) }
    func upstreamConnectionReused() { _upstreamConnectionsReused.wrappingIncrement(ordering: .relaxed) }
    func upstreamRetried() { _upstreamRetries.wrappingIncrement(ordering: .relaxed) }
    func upstreamReadPaused() { _upstreamReadsPaused.wrappingIncrement(ordering: .relaxed) }
    func clientReadPaused() { _clientReadsPaused.wrappingIncrement(ordering: .relaxed) }
    func tunnelOpened() { _tunnelsOpened.wrappingIncrement(ordering: .relaxed) }

    func observeClientBuffered(_ bytes: Int) { Self.raise(_maxClientBufferedBytes, to: bytes) }
    func observeUpstreamBuffered(_ bytes: Int) { Self.raise(_maxUpstreamBufferedBytes, to: bytes) }

    private static func raise(_ atomic: ManagedAtomic<Int>, to value: Int) {
        var current = atomic.load(ordering: .relaxed)
        while value > current {
            let (exchanged, original) = atomic.compareExchange(
                expected: current, desired: value, ordering: .relaxed)
            if exchanged { return }
            current = original
        }
    }
}
