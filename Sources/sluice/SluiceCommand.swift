import ArgumentParser

/// The `sluice` executable: a streaming-first Kubernetes ingress controller.
@main
struct SluiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sluice",
        abstract: "A Kubernetes ingress controller built for streaming (SSE, WebSocket, long-lived HTTP).",
        subcommands: [DemoCommand.self, ServeCommand.self, ControllerCommand.self, DemoUpstreamCommand.self]
    )
}
