import Testing

@testable import SluiceMetrics

@Suite struct PrometheusExpositionTests {
    @Test func aFamilyIsHelpTypeThenOneLinePerSample() {
        let text = PrometheusExposition.text([
            .init("demo_total", .counter, help: "Things done.", value: 3),
            .init(
                "demo_open", .gauge, help: "Open now.",
                samples: [.init(1, labels: [("loop", "0"), ("kind", "tcp")]), .init(-2, labels: [("loop", "1")])]),
        ])
        #expect(
            text == """
                # HELP demo_total Things done.
                # TYPE demo_total counter
                demo_total 3
                # HELP demo_open Open now.
                # TYPE demo_open gauge
                demo_open{loop="0",kind="tcp"} 1
                demo_open{loop="1"} -2

                """)
    }

    @Test func aFamilyWithoutSamplesKeepsItsHelpAndType() {
        #expect(
            PrometheusExposition.text([.init("demo", .gauge, help: "None yet.", samples: [])])
                == "# HELP demo None yet.\n# TYPE demo gauge\n")
    }

    @Test(arguments: [
        ("plain", "plain"),
        (#"C:\dir"#, #"C:\\dir"#),
        (#"say "hi""#, #"say \"hi\""#),
        ("two\nlines", #"two\nlines"#),
        ("crlf\r\nend", "crlf\r\\nend"),
        (#"all \ " "# + "\n", #"all \\ \" \n"#),
    ])
    func labelValuesEscapeBackslashQuoteAndNewline(raw: String, escaped: String) {
        #expect(PrometheusExposition.escapedLabelValue(raw) == escaped)
        let line = PrometheusExposition.text([.init("m", .gauge, help: "h", samples: [.init(1, labels: [("l", raw)])])])
            .split(separator: "\n", omittingEmptySubsequences: false)[2]
        #expect(line == "m{l=\"\(escaped)\"} 1")
    }

    @Test(arguments: [
        ("plain", "plain"),
        (#"C:\dir"#, #"C:\\dir"#),
        (#"say "hi""#, #"say "hi""#),
        ("two\nlines", #"two\nlines"#),
    ])
    func helpEscapesBackslashAndNewlineOnly(raw: String, escaped: String) {
        #expect(PrometheusExposition.escapedHelp(raw) == escaped)
        #expect(PrometheusExposition.text([.init("m", .gauge, help: raw, samples: [])]).hasPrefix("# HELP m \(escaped)\n# TYPE"))
    }

    @Test func metricNames() {
        #expect(PrometheusExposition.isValidName("sluice_requests_total"))
        #expect(PrometheusExposition.isValidName("ns:rule_name"))
        #expect(PrometheusExposition.isValidName("_x9"))
        #expect(!PrometheusExposition.isValidName(""))
        #expect(!PrometheusExposition.isValidName("9lives"))
        #expect(!PrometheusExposition.isValidName("with-dash"))
        #expect(!PrometheusExposition.isValidName("with space"))
    }
}
