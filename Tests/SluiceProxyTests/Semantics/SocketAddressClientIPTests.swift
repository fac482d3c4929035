import NIOCore
import Testing

@testable import SluiceProxy

/// The client address for the forwarding fields: IPv4 is formatted by the proxy itself, and must
/// read exactly as `inet_ntop` (through `ipAddress`) has it.
@Suite("Client IP text")
struct SocketAddressClientIPTests {
    @Test(arguments: ["0.0.0.0", "127.0.0.1", "10.0.5.255", "192.168.100.9", "255.255.255.255", "1.20.199.200"])
    func ipv4ReadsAsInetNtopWritesIt(_ text: String) throws {
        let address = try SocketAddress(ipAddress: text, port: 80)
        #expect(address.clientIPText == text)
        #expect(address.clientIPText == address.ipAddress)
    }

    @Test func ipv6GoesThroughInetNtop() throws {
        let address = try SocketAddress(ipAddress: "2001:db8::1", port: 80)
        #expect(address.clientIPText == "2001:db8::1")
    }
}
