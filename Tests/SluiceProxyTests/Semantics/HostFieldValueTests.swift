import Testing

@testable import SluiceProxy

@Suite("Host field value")
struct HostFieldValueTests {
    @Test(arguments: [
        ("example.com", "example.com"), ("Example.COM:8080", "Example.COM:8080"), ("", ""),
        (" restricted.example ", "restricted.example"), ("restricted.example\t", "restricted.example"),
        ("10.0.0.1:80", "10.0.0.1:80"), ("[::1]", "[::1]"), ("[2001:db8::1]:443", "[2001:db8::1]:443"),
        ("a_b.example", "a_b.example"), ("xn--bcher-kva.example", "xn--bcher-kva.example"), ("host:", "host:"),
    ])
    func hostsAreTrimmedForRouting(_ value: String, _ host: String) {
        #expect(HostFieldValue.routingHost(Substring(value)) == Substring(host))
    }

    @Test(arguments: [
        "a.example/evil", "a b", "a, b", ":abc", "a:8o", "a@b", "a?b", "a#b", "a\\b", "[::1", "[]", "[zz]", "a:1:2",
        "a\u{0}b", "é.example",
    ])
    func otherValuesAreRefused(_ value: String) {
        #expect(HostFieldValue.routingHost(Substring(value)) == nil)
    }
}
