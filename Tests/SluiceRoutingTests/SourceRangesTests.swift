import SluiceRouting
import Testing

/// Allow and deny lists as tables: CIDR parsing, IPv4 and IPv6, the two families kept apart
/// (an IPv4-mapped client is IPv4), deny before allow, an unknown client refused.
@Suite("Source ranges")
struct SourceRangesTests {
    private static func address(_ text: String) -> IPAddress { IPAddress(text)! }
    private static func range(_ text: String) -> AddressRange { AddressRange(Substring(text))! }

    @Test(arguments: [
        ("10.0.0.0/8", "10.200.3.4", true), ("10.0.0.0/8", "11.0.0.1", false),
        ("192.168.1.7", "192.168.1.7", true), ("192.168.1.7", "192.168.1.8", false),
        ("192.168.1.77/24", "192.168.1.3", true),  // host bits ignored, as nginx does
        ("0.0.0.0/0", "203.0.113.9", true), ("0.0.0.0/0", "2001:db8::1", false),
        ("2001:db8::/32", "2001:db8:ffff::1", true), ("2001:db8::/32", "2001:db9::1", false),
        ("::/0", "2001:db8::1", true), ("::/0", "203.0.113.9", false),
        ("::1", "::1", true), ("fe80::/10", "fe80::1:2", true), ("fe80::/10", "fec0::1", false),
        ("10.0.0.0/8", "::ffff:10.1.2.3", true),  // a dual-stack socket's IPv4 client
        ("2001:db8::/127", "2001:db8::1", true), ("2001:db8::/127", "2001:db8::2", false),
        ("1.2.3.4/32", "1.2.3.4", true), ("1.2.3.4/31", "1.2.3.5", true), ("1.2.3.4/31", "1.2.3.6", false),
    ])
    func aRangeContainsItsAddressesOnly(range: String, address: String, contained: Bool) {
        #expect(Self.range(range).contains(Self.address(address)) == contained)
    }

    @Test(arguments: ["", "10.0.0.0/33", "::/129", "10.0.0/8", "10.0.0.0/", "10.0.0.0/-1", "host", "10.0.0.0/8/1", "1.2.3.4/08a"])
    func notARange(text: String) {
        #expect(AddressRange(Substring(text)) == nil)
    }

    @Test func denyComesBeforeAllowAndAnUnknownClientIsRefused() {
        let ranges = SourceRanges(allow: [Self.range("10.0.0.0/8")], deny: [Self.range("10.9.0.0/16")])
        #expect(ranges.permits(Self.address("10.1.0.1")))
        #expect(!ranges.permits(Self.address("10.9.0.1")))
        #expect(!ranges.permits(Self.address("192.0.2.1")))
        #expect(!ranges.permits(nil))
        let denyOnly = SourceRanges(deny: [Self.range("192.0.2.0/24")])
        #expect(denyOnly.permits(Self.address("198.51.100.1")))
        #expect(!denyOnly.permits(Self.address("192.0.2.200")))
    }

    /// cert-manager's HTTP-01 challenge Ingress: every address, both families.
    @Test func everyAddressRestrictsNothing() {
        let all = SourceRanges(allow: [Self.range("0.0.0.0/0"), Self.range("::/0")])
        for text in ["203.0.113.9", "2001:db8::1", "::ffff:10.1.2.3", "::1", "127.0.0.1"] {
            #expect(all.permits(Self.address(text)), "\(text)")
        }
    }

    @Test func rangesPrintAsCIDRs() {
        #expect(Self.range("10.1.2.3/8").description == "10.1.2.3/8")
        #expect(Self.range("2001:db8::/32").description == "2001:db8::/32")
        #expect(Self.range("::1").description == "::1/128")
    }
}

/// nginx's `real_ip_recursive on` as a table: from the right, the first address that is not a
/// trusted proxy.
@Suite("Real client address")
struct RealClientAddressTests {
    private static let trusted = [AddressRange("10.0.0.0/8")!, AddressRange("2001:db8::/32")!]

    @Test(arguments: [
        ("203.0.113.7", "203.0.113.7"), ("198.51.100.1, 203.0.113.7", "203.0.113.7"),
        ("203.0.113.7, 10.0.0.5", "203.0.113.7"), ("198.51.100.1, 203.0.113.7, 10.1.1.1, 2001:db8::9", "203.0.113.7"),
        ("10.0.0.9, 10.0.0.5", "10.0.0.9"),
    ])
    func theRightmostUntrustedAddressIsTheClient(chain: String, client: String) {
        let elements = chain.split(separator: ",").map { $0.drop { $0 == " " } }
        #expect(RealClientAddress.text(in: elements, trusted: Self.trusted) == client)
        #expect(RealClientAddress.resolve(peer: IPAddress("10.9.9.9"), chain: elements, trusted: Self.trusted) == IPAddress(client))
    }

    @Test func anUntrustedPeerIsTheClientWhateverItSays() {
        #expect(RealClientAddress.resolve(peer: IPAddress("192.0.2.1"), chain: ["10.0.0.1"], trusted: Self.trusted) == IPAddress("192.0.2.1"))
        #expect(RealClientAddress.resolve(peer: IPAddress("10.0.0.1"), chain: [], trusted: Self.trusted) == IPAddress("10.0.0.1"))
    }

    @Test func aGarbledElementIsNoClient() {
        #expect(RealClientAddress.text(in: ["203.0.113.7", "garbage", "10.0.0.5"], trusted: Self.trusted) == nil)
        #expect(RealClientAddress.resolve(peer: IPAddress("10.0.0.1"), chain: ["garbage"], trusted: Self.trusted) == nil)
    }
}
