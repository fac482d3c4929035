import Foundation
import SluiceIngress

/// Reads flag defaults from `SLUICE_*` environment variables, so a Deployment can configure
/// Sluice through `env:` as well as `args:`.
enum EnvironmentDefault {
    static func string(_ name: String) -> String? {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { return nil }
        return value
    }

    static func int(_ name: String) -> Int? {
        string(name).flatMap { Int($0) }
    }

    static func duration(_ name: String) -> Duration? {
        guard let text = string(name), case .success(let d) = DurationGrammar.parse(text, allowZero: true) else { return nil }
        return d
    }
}
