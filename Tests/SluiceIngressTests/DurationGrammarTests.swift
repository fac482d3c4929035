import SluiceIngress
import Testing

@Suite("Duration grammar")
struct DurationGrammarTests {
    @Test(arguments: [
        ("300s", Duration.seconds(300)), ("5m", .seconds(300)), ("1h", .seconds(3600)),
        ("1500ms", .milliseconds(1500)), ("60", .seconds(60)), ("007s", .seconds(7)),
        ("1ms", .milliseconds(1)), ("168h", .seconds(604_800)), ("604800", .seconds(604_800)),
        ("10080m", .seconds(604_800)), ("604800000ms", .seconds(604_800)),
    ])
    func accepts(text: String, expected: Duration) throws {
        #expect(try DurationGrammar.parse(text).get() == expected)
    }

    @Test(arguments: [
        ("", "empty"), ("-5s", "negative"), ("-1", "negative"), ("+5s", "not a duration"),
        ("5 s", "not a duration"), (" 5s", "not a duration"), ("5s ", "not a duration"),
        ("1.5s", "not a duration"), ("1h30m", "not a duration"), ("5S", "not a duration"),
        ("5d", "not a duration"), ("s", "not a duration"), ("ms", "not a duration"), ("abc", "not a duration"),
        ("0x10", "not a duration"), ("１０s", "not a duration"),
        ("604801", "more than 7 days"), ("169h", "more than 7 days"), ("604800001ms", "more than 7 days"),
        ("99999999999999999999", "more than 7 days"), ("9223372036854775807h", "more than 7 days"),
        ("0", "zero is not allowed here"), ("0ms", "zero is not allowed here"),
    ])
    func rejects(text: String, problem: String) {
        #expect(DurationGrammar.parse(text) == .failure(GrammarFailure(problem)))
    }

    @Test func zeroOnlyWhereAllowed() throws {
        #expect(try DurationGrammar.parse("0", allowZero: true).get() == .zero)
        #expect(try DurationGrammar.parse("0s", allowZero: true).get() == .zero)
    }

    @Test(arguments: [("60", Duration.seconds(60)), ("3600", .seconds(3600)), ("1", .seconds(1))])
    func nginxSecondsAccepts(text: String, expected: Duration) throws {
        #expect(try DurationGrammar.parseSeconds(text).get() == expected)
    }

    @Test(arguments: [
        ("60s", "not a whole number of seconds"), ("", "empty"), ("-1", "negative"), ("1.5", "not a whole number of seconds"),
        ("0", "zero is not allowed here"), ("604801", "more than 7 days"),
    ])
    func nginxSecondsRejects(text: String, problem: String) {
        #expect(DurationGrammar.parseSeconds(text) == .failure(GrammarFailure(problem)))
    }
}
