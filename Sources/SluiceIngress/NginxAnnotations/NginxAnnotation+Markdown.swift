extension NginxAnnotation {
    /// `NginxAnnotation.table` as the README's migration table (Markdown, one row per annotation
    /// in name order, then a count), so that the README cannot say otherwise than the audit does.
    public static func markdownTable() -> String {
        var lines = [
            "| `nginx.ingress.kubernetes.io/…` | Sluice | guards access | how |",
            "| --- | --- | --- | --- |",
        ]
        for row in table.sorted(by: { $0.name < $1.name }) {
            lines.append("| `\(row.name)` | \(row.supportText) | \(row.guardText) | \(row.how) |")
        }
        let count = { (support: Support) in table.filter { $0.support == support }.count }
        let guarding = table.filter { $0.accessGuard != .never }.count
        lines.append("")
        lines.append(
            "\(table.count) annotations: \(count(.supported)) supported, \(count(.partly)) partly, "
                + "\(count(.unsupported)) not supported; \(guarding) guard access.")
        return lines.map { $0 + "\n" }.joined()
    }

    private var supportText: String {
        switch support {
        case .supported: "yes"
        case .partly: acceptedValues.first.map { "only `\"\($0)\"`" } ?? "partly"
        case .unsupported: "no"
        }
    }

    private var guardText: String {
        switch accessGuard {
        case .never: ""
        case .always: acceptedValues.isEmpty ? "yes: fails closed" : "yes: other values fail closed"
        case .unlessHarmlessSnippet: "unless it only sets headers, timeouts or compression: fails closed"
        }
    }
}
