import NIOCore
import NIOHTTP1
import SluiceRouting

/// Asks an external auth service one question over a connection of the event loop's upstream
/// pool: the auth service is one more upstream, its connections kept alive between checks
/// (`ExternalAuthKeepAlive`) and over TLS for an `https://` URL, as a route's backend's are.
///
/// The answer's head is taken, its body read to the end and dropped (at most
/// ``maxBodyBytes``: beyond, the connection closes), and the connection goes back to the pool
/// when both sides keep it alive. A reused connection that closes before answering (the service
/// closed it while idle) is replaced by a new one once: nothing was processed.
final class ExternalAuthClient: UpstreamResponseDelegate {
    /// Bytes of an answer's body read through to keep its connection; a longer body closes it.
    static let maxBodyBytes = 64 * 1024

    private let loop: ProxyLoopContext
    private let request: UpstreamRequestHead
    private let endpoint: Endpoint
    private let tls: UpstreamTLSClient?
    private let keepAlive: ExternalAuthKeepAlive?
    private let connectTimeout: TimeAmount
    private let responseTimeout: TimeAmount
    private var completion: ((HTTPResponseHead?) -> Void)?
    private var connection: UpstreamConnection?
    private var reused = false
    private var answer: HTTPResponseHead?
    private var bodyBytes = 0
    private var timeout: Scheduled<Void>?

    private init(
        loop: ProxyLoopContext, request: UpstreamRequestHead, auth: ExternalAuth, connectTimeout: TimeAmount,
        responseTimeout: TimeAmount, completion: @escaping (HTTPResponseHead?) -> Void
    ) {
        self.loop = loop
        self.request = request
        self.endpoint = Endpoint(host: auth.host, port: auth.port)
        self.tls = auth.tls.flatMap { loop.upstreamTLS.client(for: UpstreamProtocol(tls: $0)) }
        self.keepAlive = auth.keepAlive
        self.connectTimeout = connectTimeout
        self.responseTimeout = responseTimeout
        self.completion = completion
    }

    /// Sends `request` (no body) to `auth`'s service on `loop`, and calls `completion` there once
    /// with the answer's head, or nil when the service cannot be reached in `connectTimeout`
    /// (a TLS handshake included) or does not answer within `responseTimeout` of the request.
    static func check(
        _ request: HTTPRequestHead, auth: ExternalAuth, on loop: ProxyLoopContext, connectTimeout: TimeAmount,
        responseTimeout: TimeAmount, completion: @escaping (HTTPResponseHead?) -> Void
    ) {
        let head = UpstreamRequestHead(serializing: request, allocator: ByteBufferAllocator())
        ExternalAuthClient(
            loop: loop, request: head, auth: auth, connectTimeout: connectTimeout, responseTimeout: responseTimeout,
            completion: completion
        ).acquire(fresh: auth.keepAlive == nil)
    }

    private func acquire(fresh: Bool) {
        loop.pool.acquire(
            endpoint: endpoint, tls: tls, connectTimeout: connectTimeout, fresh: fresh,
            idleLimit: keepAlive.map { TimeAmount($0.idleTimeout) }
        ) { [self] result in
            switch result {
            case .success(let lease): send(on: lease.connection, reused: lease.reused)
            case .failure: finish(nil)
            }
        }
    }

    private func send(on connection: UpstreamConnection, reused: Bool) {
        guard completion != nil else {
            loop.pool.release(connection)
            return
        }
        self.connection = connection
        self.reused = reused
        connection.handler.delegate = self
        connection.requestsSent += 1
        connection.write(.head(request))
        connection.write(.end(nil))
        connection.flush()
        connection.handler.resumeReading()
        timeout?.cancel()
        timeout = loop.eventLoop.assumeIsolated().scheduleTask(in: responseTimeout) { [self] in
            timeout = nil
            closeConnection()
            finish(nil)
        }
    }

    private func finish(_ head: HTTPResponseHead?) {
        timeout?.cancel()
        timeout = nil
        guard let completion else { return }
        self.completion = nil
        completion(head)
    }

    private func closeConnection() {
        guard let connection else { return }
        self.connection = nil
        connection.close()
    }

    /// The answer ended: its connection goes back to the pool if both sides keep it alive and
    /// it has carried fewer than `maxRequests` checks.
    private func answerEnded() {
        guard let connection, let answer else { return }
        self.connection = nil
        connection.handler.delegate = nil
        if let keepAlive, answer.isKeepAlive, connection.requestsSent < keepAlive.maxRequests {
            loop.pool.release(connection)
        } else {
            connection.close()
        }
        finish(answer)
    }

    func upstream(_ connection: UpstreamConnection, received part: HTTPClientResponsePart) {
        switch part {
        case .head(let head) where head.status.code < 200 && head.status != .switchingProtocols:
            return
        case .head(let head):
            answer = head
        case .body(let buffer):
            bodyBytes += buffer.readableBytes
            if bodyBytes > Self.maxBodyBytes {
                closeConnection()
                finish(answer)
            }
        case .end:
            answerEnded()
        }
    }

    func upstreamClosed(_ connection: UpstreamConnection) {
        guard self.connection === connection else { return }
        self.connection = nil
        if answer == nil, reused, completion != nil {
            acquire(fresh: true)
            return
        }
        finish(answer)
    }

    func upstream(_ connection: UpstreamConnection, relayStarted head: ChunkedResponseHead) { closeConnection() }
    func upstream(_ connection: UpstreamConnection, relayed bytes: ByteBuffer) {}
    func upstreamRelayOverran(_ connection: UpstreamConnection) { closeConnection() }
    func upstream(_ connection: UpstreamConnection, relayFailed failure: ChunkedBodyScanner.Failure) { closeConnection() }
    func upstreamReadComplete(_ connection: UpstreamConnection) {}
    func upstreamWritabilityChanged(_ connection: UpstreamConnection) {}
}

@available(*, unavailable)
extension ExternalAuthClient: Sendable {}

extension UpstreamRequestHead {
    /// `head` as it is, serialized (no field added or dropped): a request the proxy makes
    /// itself (`ExternalAuthCheck.subrequest`), without a body.
    init(serializing head: HTTPRequestHead, allocator: ByteBufferAllocator) {
        let method = head.method.rawValue
        var length = method.utf8.count + 1 + head.uri.utf8.count + 11 + 2
        for (name, value) in head.headers { length += HeadCursor.lengthOfField(name, value) }
        var buffer = allocator.buffer(capacity: length)
        buffer.writeHead(length: length) { cursor in
            cursor.append(method)
            cursor.append(" ")
            cursor.append(head.uri)
            cursor.append(" HTTP/1.1\r\n")
            for (name, value) in head.headers { cursor.appendField(name, value) }
            cursor.append("\r\n")
        }
        bytes = buffer
        self.method = head.method
        chunkedBody = false
        requestsUpgrade = false
        expectsContinue = false
        acceptsEventStream = false
        acceptsTrailers = false
        requestID = ""
    }
}
