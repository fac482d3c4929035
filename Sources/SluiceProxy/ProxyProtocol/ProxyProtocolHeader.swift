import NIOCore
import SluiceRouting

/// The PROXY protocol header a load balancer sends before a connection's first byte (HAProxy's
/// specification, versions 1 and 2): who the client is, since the socket only shows the load
/// balancer. Parsed from the connection's first bytes; pure.
enum ProxyProtocolHeader: Equatable {
    /// The header says who the client is.
    case client(address: IPAddress, text: String, length: Int)
    /// A valid header that names no client (v1 `UNKNOWN`, v2 `LOCAL` or an unspecified family,
    /// such as a load balancer's health check): the socket's peer stands.
    case unnamed(length: Int)

    enum Failure: Error, Equatable {
        /// More bytes are needed.
        case incomplete
        /// Not a PROXY protocol header: the connection is closed.
        case invalid(String)
    }

    /// v2's 12-byte signature.
    static let signature: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A]
    /// A v1 line is at most 107 bytes, CRLF included.
    static let maximumV1Length = 107

    static func parse(_ buffer: ByteBuffer) -> Result<ProxyProtocolHeader, Failure> {
        let bytes = Array(buffer.readableBytesView.prefix(maximumV1Length + 200))
        if bytes.first == signature[0] {
            return parseV2(bytes)
        }
        return parseV1(bytes)
    }

    private static func parseV1(_ bytes: [UInt8]) -> Result<ProxyProtocolHeader, Failure> {
        let prefix = Array("PROXY ".utf8)
        guard bytes.starts(with: prefix.prefix(min(bytes.count, prefix.count))) else { return .failure(.invalid("not a PROXY protocol header")) }
        guard let cr = bytes.firstIndex(where: { $0 == 0x0D || $0 == 0x0A }) else {
            return bytes.count >= maximumV1Length ? .failure(.invalid("PROXY v1 line too long")) : .failure(.incomplete)
        }
        guard bytes[cr] == 0x0D else { return .failure(.invalid("PROXY v1 line not ended by CRLF")) }
        guard cr + 1 < bytes.count else { return .failure(.incomplete) }
        guard bytes[cr + 1] == 0x0A, cr + 2 <= maximumV1Length else { return .failure(.invalid("PROXY v1 line not ended by CRLF")) }
        let line = String(decoding: bytes[..<cr], as: UTF8.self)
        let parts = line.split(separator: " ", omittingEmptySubsequences: false)
        let length = cr + 2
        if parts.count >= 2, parts[1] == "UNKNOWN" { return .success(.unnamed(length: length)) }
        guard parts.count == 6, parts[1] == "TCP4" || parts[1] == "TCP6",
            let address = IPAddress(String(parts[2])), address.isIPv4 == (parts[1] == "TCP4"),
            IPAddress(String(parts[3])) != nil, UInt16(parts[4]) != nil, UInt16(parts[5]) != nil
        else { return .failure(.invalid("malformed PROXY v1 line")) }
        return .success(.client(address: address, text: String(parts[2]), length: length))
    }

    private static func parseV2(_ bytes: [UInt8]) -> Result<ProxyProtocolHeader, Failure> {
        guard bytes.count >= 16 else {
            return bytes.starts(with: signature.prefix(bytes.count)) ? .failure(.incomplete) : .failure(.invalid("not a PROXY protocol header"))
        }
        guard bytes.starts(with: signature) else { return .failure(.invalid("not a PROXY protocol header")) }
        guard bytes[12] >> 4 == 2 else { return .failure(.invalid("PROXY v2 header of another version")) }
        let command = bytes[12] & 0x0F
        let length = 16 + Int(bytes[14]) << 8 + Int(bytes[15])
        guard command <= 1 else { return .failure(.invalid("PROXY v2 header with an unknown command")) }
        guard bytes.count >= length else { return .failure(.incomplete) }
        guard command == 1 else { return .success(.unnamed(length: length)) }
        switch bytes[13] {
        case 0x11, 0x12:  // TCP or UDP over IPv4
            guard length >= 16 + 12 else { return .failure(.invalid("PROXY v2 IPv4 addresses cut short")) }
            let value = bytes[16..<20].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            let address = IPAddress(ipv4: value)
            return .success(.client(address: address, text: address.description, length: length))
        case 0x21, 0x22:  // TCP or UDP over IPv6
            guard length >= 16 + 36 else { return .failure(.invalid("PROXY v2 IPv6 addresses cut short")) }
            let b = Array(bytes[16..<32])
            let address = IPAddress(ipv6: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]))
            return .success(.client(address: address, text: address.description, length: length))
        default:
            return .success(.unnamed(length: length))
        }
    }
}
