import NIOCore
import SluiceRouting
import Testing

@testable import SluiceProxy

/// The PROXY protocol header as a table: v1 lines and v2 binary headers, complete, cut short,
/// naming no client, and malformed.
@Suite("PROXY protocol header")
struct ProxyProtocolHeaderTests {
    private static func parse(_ bytes: [UInt8]) -> Result<ProxyProtocolHeader, ProxyProtocolHeader.Failure> {
        ProxyProtocolHeader.parse(ByteBuffer(bytes: bytes))
    }

    private static func v2(command: UInt8 = 0x21, family: UInt8, addresses: [UInt8], tail: [UInt8] = []) -> [UInt8] {
        let length = addresses.count
        return ProxyProtocolHeader.signature + [command, family, UInt8(length >> 8), UInt8(length & 0xFF)] + addresses + tail
    }

    @Test(arguments: [
        ("PROXY TCP4 203.0.113.7 10.0.0.1 51000 443\r\nGET /", "203.0.113.7", 43),
        ("PROXY TCP6 2001:db8::7 2001:db8::1 51000 443\r\n", "2001:db8::7", 46),
    ])
    func aV1LineNamesTheClient(text: String, client: String, length: Int) throws {
        guard case .success(.client(let address, let spelled, let headerLength)) = Self.parse(Array(text.utf8)) else {
            Issue.record("\(text.debugDescription) not parsed")
            return
        }
        #expect(address == IPAddress(client))
        #expect(spelled == client)
        #expect(headerLength == length)
    }

    @Test func aV2HeaderNamesTheClient() throws {
        let v4 = Self.v2(family: 0x11, addresses: [203, 0, 113, 7, 10, 0, 0, 1, 0xC7, 0x38, 0x01, 0xBB], tail: Array("GET".utf8))
        #expect(Self.parse(v4) == .success(.client(address: IPAddress("203.0.113.7")!, text: "203.0.113.7", length: 28)))
        var v6Addresses = [UInt8](repeating: 0, count: 36)
        v6Addresses[0] = 0x20
        v6Addresses[1] = 0x01
        v6Addresses[2] = 0x0D
        v6Addresses[3] = 0xB8
        v6Addresses[15] = 7
        #expect(Self.parse(Self.v2(family: 0x21, addresses: v6Addresses)) == .success(.client(address: IPAddress("2001:db8::7")!, text: "2001:db8::7", length: 52)))
    }

    /// A health check (v2 `LOCAL`) or an unknown family names no client: the socket's peer stands.
    @Test func aHeaderNamingNoClient() {
        #expect(Self.parse(Array("PROXY UNKNOWN\r\n".utf8)) == .success(.unnamed(length: 15)))
        #expect(Self.parse(Self.v2(command: 0x20, family: 0x00, addresses: [])) == .success(.unnamed(length: 16)))
    }

    @Test(arguments: ["PROX", "PROXY TCP4 203.0.113.7", "PROXY TCP4 203.0.113.7 10.0.0.1 51000 443\r"])
    func aV1LineCutShortWaitsForMore(text: String) {
        #expect(Self.parse(Array(text.utf8)) == .failure(.incomplete))
    }

    @Test func aV2HeaderCutShortWaitsForMore() {
        #expect(Self.parse(Array(ProxyProtocolHeader.signature.prefix(7))) == .failure(.incomplete))
        let full = Self.v2(family: 0x11, addresses: [203, 0, 113, 7, 10, 0, 0, 1, 0xC7, 0x38, 0x01, 0xBB])
        #expect(Self.parse(Array(full.prefix(20))) == .failure(.incomplete))
    }

    @Test(arguments: [
        "GET / HTTP/1.1\r\n", "PROXY TCP4 203.0.113.7 10.0.0.1 51000\r\n", "PROXY TCP4 2001:db8::7 10.0.0.1 1 2\r\n",
        "PROXY TCP4 300.0.113.7 10.0.0.1 1 2\r\n", "PROXY TCP4 203.0.113.7 10.0.0.1 1 99999\r\n", "PROXY TCP4 a b c d\r\n",
        "PROXY TCP4 203.0.113.7 10.0.0.1 1 2\n", String(repeating: "PROXY ", count: 20),
    ])
    func anythingElseIsRefused(text: String) {
        guard case .failure(.invalid) = Self.parse(Array(text.utf8)) else {
            Issue.record("\(text.debugDescription) accepted")
            return
        }
    }
}
