import ArgumentParser

/// A flag's `NAMESPACE/NAME` value (`--default-ssl-certificate`, `--default-backend-service`).
enum NamespacedNameArgument {
    /// Throws unless `value` (when given) is two non-empty parts around one `/`.
    static func validate(_ value: String?, flag: String) throws {
        guard let value else { return }
        let parts = value.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw ValidationError("\(flag) must be NAMESPACE/NAME, got \"\(value)\"")
        }
    }
}
