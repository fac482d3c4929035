import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL

/// A fake Kubernetes API server on 127.0.0.1 (an ephemeral port) speaking the LIST / WATCH /
/// write protocol as a real kube-apiserver does (see KUBE-API.md): paginated lists whose items
/// lack `kind`/`apiVersion`, WATCH as chunked JSON lines with bookmarks and 410 ERROR events,
/// merge-patch on `/status`, optimistic concurrency on PUT, bearer-token checks, and scripted
/// faults. HTTPS with the certificates of ``FakeKubeTLS``.
///
/// HTTP/1.1 by default. With `http2: true` (HTTPS only) it offers `h2` and `http/1.1` by ALPN, as
/// a real API server does, and serves every HTTP/2 stream with the same request handling; the
/// request log records the protocol and the connection of each request.
///
/// Use ``withServer(tls:acceptedTokens:http2:_:)`` so the server is always shut down.
public final class FakeKubeAPIServer: Sendable {
    /// HTTPS modes.
    public enum TLSMode: Sendable {
        /// Server certificate for 127.0.0.1/localhost signed by ``FakeKubeTLS/caCertificate``.
        case serverOnly
        /// As `serverOnly`, and clients must present a certificate signed by the same CA.
        case mutual
    }

    /// The bearer token accepted by default.
    public static let defaultToken = "test-token"

    let state: NIOLockedValueBox<FakeKubeServerState>
    private let group: MultiThreadedEventLoopGroup
    private let serverChannel: any Channel
    /// `http://127.0.0.1:PORT` or `https://127.0.0.1:PORT`.
    public let baseURL: String
    public let port: Int

    private init(
        state: NIOLockedValueBox<FakeKubeServerState>, group: MultiThreadedEventLoopGroup, serverChannel: any Channel,
        scheme: String
    ) {
        self.state = state
        self.group = group
        self.serverChannel = serverChannel
        self.port = serverChannel.localAddress?.port ?? 0
        self.baseURL = "\(scheme)://127.0.0.1:\(port)"
    }

    /// `http2: true` without `tls`: HTTP/2 is offered only by ALPN, which needs TLS.
    public struct HTTP2RequiresTLS: Error {}

    /// Starts a server. `acceptedTokens: nil` serves requests without credentials. `http2: true`
    /// (with `tls` only) offers `h2` as well as `http/1.1`.
    public static func start(
        tls: TLSMode? = nil, acceptedTokens: Set<String>? = [defaultToken], http2: Bool = false
    ) async throws -> FakeKubeAPIServer {
        guard !http2 || tls != nil else { throw HTTP2RequiresTLS() }
        let sslContext = try tls.map { try makeSSLContext($0, http2: http2) }
        let state = NIOLockedValueBox(FakeKubeServerState(acceptedTokens: acceptedTokens))
        let pipeline = FakeKubeConnectionPipeline(sslContext: sslContext, http2: http2, state: state)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            let channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { pipeline.configure($0) }
                .bind(host: "127.0.0.1", port: 0).get()
            return FakeKubeAPIServer(state: state, group: group, serverChannel: channel, scheme: tls == nil ? "http" : "https")
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// Runs `body` with a started server and shuts it down afterwards, whatever happens.
    @discardableResult
    public static func withServer<Result: Sendable>(
        tls: TLSMode? = nil, acceptedTokens: Set<String>? = [defaultToken], http2: Bool = false,
        _ body: (FakeKubeAPIServer) async throws -> Result
    ) async throws -> Result {
        let server = try await start(tls: tls, acceptedTokens: acceptedTokens, http2: http2)
        do {
            let result = try await body(server)
            try await server.shutdown()
            return result
        } catch {
            try? await server.shutdown()
            throw error
        }
    }

    /// Closes the listener and every connection.
    public func shutdown() async throws {
        releaseHeldAnswers()
        try? await serverChannel.close()
        try await group.shutdownGracefully()
    }

    private static func makeSSLContext(_ mode: TLSMode, http2: Bool) throws -> NIOSSLContext {
        let chain = try NIOSSLCertificate.fromPEMBytes(Array(FakeKubeTLS.serverCertificate.utf8)).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(bytes: Array(FakeKubeTLS.serverKey.utf8), format: .pem)
        var configuration: TLSConfiguration
        switch mode {
        case .serverOnly:
            configuration = .makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        case .mutual:
            let ca = try NIOSSLCertificate.fromPEMBytes(Array(FakeKubeTLS.caCertificate.utf8))
            configuration = .makeServerConfigurationWithMTLS(
                certificateChain: chain, privateKey: .privateKey(key), trustRoots: .certificates(ca))
        }
        configuration.applicationProtocols = http2 ? ["h2", "http/1.1"] : ["http/1.1"]
        // Closing sends close_notify and closes the socket at once, without waiting for the
        // client's close_notify (libcurl 7.88 sends none mid-HTTP/2), as a dying server would.
        configuration.shutdownTimeout = .zero
        return try NIOSSLContext(configuration: configuration)
    }
}
