import ArgumentParser
import SluiceIngress

/// A command-line duration with the same grammar as the timeout annotations
/// (`1500ms`, `30s`, `5m`, `1h`, or whole seconds).
struct DurationArgument: ExpressibleByArgument, Sendable {
    let duration: Duration

    init(_ duration: Duration) { self.duration = duration }

    init?(argument: String) {
        guard case .success(let duration) = DurationGrammar.parse(argument, allowZero: true) else { return nil }
        self.duration = duration
    }

    var defaultValueDescription: String { "\(duration)" }
}
