#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore

/// Checks that nobody listens on a port before the proxy binds its `SO_REUSEPORT` sockets there.
///
/// Sockets with `SO_REUSEPORT` may share a port with any other such socket of the same user, so a
/// second proxy started on a busy port would silently split the traffic instead of failing. A
/// plain bind (no `SO_REUSEPORT`) of the same address fails with `EADDRINUSE` in that case.
enum PortProbe {
    struct PortInUse: Error, CustomStringConvertible {
        let host: String
        let port: Int
        var description: String { "address \(host):\(port) is already in use" }
    }

    static func ensureFree(host: String, port: Int) throws {
        guard port != 0 else { return }
        let address = try SocketAddress.makeAddressResolvingHost(host, port: port)
        let family: CInt
        switch address {
        case .v4: family = AF_INET
        case .v6: family = AF_INET6
        default: return
        }
        #if canImport(Glibc)
        let fd = socket(family, CInt(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(family, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return }
        defer { close(fd) }
        var one: CInt = 1
        // SO_REUSEADDR like the real listener, so connections lingering in TIME_WAIT don't count.
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<CInt>.size))
        let result = address.withSockAddr { pointer, length in bind(fd, pointer, socklen_t(length)) }
        if result != 0, errno == EADDRINUSE {
            throw PortInUse(host: host, port: port)
        }
    }
}
