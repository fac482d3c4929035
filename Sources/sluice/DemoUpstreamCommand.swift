import ArgumentParser
import NIOPosix
import SluiceDemo

/// `sluice demo-upstream`: only the built-in upstreams, for benchmarks and experiments.
struct DemoUpstreamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-upstream",
        abstract: "Run only the demo's built-in upstreams (SSE tokens, WebSocket echo, JSON API, bench endpoints).",
        shouldDisplay: false
    )

    @Option(help: "Address to bind.") var host = "127.0.0.1"
    @Option(help: "Port to bind.") var port = 18081
    @Option(help: "Milliseconds between demo tokens on /api/chat.") var tokenIntervalMs = 40

    func run() async throws {
        let server = try await DemoUpstreamServer.start(
            host: host, port: port, group: MultiThreadedEventLoopGroup.singleton,
            tokenInterval: .milliseconds(tokenIntervalMs))
        print("demo upstream listening on \(host):\(server.port)")
        try await server.waitUntilStopped()
    }
}
