import NIOConcurrencyHelpers
import NIOCore
import SluiceProxy
import SluiceRouting
import SluiceTestSupport

/// A proxy serving a loopback test, as ``withProxy(_:configuration:group:isolation:_:)`` hands it
/// to the test: listening on 127.0.0.1 and an ephemeral port through `ProxyService` (the
/// production listener and accept path), its connections configured by `ProxyDataPlane`.
struct ProxyUnderTest: Sendable {
    let store: RoutingTableStore
    let dataPlane: ProxyDataPlane
    /// The port the plain listener bound.
    let port: Int
    /// The port the HTTPS listener bound (`TLSTermination`).
    let httpsPort: Int
    /// Every connection the listener accepted, recorded by the child initializer (for `quiesce()`).
    let accepted: NIOLockedValueBox<[any Channel]>

    var metrics: ProxyMetrics { dataPlane.metrics }

    /// Sends `ChannelShouldQuiesceEvent` to every accepted connection, as `ProxyService` does on
    /// SIGTERM once it stopped accepting; the listener here keeps accepting.
    func quiesce() {
        for channel in accepted.withLockedValue({ $0 }) {
            channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        }
    }

    func connect(autoRead: Bool = true) async throws -> TestClient {
        try await TestClient.connect(port: port, autoRead: autoRead)
    }
}
