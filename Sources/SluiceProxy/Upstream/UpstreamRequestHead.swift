import NIOCore
import NIOHTTP1
import SluiceRouting

/// The request head the proxy sends upstream, serialized straight from the one the client sent
/// (no `HTTPRequestHead` is built for it, and nothing but the bytes is kept for a replay):
/// - hop-by-hop fields removed (`Upgrade`, and `Connection: upgrade` after the client's fields,
///   kept for an upgrade request), `Host` preserved;
/// - the forwarding fields replaced and added after them (`X-Forwarded-For`, `X-Real-IP`,
///   `X-Forwarded-Proto`, `-Host`, `-Port`; `X-Request-ID` kept when the client sent one sane
///   one, otherwise generated). From a trusted proxy (`ClientConnectionFacts.trustsForwarding`)
///   `X-Forwarded-For` is appended to, `X-Real-IP` is the client it names
///   (`RealClientAddress`), and its `X-Forwarded-Proto` is kept;
/// - an event-stream request (the route declares the path, or the client accepts
///   `text/event-stream`) loses `Accept-Encoding`, so the upstream sends the stream
///   uncompressed;
/// - `Expect: 100-continue` is not forwarded: the proxy answers it (`ClientConnectionHandler`),
///   as nginx and Envoy do, so a client never waits on an upstream that does not send `100`;
/// - always HTTP/1.1, with the body framing of NIO's request encoder (RFC 9112 §6): `TRACE`
///   loses `Content-Length` (it has no body); otherwise `Content-Length` wins; `POST`, `PUT` and
///   `PATCH` without it are chunked; any other method is chunked when the client sent a chunked
///   body.
///
/// The bytes are those NIO's encoder writes for the head built step by step (the tests hold a
/// reference built that way). A head goes upstream for every proxied request: it is written in
/// one buffer reserved once, in two passes over the client's fields (what they say, then the
/// writing; a third, for what a `Connection` field names, only when there is a hop-by-hop
/// field), with no copy of the fields. Besides the buffer, only a generated `X-Request-ID`
/// and a client's own `X-Forwarded-For` or `X-Request-ID` fields allocate.
public struct UpstreamRequestHead: Sendable {
    /// The request line, the fields and the blank line.
    public let bytes: ByteBuffer
    public let method: HTTPMethod
    /// The body that follows is sent chunked.
    public let chunkedBody: Bool
    /// The client asked to switch protocols (`Connection: upgrade` and an `Upgrade` field).
    public let requestsUpgrade: Bool
    /// The client sent `Expect: 100-continue` (answered by the proxy, not forwarded).
    public let expectsContinue: Bool
    /// The client's `Accept` lists `text/event-stream`.
    public let acceptsEventStream: Bool
    /// The client's `TE` lists `trailers` (gRPC clients send it): dropped here as hop-by-hop, it
    /// goes on to an HTTP/2 upstream, the only `TE` HTTP/2 allows (`HTTP2UpstreamRequest`).
    public let acceptsTrailers: Bool
    /// The `X-Request-ID` sent: the client's, or the one generated.
    public let requestID: Substring

    /// - Parameter forwardsUnderscoredNames: forward fields whose names hold `_` (dropped by
    ///   default; see `ProxyConfiguration.forwardsUnderscoredHeaderNames`).
    /// - Parameter addedFields: the route's `request-headers`, written after the proxy's own
    ///   fields; the client's fields of the same names are dropped.
    public init(
        from head: HTTPRequestHead,
        facts: ClientConnectionFacts,
        declaredEventStream: Bool = false,
        forwardsUnderscoredNames: Bool = false,
        requestID: @autoclosure () -> String,
        allocator: ByteBufferAllocator,
        addedFields: [HeaderField] = []
    ) {
        let survey = FieldSurvey(head.headers)
        let replaced = addedFields.isEmpty ? [] : addedFields.map { ResponseField(name: $0.name, value: $0.value) }
        let filter =
            survey.sawHopByHop || !replaced.isEmpty
            ? HopByHopFilter(head.headers, keepUpgrade: survey.isUpgrade, alsoRemoving: replaced) : nil
        let dropsAcceptEncoding = declaredEventStream || survey.acceptsEventStream
        let isTRACE = head.method.isTRACE
        let transferEncoding: StaticString?
        if isTRACE || survey.hasContentLength {
            transferEncoding = nil
        } else {
            switch head.method {
            case .POST, .PUT, .PATCH: transferEncoding = "transfer-encoding: chunked\r\n"
            default: transferEncoding = survey.wasChunked ? "Transfer-Encoding: chunked\r\n" : nil
            }
        }
        let keepsUpgrade = filter?.keepsUpgrade ?? false
        let forwarded = { (name: String) in filter?.forwards(name) ?? true }

        let trusted = facts.trustsForwarding && !survey.forwardedFor.isEmpty && forwarded("x-forwarded-for")
        // From a trusted proxy: the chain with the proxy's address appended, and the client it
        // names; from anyone else, just the peer's address (what a client claims is replaced).
        let forwardedFor = facts.clientIP.map { ip in
            trusted ? (survey.forwardedFor + [Substring(ip)]).joined(separator: ", ") : ip
        }
        let clientIP = trusted ? RealClientAddress.text(in: survey.forwardedFor, trusted: facts.trustedProxies) ?? facts.clientIP : facts.clientIP
        let keepsProto = facts.trustsForwarding && survey.forwardedProto && forwarded("x-forwarded-proto")
        let requestIDValue: Substring
        if survey.requestIDs.count == 1, ForwardedHeaders.isSaneRequestID(survey.requestIDs[0]), forwarded("x-request-id") {
            requestIDValue = survey.requestIDs[0]
        } else {
            requestIDValue = Substring(requestID())
        }
        let method = head.method.rawValue

        var length = method.utf8.count + 1 + head.uri.utf8.count + 11 + survey.fieldBytes + 2
        if keepsUpgrade { length += 21 }
        if let clientIP, let forwardedFor {
            length += HeadCursor.lengthOfField("X-Forwarded-For", forwardedFor) + HeadCursor.lengthOfField("X-Real-IP", clientIP)
        }
        if !keepsProto { length += HeadCursor.lengthOfField("X-Forwarded-Proto", facts.proto) }
        if let host = survey.host { length += HeadCursor.lengthOfField("X-Forwarded-Host", host) }
        if let port = facts.localPortText { length += HeadCursor.lengthOfField("X-Forwarded-Port", port) }
        length += 16 + requestIDValue.utf8.count
        length += transferEncoding?.utf8CodeUnitCount ?? 0
        for field in addedFields { length += HeadCursor.lengthOfField(field.name, field.value) }

        var buffer = allocator.buffer(capacity: length)
        buffer.writeHead(length: length) { cursor in
            cursor.append(method)
            cursor.append(" ")
            cursor.append(head.uri)
            cursor.append(" HTTP/1.1\r\n")
            for (name, value) in head.headers {
                switch UpstreamRequestField(name) {
                case .forwardedProto where !keepsProto, .requestID:
                    continue
                case .forwardedFor where clientIP != nil, .realIP where clientIP != nil,
                    .forwardedPort where facts.localPortText != nil, .forwardedHost where survey.host != nil,
                    .acceptEncoding where dropsAcceptEncoding, .contentLength where isTRACE:
                    continue
                case .expect where Self.asksForContinue(value):
                    continue
                default:
                    if let filter, !filter.forwards(name) { continue }
                    // Dropped, as nginx and ingress-nginx do by default (`underscores_in_headers
                    // off`): CGI and WSGI servers read `X_Forwarded_For` and `X-Forwarded-For`
                    // as the same variable, so a client could stand in for the proxy's fields.
                    if !forwardsUnderscoredNames, Self.containsUnderscore(name) { continue }
                    cursor.appendField(name, value)
                }
            }
            if keepsUpgrade { cursor.append("Connection: upgrade\r\n") }
            if let clientIP, let forwardedFor {
                cursor.appendField("X-Forwarded-For", forwardedFor)
                cursor.appendField("X-Real-IP", clientIP)
            }
            if !keepsProto { cursor.appendField("X-Forwarded-Proto", facts.proto) }
            if let host = survey.host { cursor.appendField("X-Forwarded-Host", host) }
            if let port = facts.localPortText { cursor.appendField("X-Forwarded-Port", port) }
            cursor.append("X-Request-ID: ")
            cursor.append(requestIDValue)
            cursor.append("\r\n")
            for field in addedFields { cursor.appendField(field.name, field.value) }
            if let transferEncoding { cursor.append(transferEncoding) }
            cursor.append("\r\n")
        }
        bytes = buffer
        self.method = head.method
        chunkedBody = transferEncoding != nil
        requestsUpgrade = survey.isUpgrade
        expectsContinue = survey.expectsContinue
        acceptsEventStream = survey.acceptsEventStream
        acceptsTrailers = survey.acceptsTrailers
        self.requestID = requestIDValue
    }

    /// Whether an `Expect` field's value is `100-continue` (any case, spaces around it).
    static func asksForContinue(_ expectValue: String) -> Bool {
        HeaderName.matches(expectValue.trimmingSpaces(), "100-continue")
    }

    /// Read in place: every forwarded field's name is checked.
    private static func containsUnderscore(_ name: String) -> Bool {
        name.utf8.withContiguousStorageIfAvailable { $0.contains(UInt8(ascii: "_")) } ?? name.utf8.contains(UInt8(ascii: "_"))
    }

    /// What the client's fields say, read in one pass before any is written.
    private struct FieldSurvey {
        var host: String?
        var acceptsEventStream = false
        var expectsContinue = false
        var acceptsTrailers = false
        var hasContentLength = false
        var wasChunked = false
        var sawHopByHop = false
        var upgradeField = false
        var connectionUpgrade = false
        /// The elements of every `X-Forwarded-For` and `X-Request-ID` field (empty, without an
        /// allocation, when there is none).
        var forwardedFor: [Substring] = []
        var requestIDs: [Substring] = []
        /// The client sent an `X-Forwarded-Proto` field.
        var forwardedProto = false
        /// The bytes all the fields take as field lines: at least what the kept ones take.
        var fieldBytes = 0

        var isUpgrade: Bool { upgradeField && connectionUpgrade }

        init(_ headers: HTTPHeaders) {
            for (name, value) in headers {
                fieldBytes += HeadCursor.lengthOfField(name, value)
                switch UpstreamRequestField(name) {
                case .host:
                    // For `X-Forwarded-Host`, without the spaces a client may leave around it
                    // (routing ignores them too); copied only when there are some.
                    if host == nil {
                        let trimmed = value.trimmingSpaces()
                        host = trimmed.utf8.count == value.utf8.count ? value : String(trimmed)
                    }
                case .accept:
                    acceptsEventStream = acceptsEventStream || HeaderName.listContainsMediaType(value, "text/event-stream")
                case .expect:
                    expectsContinue = expectsContinue || UpstreamRequestHead.asksForContinue(value)
                case .contentLength:
                    hasContentLength = true
                case .transferEncoding:
                    sawHopByHop = true
                    wasChunked = wasChunked || HeaderName.listContains(value, token: "chunked")
                case .upgrade:
                    sawHopByHop = true
                    upgradeField = true
                case .connection:
                    sawHopByHop = true
                    connectionUpgrade = connectionUpgrade || HeaderName.listContains(value, token: "upgrade")
                case .te:
                    sawHopByHop = true
                    acceptsTrailers = acceptsTrailers || HeaderName.listContains(value, token: "trailers")
                case .otherHopByHop:
                    sawHopByHop = true
                case .forwardedFor:
                    forwardedFor += value.split(separator: ",").map { $0.trimmingSpaces() }
                case .forwardedProto:
                    forwardedProto = true
                case .requestID:
                    requestIDs += value.split(separator: ",").map { $0.trimmingSpaces() }
                default:
                    break
                }
            }
        }
    }

    /// The request path without its query string, as used for routing. An absolute-form target
    /// (`http://host/path`) yields its path (`/` when it has none).
    public static func path(of uri: String) -> Substring {
        if uri.utf8.first == UInt8(ascii: "/") {
            // Origin form, the usual case: cut at the query or fragment, without a copy.
            let end = uri.utf8.firstIndex { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") } ?? uri.endIndex
            return uri[..<end]
        }
        var target = Substring(uri)
        for scheme in ["http://", "https://"] where target.lowercased().hasPrefix(scheme) {
            let afterScheme = target.dropFirst(scheme.count)
            target = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }).map { afterScheme[$0...] } ?? ""
            if !target.hasPrefix("/") { return "/" }
        }
        if let q = target.firstIndex(where: { $0 == "?" || $0 == "#" }) {
            target = target[..<q]
        }
        return target
    }

    /// Methods a failed attempt may be repeated for (RFC 9110 §9.2.2).
    public static func isIdempotent(_ method: HTTPMethod) -> Bool {
        switch method {
        case .GET, .HEAD, .OPTIONS, .PUT, .DELETE, .TRACE: return true
        default: return false
        }
    }
}
