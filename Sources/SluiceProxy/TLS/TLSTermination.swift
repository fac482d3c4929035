import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL
import NIOTLS
import SluiceRouting

/// The HTTPS listener's connections: TLS terminated with swift-nio-ssl, then served by the same
/// data plane as plain HTTP (`X-Forwarded-Proto: https`).
///
/// One server context for the process: TLS 1.2 and 1.3 only, Mozilla's "intermediate" cipher
/// list, session tickets on (BoringSSL's default, keys rotated by it), ALPN `http/1.1` (and
/// `h2` with `ProxyConfiguration.http2`). The certificate of each handshake is picked by the
/// client's SNI from the routing table in force on that connection's loop
/// (`CertificateTable`), so a new table's certificates apply to the next handshake and never to
/// connections already open; with no match, the table's default, else the generated one.
///
/// While the table has server names that ask for client certificates (`auth-tls-secret`), each
/// connection's ClientHello is read first (NIO's `SNIHandler`): a name that asks gets a handshake
/// that requests a certificate (``requestingContext``, `ClientCertificateHandshake`), any other
/// the same handshake as without. Without such names no connection pays for the reading.
public final class TLSTermination: Sendable {
    private let dataPlane: ProxyDataPlane
    private let context: NIOSSLContext
    /// `context` that also asks the client for a certificate, without requiring one.
    private let requestingContext: NIOSSLContext
    private let cache: ServingCertificateCache
    /// SHA-256 of the certificate served when no other applies.
    public let generatedCertificateFingerprint: String

    public init(dataPlane: ProxyDataPlane) throws {
        let generated = try GeneratedCertificate.make()
        let cache = ServingCertificateCache()
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(generated.certificatePEM.utf8)).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(generated.privateKeyPEM.utf8), format: .pem)))
        configuration.minimumTLSVersion = .tlsv12
        configuration.maximumTLSVersion = .tlsv13
        configuration.cipherSuiteValues = Self.intermediateCipherSuites
        configuration.applicationProtocols = dataPlane.configuration.http2 ? ["h2", "http/1.1"] : ["http/1.1"]
        configuration.sslContextCallback = { [weak dataPlane] values, promise in
            guard let dataPlane else {
                promise.succeed(.noChanges)
                return
            }
            // Called during the handshake, on the connection's event loop.
            let certificates = dataPlane.loopContext(for: promise.futureResult.eventLoop).routes.table.certificates
            guard let certificate = certificates.certificate(forServerName: values.serverHostname),
                let override = cache.override(for: certificate, current: certificates)
            else {
                promise.succeed(.noChanges)
                return
            }
            promise.succeed(override)
        }
        self.dataPlane = dataPlane
        self.context = try NIOSSLContext(configuration: configuration)
        configuration.certificateVerification = .optionalVerification
        self.requestingContext = try NIOSSLContext(configuration: configuration)
        self.cache = cache
        self.generatedCertificateFingerprint = generated.fingerprint
    }

    /// Mozilla's "intermediate" TLS 1.2 suites that BoringSSL has (it has no DHE), in its order;
    /// TLS 1.3's are not configurable and all good.
    static let intermediateCipherSuites: [NIOTLSCipher] = [
        .TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, .TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        .TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, .TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        .TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, .TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ]

    /// Configures one accepted connection of the HTTPS listener (after its PROXY header, with
    /// `ProxyConfiguration.proxyProtocol`): plain HTTP is answered `400`
    /// (`PlainHTTPOnTLSPortHandler`), a handshake must finish within the header timeout
    /// (`TLSHandshakeDeadline`), and the negotiated protocol's pipeline follows the handshake.
    /// Must be called on the channel's event loop.
    public func configureSynchronously(channel: any Channel) throws {
        guard dataPlane.configuration.proxyProtocol else {
            try configureTLS(channel: channel, client: nil)
            return
        }
        // The PROXY header comes before the TLS handshake.
        try channel.pipeline.syncOperations.addHandler(
            ProxyProtocolHandler(timeout: TimeAmount(dataPlane.configuration.clientHeaderTimeout)) { [self] channel, client in
                try configureTLS(channel: channel, client: client)
            })
    }

    private func configureTLS(channel: any Channel, client: ProxiedClient?) throws {
        let dataPlane = self.dataPlane
        let sync = channel.pipeline.syncOperations
        let hosts = dataPlane.loopContext(for: channel.eventLoop).routes.table.clientCertificateHosts
        try sync.addHandler(PlainHTTPOnTLSPortHandler())
        guard !hosts.isEmpty else {
            try sync.addHandler(NIOSSLServerHandler(context: context))
            try sync.addHandler(TLSHandshakeDeadline(timeout: TimeAmount(dataPlane.configuration.clientHeaderTimeout)))
            try sync.addHandler(negotiation(client: client, clientCertificate: nil))
            return
        }
        let deadline = TLSHandshakeDeadline(timeout: TimeAmount(dataPlane.configuration.clientHeaderTimeout))
        let handshake = NIOLockedValueBox<ClientCertificateHandshake?>(nil)
        let (context, requestingContext) = (self.context, self.requestingContext)
        try sync.addHandler(
            ByteToMessageHandler(SNIHandler { result in
                let serverName: String? = if case .hostname(let name) = result { name } else { nil }
                let trust = hosts.trust(forServerName: serverName)
                let tls: NIOSSLServerHandler
                if let trust {
                    let asking = ClientCertificateHandshake(trust: trust)
                    handshake.withLockedValue { $0 = asking }
                    tls = asking.serverHandler(context: requestingContext)
                } else {
                    tls = NIOSSLServerHandler(context: context)
                }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(tls, position: .before(deadline))
                }
            }))
        try sync.addHandler(deadline)
        try sync.addHandler(negotiation(client: client) { handshake.withLockedValue { $0 }?.facts })
    }

    /// The pipeline of the protocol the handshake negotiated. `clientCertificate`: what the
    /// handshake established of the client's certificate, read once it is done.
    private func negotiation(
        client: ProxiedClient?, clientCertificate: (@Sendable () -> ClientCertificateFacts?)?
    ) -> ApplicationProtocolNegotiationHandler {
        let dataPlane = self.dataPlane
        return ApplicationProtocolNegotiationHandler { result, channel in
            channel.eventLoop.makeCompletedFuture {
                let certificate = clientCertificate?()
                if case .negotiated("h2") = result, dataPlane.configuration.http2 {
                    try dataPlane.configureHTTP2Synchronously(channel: channel, secure: true, client: client, clientCertificate: certificate)
                } else {
                    try dataPlane.configureHTTP1Synchronously(channel: channel, secure: true, client: client, clientCertificate: certificate)
                }
            }
        }
    }
}
