import ArgumentParser
import Foundation

/// The `sluice` executable: a streaming-first Kubernetes ingress controller.
@main
struct SluiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sluice",
        abstract: "A Kubernetes ingress controller built for streaming (SSE, WebSocket, long-lived HTTP).",
        subcommands: [DemoCommand.self, ServeCommand.self, ControllerCommand.self, DemoUpstreamCommand.self, ProbeCommand.self]
    )

    /// ArgumentParser's own `main`, except that `sluice probe`'s usage errors exit with 2 (its
    /// documented status for them, kept apart from 1, a failed check) instead of 64.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if ProbeCommand.isInvoked(by: CommandLine.arguments), exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
