/// Writes Prometheus text exposition format, version 0.0.4: metric families (name, type, help)
/// with their samples. Label values and help text are escaped as the format requires, so any
/// string may go in. The one writer of `/metrics`: every metric Sluice exports is rendered here.
///
/// Not swift-prometheus's `PrometheusCollectorRegistry`: the proxy's metrics live in per-event-loop
/// cells (`LoopOwnedCounters`, summed at scrape time), and the registry renders only metric
/// objects it made itself (its `PrometheusMetric` protocol is internal), each of which would be
/// written by every loop (its `Histogram.record` takes a lock and its `Counter` a shared atomic
/// per observation). Two writers would make two `/metrics` paths; this one renders it all: the
/// proxy's metrics (`SluiceProxy`) and the controller's (`SluiceController`).
public enum PrometheusExposition {
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// A metric's `# TYPE`.
    public enum MetricType: String, Sendable {
        case counter
        case gauge
        case histogram
    }

    /// One metric family: its `# HELP` and `# TYPE` lines, then one line per sample. A family
    /// with no samples still writes both comment lines.
    public struct Family: Sendable {
        public var name: String
        public var type: MetricType
        public var help: String
        public var samples: [Sample]

        public init(_ name: String, _ type: MetricType, help: String, samples: [Sample]) {
            assert(PrometheusExposition.isValidName(name), "invalid metric name \(name)")
            self.name = name
            self.type = type
            self.help = help
            self.samples = samples
        }

        /// A family of one unlabelled sample.
        public init(_ name: String, _ type: MetricType, help: String, value: some BinaryInteger) {
            self.init(name, type, help: help, samples: [Sample(value)])
        }
    }

    /// One sample line: a suffix of the family's name (a histogram's `_bucket`, `_sum`,
    /// `_count`), labels (in the order given) and a value.
    public struct Sample: Sendable {
        public var suffix: String
        public var labels: [(name: String, value: String)]
        public var value: String

        public init(_ value: some BinaryInteger, labels: [(name: String, value: String)] = [], suffix: String = "") {
            self.init(text: "\(value)", labels: labels, suffix: suffix)
        }

        public init(text value: String, labels: [(name: String, value: String)], suffix: String) {
            assert(labels.allSatisfy { PrometheusExposition.isValidName($0.name) && !$0.name.contains(":") })
            self.suffix = suffix
            self.labels = labels
            self.value = value
        }
    }

    /// The samples of one histogram with `labels`: a cumulative `_bucket` per bound (`le` last
    /// among the labels), `_sum` in seconds and `_count`.
    public static func histogramSamples(
        _ histogram: HistogramSnapshot, buckets: HistogramBuckets, labels: [(name: String, value: String)]
    ) -> [Sample] {
        var samples: [Sample] = []
        samples.reserveCapacity(histogram.buckets.count + 2)
        var cumulative = 0
        for (index, count) in histogram.buckets.enumerated() {
            cumulative &+= count
            samples.append(Sample(cumulative, labels: labels + [(name: "le", value: buckets.label(index))], suffix: "_bucket"))
        }
        samples.append(Sample(text: seconds(nanoseconds: Int64(histogram.sumNanoseconds)), labels: labels, suffix: "_sum"))
        samples.append(Sample(cumulative, labels: labels, suffix: "_count"))
        return samples
    }

    /// `nanoseconds` as seconds in the shortest decimal form (`0.005`, `1`, `2.5`).
    public static func seconds(nanoseconds: Int64) -> String {
        let whole = nanoseconds / 1_000_000_000
        var fraction = (nanoseconds % 1_000_000_000).magnitude
        guard fraction != 0 else { return "\(whole)" }
        var digits = 9
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        let fractionText = String(fraction)
        let sign = nanoseconds < 0 && whole == 0 ? "-" : ""
        return "\(sign)\(whole).\(String(repeating: "0", count: digits - fractionText.count))\(fractionText)"
    }

    /// The exposition text of `families`, in order.
    public static func text(_ families: [Family]) -> String {
        var text = ""
        for family in families {
            text += "# HELP \(family.name) \(escapedHelp(family.help))\n"
            text += "# TYPE \(family.name) \(family.type.rawValue)\n"
            for sample in family.samples {
                text += family.name
                text += sample.suffix
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
    public static func escapedLabelValue(_ value: String) -> String {
        escaped(value, quote: true)
    }

    /// `\` → `\\`, newline → `\n` (a double quote stays as it is).
    public static func escapedHelp(_ help: String) -> String {
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
    public static func isValidName(_ name: String) -> Bool {
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
