import ArgumentParser
import Foundation
import Logging
import NIOPosix
import ServiceLifecycle
import SluiceDemo
import SluiceIngress
import SluiceProxy

/// `sluice demo`: the proxy plus built-in streaming upstreams, no cluster needed.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the proxy in front of built-in upstreams (SSE token stream, WebSocket echo, JSON API)."
    )

    @Option(help: "Directory of the demo's manifests (their EndpointSlice points at --upstream-port).")
    var manifests = "Examples/standalone-demo"

    @Option(help: "Port of the built-in upstreams on 127.0.0.1; the shipped manifests expect 18081.")
    var upstreamPort = 18081

    @Option(help: "Milliseconds between tokens of the demo chat stream.")
    var tokenIntervalMs = 60

    @OptionGroup var proxyOptions: ProxyOptions

    func run() async throws {
        guard FileManager.default.fileExists(atPath: manifests) else {
            throw ValidationError("no demo manifests at \(manifests): run from the repository's root or pass --manifests")
        }
        LoggingBootstrap.bootstrap(level: proxyOptions.level)
        let logger = Logger(label: "sluice")
        let upstream = try await DemoUpstreamServer.start(
            host: "127.0.0.1", port: upstreamPort, group: MultiThreadedEventLoopGroup.singleton,
            tokenInterval: .milliseconds(tokenIntervalMs))
        let runtime = try ProxyRuntime(options: proxyOptions, logger: logger)
        let source = StandaloneRoutingSource(
            directory: manifests, options: TranslationOptions(servesClasslessWithoutIngressClasses: true), store: runtime.store,
            readiness: runtime.readiness, logger: logger)
        let banner = DemoBanner(proxy: runtime.proxy, readiness: runtime.readiness, adminPort: proxyOptions.adminPort)
        do {
            try await runtime.serviceGroup(source: source, extra: [banner], logger: logger).run()
        } catch {
            try? await upstream.stop()
            throw error
        }
        try await upstream.stop()
    }
}

/// Prints what to try once the proxy is listening and the first routing table is live.
struct DemoBanner: Service {
    let proxy: ProxyService
    let readiness: ReadinessState
    let adminPort: Int

    func run() async throws {
        let port = try await proxy.port
        let httpsPort = try await proxy.port(of: "https")
        while !readiness.isReady {
            if Task.isShuttingDownGracefully { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        let base = "http://127.0.0.1:\(port)"
        let banner = """

            Sluice demo is up: proxy on \(base), admin on http://127.0.0.1:\(adminPort)

            Stream LLM tokens through the proxy (Server-Sent Events, flushed as they arrive):
              curl -N '\(base)/api/chat?prompt=Tell+me+about+streaming'

            The same over HTTPS (the proxy's generated certificate, hence -k):
              curl -kN 'https://127.0.0.1:\(httpsPort)/api/chat?prompt=Tell+me+about+streaming'

            A plain JSON API behind the same Ingress (see the X-Forwarded-* headers it received):
              curl -s \(base)/api/info

            WebSocket echo through the proxy (an interactive client; curl 7.88 cannot speak WebSocket):
              pip install websockets && python3 -m websockets ws://127.0.0.1:\(port)/ws

            Health and metrics:
              curl -s http://127.0.0.1:\(adminPort)/readyz; curl -s http://127.0.0.1:\(adminPort)/metrics

            Edit Examples/standalone-demo/demo.yaml while this runs: changes go live without a restart.
            Ctrl-C stops (in-flight streams drain first).

            """
        // Written unbuffered so the banner shows at once when stdout is a pipe or a file.
        FileHandle.standardOutput.write(Data((banner + "\n").utf8))
        try await gracefulShutdown()
    }
}
