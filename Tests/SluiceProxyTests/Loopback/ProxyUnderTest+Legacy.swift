import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import SluiceProxy
import SluiceRouting

// The old start/stop API, while tests move to `withProxy` (removed after).
extension ProxyUnderTest {
    static func start(
        _ table: RoutingTable,
        configuration: ProxyConfiguration = ProxyConfiguration(),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> ProxyUnderTest {
        let store = RoutingTableStore(initial: table, replicasFor: group)
        var logger = Logger(label: "test.proxy")
        logger.logLevel = .critical
        let dataPlane = ProxyDataPlane(store: store, configuration: configuration, eventLoopGroup: group, logger: logger)
        let accepted = NIOLockedValueBox<[any Channel]>([])
        let listener = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 1024)
            .childChannelInitializer { channel in
                accepted.withLockedValue { $0.append(channel) }
                return dataPlane.configure(channel: channel)
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return ProxyUnderTest(
            store: store, dataPlane: dataPlane, port: listener.localAddress!.port!, accepted: accepted,
            legacyStop: {
                try? await listener.close()
                for channel in accepted.withLockedValue({ $0 }) {
                    try? await channel.close()
                }
            })
    }

    func stop() async {
        await legacyStop()
    }
}
