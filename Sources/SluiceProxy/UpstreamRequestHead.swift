import NIOHTTP1

/// Builds the request head the proxy sends upstream from the one the client sent: hop-by-hop
/// fields removed (`Upgrade`/`Connection: upgrade` kept for upgrades), `Host` preserved, the
/// forwarding fields added, and the body framing restated (`Transfer-Encoding: chunked` when the
/// client streamed a chunked body; `Content-Length` passes through unchanged).
///
/// A request for an event stream (the route declares the path, or the client accepts
/// `text/event-stream`) loses `Accept-Encoding`, so the upstream sends the stream uncompressed.
public enum UpstreamRequestHead {
    public static func make(
        from head: HTTPRequestHead,
        facts: ClientConnectionFacts,
        declaredEventStream: Bool = false,
        requestID: @autoclosure () -> String
    ) -> HTTPRequestHead {
        let isUpgrade = HopByHopHeaders.isUpgradeRequest(head.headers)
        let wasChunked = head.headers.contains { field in
            HeaderName.matches(field.name, "transfer-encoding") && HeaderName.listContains(field.value, token: "chunked")
        }
        var headers = HopByHopHeaders.removing(from: head.headers, keepUpgrade: isUpgrade)
        if declaredEventStream || acceptsEventStream(head.headers), headers.contains(name: "accept-encoding") {
            headers.remove(name: "accept-encoding")
        }
        headers = ForwardedHeaders.applying(to: headers, facts: facts, generatedRequestID: requestID())
        if wasChunked {
            headers.add(name: "Transfer-Encoding", value: "chunked")
        }
        var result = HTTPRequestHead(version: .http1_1, method: head.method, uri: head.uri, headers: headers)
        result.version = .http1_1
        return result
    }

    /// Whether the client's `Accept` lists `text/event-stream` (what `EventSource` sends).
    public static func acceptsEventStream(_ headers: HTTPHeaders) -> Bool {
        headers.contains { field in
            HeaderName.matches(field.name, "accept") && HeaderName.listContainsMediaType(field.value, "text/event-stream")
        }
    }

    /// The request path without its query string, as used for routing. An absolute-form target
    /// (`http://host/path`) yields its path (`/` when it has none).
    public static func path(of uri: String) -> String {
        if uri.utf8.first == UInt8(ascii: "/") {
            // Origin form, the usual case: cut at the query or fragment.
            guard let end = uri.utf8.firstIndex(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }) else {
                return uri
            }
            return String(uri[..<end])
        }
        var target = Substring(uri)
        for scheme in ["http://", "https://"] where target.lowercased().hasPrefix(scheme) {
            let afterScheme = target.dropFirst(scheme.count)
            target = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }).map { afterScheme[$0...] } ?? ""
            if !target.hasPrefix("/") { target = "/" + target }
        }
        if let q = target.firstIndex(where: { $0 == "?" || $0 == "#" }) {
            target = target[..<q]
        }
        return String(target)
    }

    /// Methods a failed attempt may be repeated for (RFC 9110 §9.2.2).
    public static func isIdempotent(_ method: HTTPMethod) -> Bool {
        switch method {
        case .GET, .HEAD, .OPTIONS, .PUT, .DELETE, .TRACE: return true
        default: return false
        }
    }
}
