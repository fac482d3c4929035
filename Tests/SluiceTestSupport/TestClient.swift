import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import X509

/// A raw TCP client for proxy tests: sends whatever bytes a test writes (well-formed HTTP or not)
/// and records what comes back, so a test can wait for exactly the bytes it expects, read
/// responses one at a time, or stop reading altogether (`autoRead: false`) to exert backpressure.
public final class TestClient: Sendable {
    private let channel: any Channel
    private let inbox: TestClientInbox

    private init(channel: any Channel, inbox: TestClientInbox) {
        self.channel = channel
        self.inbox = inbox
    }

    /// Connects to `127.0.0.1:port`. With `autoRead` false nothing is read until `startReading()`.
    /// With `tls`, over TLS (the client verifies the server against `tls.trustRootPEM`), and what
    /// is sent and recorded is the plaintext.
    public static func connect(
        port: Int,
        autoRead: Bool = true,
        tls: TestClientTLS? = nil,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> TestClient {
        let inbox = TestClientInbox()
        let context = try tls.map { try $0.makeContext() }
        let channel = try await ClientBootstrap(group: group)
            .channelOption(.autoRead, value: autoRead)
            // Over TLS not: swift-nio-ssl then takes the server's close_notify for a half-close
            // and lets a close wait for its 5 s shutdown timeout.
            .channelOption(.allowRemoteHalfClosure, value: tls == nil)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let context {
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: context, serverHostname: tls?.serverName))
                    }
                    try channel.pipeline.syncOperations.addHandler(TestClientRecorder(inbox: inbox))
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        return TestClient(channel: channel, inbox: inbox)
    }

    /// The common name of the certificate a TLS server presented (nil: none, or not TLS).
    public func peerCertificateCommonName() async throws -> String? {
        let channel = self.channel
        let der = try await channel.eventLoop.submit {
            try channel.pipeline.syncOperations.handler(type: NIOSSLClientHandler.self).peerCertificate?.toDERBytes()
        }.get()
        guard let der else { return nil }
        let certificate = try Certificate(derEncoded: der)
        return certificate.subject.flatMap { $0 }.first { $0.type == .RDNAttributeType.commonName }.map { "\($0.value)" }
    }

    public func send(_ text: String) async throws {
        try await send(channel.allocator.buffer(string: text))
    }

    public func send(_ bytes: [UInt8]) async throws {
        try await send(channel.allocator.buffer(bytes: bytes))
    }

    public func send(_ buffer: ByteBuffer) async throws {
        try await channel.writeAndFlush(buffer)
    }

    /// Half-closes: no more bytes from this client.
    public func shutdownOutput() async throws {
        try await channel.close(mode: .output)
    }

    public func close() async {
        try? await channel.close()
    }

    /// Turns reading on (after connecting with `autoRead: false`).
    public func startReading() async throws {
        try await channel.setOption(.autoRead, value: true).get()
        channel.read()
    }

    /// Keeps only a count of further bytes instead of the bytes themselves (for large bodies).
    public func stopRecordingBytes() {
        inbox.stopRecording()
    }

    /// Everything received and not yet consumed by `readResponse`, as text.
    public var receivedText: String { inbox.snapshot().text }

    /// Unconsumed received bytes.
    public var receivedBytes: [UInt8] { inbox.snapshot().bytes }

    /// All bytes received since connecting (recorded or only counted).
    public var receivedByteCount: Int { inbox.snapshot().totalBytes }

    /// Whether the proxy closed (or half-closed) the connection.
    public var isClosed: Bool { inbox.snapshot().closed }

    /// Waits until `condition` holds for what was received; throws `TestClientError.timeout`.
    public func waitUntil(
        timeout: Duration = .seconds(10),
        _ condition: @Sendable (TestClientSnapshot) -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition(inbox.snapshot()) {
            if ContinuousClock.now >= deadline {
                throw TestClientError.timeout(received: String(inbox.snapshot().text.prefix(2000)))
            }
            try await Task.sleep(for: .milliseconds(2))
        }
    }

    /// Waits until the received text contains `text`.
    public func waitForText(_ text: String, timeout: Duration = .seconds(10)) async throws {
        try await waitUntil(timeout: timeout) { $0.text.contains(text) }
    }

    /// Waits until the proxy closes the connection.
    public func waitForClose(timeout: Duration = .seconds(10)) async throws {
        try await waitUntil(timeout: timeout) { $0.closed }
    }

    /// Waits for one complete response and removes it from the received bytes.
    public func readResponse(timeout: Duration = .seconds(10), headRequest: Bool = false) async throws -> TestClientResponse {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let (response, consumed) = inbox.withBytes({ bytes, closed in
                TestClientResponse.parse(bytes, connectionClosed: closed, headRequest: headRequest)
            }) {
                inbox.consume(consumed)
                return response
            }
            if ContinuousClock.now >= deadline {
                throw TestClientError.timeout(received: String(inbox.snapshot().text.prefix(2000)))
            }
            try await Task.sleep(for: .milliseconds(2))
        }
    }

    /// Removes the first `count` received bytes (what a test has already looked at).
    public func consume(_ count: Int) {
        inbox.consume(count)
    }
}

public enum TestClientError: Error, CustomStringConvertible {
    case timeout(received: String)

    public var description: String {
        switch self {
        case .timeout(let received): return "timed out waiting; received so far: \(received.debugDescription)"
        }
    }
}

/// What a `TestClient` has received at one moment.
public struct TestClientSnapshot: Sendable {
    /// Unconsumed bytes (empty once recording stopped).
    public var bytes: [UInt8]
    public var totalBytes: Int
    public var closed: Bool

    /// Unconsumed bytes decoded as UTF-8.
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}

final class TestClientInbox: Sendable {
    private struct State {
        var bytes: [UInt8] = []
        var total = 0
        var closed = false
        var recording = true
    }

    private let state = NIOLockedValueBox(State())

    func append(_ buffer: ByteBuffer) {
        state.withLockedValue {
            $0.total += buffer.readableBytes
            if $0.recording { $0.bytes.append(contentsOf: buffer.readableBytesView) }
        }
    }

    func markClosed() { state.withLockedValue { $0.closed = true } }

    func stopRecording() {
        state.withLockedValue {
            $0.recording = false
            $0.bytes.removeAll()
        }
    }

    func consume(_ count: Int) {
        state.withLockedValue { $0.bytes.removeFirst(min(count, $0.bytes.count)) }
    }

    func snapshot() -> TestClientSnapshot {
        state.withLockedValue {
            TestClientSnapshot(bytes: $0.bytes, totalBytes: $0.total, closed: $0.closed)
        }
    }

    func withBytes<T>(_ body: ([UInt8], Bool) -> T) -> T {
        state.withLockedValue { body($0.bytes, $0.closed) }
    }
}

final class TestClientRecorder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let inbox: TestClientInbox

    init(inbox: TestClientInbox) {
        self.inbox = inbox
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        inbox.append(unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        inbox.markClosed()
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, case .inputClosed = event {
            inbox.markClosed()
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

@available(*, unavailable)
extension TestClientRecorder: Sendable {}

/// How a ``TestClient`` speaks TLS: the root it trusts, and the server name it sends (SNI and the
/// name it verifies; nil: none sent, and the name is not checked).
public struct TestClientTLS: Sendable {
    public let trustRootPEM: String
    public let serverName: String?

    public init(trustRootPEM: String, serverName: String?) {
        self.trustRootPEM = trustRootPEM
        self.serverName = serverName
    }

    func makeContext() throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(trustRootPEM.utf8)))
        if serverName == nil { configuration.certificateVerification = .noHostnameVerification }
        return try NIOSSLContext(configuration: configuration)
    }
}
