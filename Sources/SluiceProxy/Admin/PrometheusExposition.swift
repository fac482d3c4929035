/// Writes Prometheus text exposition format, version 0.0.4: metric families (name, type, help)
/// with their samples. Label values and help text are escaped as the format requires, so any
/// string may go in. Only what Sluice's own counters and gauges need: no histograms, no
/// timestamps (a later issue moves metrics onto swift-prometheus).
enum PrometheusExposition {
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// A metric's `# TYPE`.
    enum MetricType: String, Sendable {
        case counter
        case gauge
    }

    /// One metric family: its `# HELP` and `# TYPE` lines, then one line per sample. A family
    /// with no samples still writes both comment lines.
    struct Family: Sendable {
        var name: String
        var type: MetricType
        var help: String
        var samples: [Sample]

        init(_ name: String, _ type: MetricType, help: String, samples: [Sample]) {
            assert(PrometheusExposition.isValidName(name), "invalid metric name \(name)")
            self.name = name
            self.type = type
            self.help = help
            self.samples = samples
        }

        /// A family of one unlabelled sample.
        init(_ name: String, _ type: MetricType, help: String, value: some BinaryInteger) {
            self.init(name, type, help: help, samples: [Sample(value)])
        }
    }

    /// One sample line: labels (in the order given) and an integer value.
    struct Sample: Sendable {
        var labels: [(name: String, value: String)]
        var value: String

        init(_ value: some BinaryInteger, labels: [(name: String, value: String)] = []) {
            assert(labels.allSatisfy { PrometheusExposition.isValidName($0.name) && !$0.name.contains(":") })
            self.labels = labels
            self.value = "\(value)"
        }
    }

    /// The exposition text of `families`, in order.
    static func text(_ families: [Family]) -> String {
        var text = ""
        for family in families {
            text += "# HELP \(family.name) \(escapedHelp(family.help))\n"
            text += "# TYPE \(family.name) \(family.type.rawValue)\n"
            for sample in family.samples {
                text += family.name
                if !sample.labels.isEmpty {
                    let labels = sample.labels.map { "\($0.name)=\"\(escapedLabelValue($0.value))\"" }
                    text += "{\(labels.joined(separator: ","))}"
                }
                text += " \(sample.value)\n"
            }
        }
        return text
    }

    /// `\` → `\\`, `"` → `\"`, newline → `\n`.
    static func escapedLabelValue(_ value: String) -> String {
        escaped(value, quote: true)
    }

    /// `\` → `\\`, newline → `\n` (a double quote stays as it is).
    static func escapedHelp(_ help: String) -> String {
        escaped(help, quote: false)
    }

    /// Works on Unicode scalars, not Characters: `"\r\n"` is one Character, and its newline must
    /// be escaped too.
    private static func escaped(_ string: String, quote: Bool) -> String {
        func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
            scalar == "\\" || scalar == "\n" || (quote && scalar == "\"")
        }
        guard string.unicodeScalars.contains(where: needsEscape) else { return string }
        var result = String.UnicodeScalarView()
        for scalar in string.unicodeScalars {
            if needsEscape(scalar) {
                result.append("\\")
                result.append(scalar == "\n" ? "n" : scalar)
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }

    /// `[a-zA-Z_:][a-zA-Z0-9_:]*`, the format's metric name grammar (label names: the same
    /// without `:`).
    static func isValidName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else { return false }
        return name.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: ":"):
                true
            default: false
            }
        }
    }
}
