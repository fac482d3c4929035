import Logging
import NIOCore
import ServiceLifecycle
import SluiceProxy
import SluiceTestSupport
import Testing

/// `--max-connections` over real sockets: the cap counts the plain and the second (HTTPS)
/// listener's connections together, refuses one more by closing it, and admits again once one
/// closed.
@Suite struct ConnectionCapTests {
    private func makeService(maxConnections: Int?) -> ProxyService {
        let echo: @Sendable (any Channel) throws -> Void = { channel in
            try channel.pipeline.syncOperations.addHandler(QuiesceAwareEchoHandler(finishOnQuiesce: true) {})
        }
        return ProxyService(
            configuration: ProxyServiceConfiguration(host: "127.0.0.1", port: 0, maxConnections: maxConnections),
            readiness: ReadinessState(.ready),
            logger: Logger(label: "test.proxy"),
            childChannelInitializer: echo,
            additionalListeners: [ProxyListenerSpec(name: "https", port: 0, childChannelInitializer: echo)]
        )
    }

    private func echoes(_ client: inout LoopbackClient, _ text: String) async throws -> Bool {
        try await client.send(text)
        return try await client.read(until: text) == text
    }

    private func refusedTotal(_ service: ProxyService) -> String? {
        service.metricsText().split(separator: "\n").first { $0.hasPrefix("sluice_client_connections_refused_total ") }
            .map { String($0.split(separator: " ").last!) }
    }

    @Test func theConnectionOverTheCapIsClosedOnBothListenersAndANewOneIsServedOnceOneClosed() async throws {
        let service = makeService(maxConnections: 2)
        let run = Task { try await service.run() }
        let plain = try await withTimeout { try await service.port }
        let tls = try await withTimeout { try await service.port(of: "https") }

        try await withTimeout {
            try await LoopbackClient.with(port: plain) { first in
                #expect(try await echoes(&first, "one"))
                try await LoopbackClient.with(port: tls) { second in
                    #expect(try await echoes(&second, "two"))
                    for port in [plain, tls] {
                        let refused = try await LoopbackClient.with(port: port) { third in try await third.readToEnd() }
                        #expect(refused == "")
                    }
                    #expect(refusedTotal(service) == "2")
                }
            }
        }
        // Both closed: their slots come back (the count drops as each close completes).
        let servedAgain = try await withTimeout {
            while service.openConnectionCount > 0 { try await Task.sleep(for: .milliseconds(5)) }
            return try await LoopbackClient.with(port: tls) { client in
                try await LoopbackClient.with(port: plain) { other in
                    let again = try await echoes(&client, "again")
                    let too = try await echoes(&other, "too")
                    return again && too
                }
            }
        }
        #expect(servedAgain)
        #expect(refusedTotal(service) == "2")
        run.cancel()
        _ = try await withTimeout { await run.result }
    }

    @Test func withoutACapNoConnectionIsRefused() async throws {
        let service = makeService(maxConnections: nil)
        let run = Task { try await service.run() }
        let port = try await withTimeout { try await service.port }
        let served = try await withTimeout {
            try await LoopbackClient.with(port: port) { a in
                try await LoopbackClient.with(port: port) { b in
                    try await LoopbackClient.with(port: port) { c in
                        let (x, y, z) = (try await echoes(&a, "a"), try await echoes(&b, "b"), try await echoes(&c, "c"))
                        return x && y && z
                    }
                }
            }
        }
        #expect(served)
        #expect(refusedTotal(service) == "0")
        run.cancel()
        _ = try await withTimeout { await run.result }
    }
}
