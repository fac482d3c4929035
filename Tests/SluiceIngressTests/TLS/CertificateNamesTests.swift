@testable import SluiceIngress
import Testing

@Suite("SAN coverage of Ingress hosts (RFC 6125)")
struct CertificateNamesTests {
    @Test(arguments: [
        (["foo.com"], "foo.com", true),
        (["foo.com"], "FOO.com", true),
        (["Foo.COM."], "foo.com", true),
        (["foo.com"], "bar.foo.com", false),
        (["*.foo.com"], "bar.foo.com", true),
        (["*.foo.com"], "baz.bar.foo.com", false),
        (["*.foo.com"], "foo.com", false),
        (["*.foo.com"], "*.foo.com", true),
        (["bar.foo.com"], "*.foo.com", false),
        (["*.com"], "foo.com", false),
        (["b*.foo.com"], "bar.foo.com", false),
        (["*.*.foo.com"], "a.b.foo.com", false),
        (["foo.com", "*.bar.com"], "x.bar.com", true),
        ([], "foo.com", false),
    ])
    func coverage(names: [String], host: String, covered: Bool) {
        #expect(CertificateNames(dnsNames: names).covers(host) == covered, "\(names) covers \(host)")
    }
}
