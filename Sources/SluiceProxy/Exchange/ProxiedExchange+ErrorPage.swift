import NIOCore
import NIOHTTP1
import SluiceRouting

/// `custom-http-errors` (`ErrorPageDecision`): a response head whose status the route lists,
/// before anything of the response went to the client, is dropped with its connection, and the
/// exchange asks the error backend instead; that answer goes to the client as any response
/// does (its status included, as ingress-nginx's `error_page … =` passes it on).
extension ProxiedExchange {
    /// Prepares the error pages of a request whose policy has some (`ExchangePolicy.errorPages`).
    func prepareErrorPages(
        for head: HTTPRequestHead, originalURI: String, route: Route, facts: ClientConnectionFacts, allocator: ByteBufferAllocator,
        forwardsUnderscoredNames: Bool
    ) {
        guard policy.errorPages != nil, let requestID = upstreamHead?.requestID else { return }
        let (source, backendName) = (route.source, route.backend.name)
        errorPageHead = { code in
            UpstreamRequestHead(
                from: ErrorPageDecision.request(
                    for: head, originalURI: originalURI, code: code, source: source, backendName: backendName, requestID: requestID),
                facts: facts, forwardsUnderscoredNames: forwardsUnderscoredNames, requestID: String(requestID),
                allocator: allocator)
        }
    }

    /// Drops the response of `status` and asks `pages.backend` with the head `makeHead` makes.
    func serveErrorPage(_ pages: ErrorPages, head makeHead: (Int) -> UpstreamRequestHead, status: Int) {
        errorPageHead = nil
        if let connection = upstream {
            upstream = nil
            connection.handler.delegate = nil
            connection.close()
        }
        client.dataPlane.logger.debug(
            "replacing the response with the error backend's page",
            metadata: ["backend": "\(backend.name)", "status": "\(status)", "errorBackend": "\(pages.backend.name)"])
        servingErrorPage = true
        backend = pages.backend
        upstreamHead = makeHead(status)
        pending = [.end(nil)]
        replayBody = nil
        bodyBytesSent = 0
        requestEndSent = false
        triedEndpoints = []
        sendStall = nil
        upstreamReusable = false
        loadSlot = nil
        stickyOnFailure = nil
        let endpoints = backend.endpoints
        attempt(endpoint: endpoints[Int.random(in: 0..<endpoints.count)], fresh: false)
    }
}
