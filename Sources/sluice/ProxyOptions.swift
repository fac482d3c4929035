import ArgumentParser
import Logging

/// Listener and lifecycle flags shared by `serve` and `demo`. Each flag can also be set from the
/// environment as `SLUICE_<FLAG>` (for example `SLUICE_HTTP_PORT`); the flag wins.
struct ProxyOptions: ParsableArguments {
    @Option(help: "Address the proxy and admin listeners bind to.")
    var bindAddress: String = EnvironmentDefault.string("SLUICE_BIND_ADDRESS") ?? "0.0.0.0"

    @Option(help: "Port of the HTTP proxy listener.")
    var httpPort: Int = EnvironmentDefault.int("SLUICE_HTTP_PORT") ?? 8080

    @Option(help: "Port of the admin listener (/healthz, /readyz, /metrics).")
    var adminPort: Int = EnvironmentDefault.int("SLUICE_ADMIN_PORT") ?? 10254

    @Option(help: "On SIGTERM, how long in-flight requests and streams may run before they are closed.")
    var shutdownGracePeriod: DurationArgument = DurationArgument(
        EnvironmentDefault.duration("SLUICE_SHUTDOWN_GRACE_PERIOD") ?? .seconds(30))

    @Option(help: "Event loop threads serving connections; 0 = one per CPU core.")
    var eventLoops: Int = EnvironmentDefault.int("SLUICE_EVENT_LOOPS") ?? 0

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = EnvironmentDefault.string("SLUICE_LOG_LEVEL") ?? "info"

    var level: Logger.Level { Logger.Level(rawValue: logLevel) ?? .info }

    func validate() throws {
        guard (0...1024).contains(eventLoops) else {
            throw ValidationError("--event-loops must be between 0 (one per CPU core) and 1024, not \(eventLoops)")
        }
    }
}
