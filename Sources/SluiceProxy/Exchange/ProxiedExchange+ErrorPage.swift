import NIOCore
import NIOHTTP1
import SluiceRouting

/// How an exchange asks the error backend for a page: its `ErrorPages` and the head to send for
/// a status (made by the client, which holds the request's head and connection facts).
struct ErrorPageRequest {
    let pages: ErrorPages
    let head: (Int) -> UpstreamRequestHead
}

/// `custom-http-errors` (`ErrorPageDecision`): a response head whose status the route lists,
/// before anything of the response went to the client, is dropped with its connection, and the
/// exchange asks the error backend instead; that answer goes to the client as any response
/// does (its status included, as ingress-nginx's `error_page … =` passes it on).
extension ProxiedExchange {
    /// Prepares the error pages of a request whose policy has some (`ExchangePolicy.errorPages`).
    func prepareErrorPages(
        for head: HTTPRequestHead, route: Route, facts: ClientConnectionFacts, allocator: ByteBufferAllocator,
        forwardsUnderscoredNames: Bool
    ) {
        guard let pages = policy.errorPages, let requestID = upstreamHead?.requestID else { return }
        let (source, backendName) = (route.source, route.backend.name)
        errorPage = ErrorPageRequest(pages: pages) { code in
            UpstreamRequestHead(
                from: ErrorPageDecision.request(
                    for: head, code: code, source: source, backendName: backendName, requestID: requestID),
                facts: facts, forwardsUnderscoredNames: forwardsUnderscoredNames, requestID: String(requestID),
                allocator: allocator)
        }
    }

    func serveErrorPage(_ page: ErrorPageRequest, status: Int) {
        errorPage = nil
        if let connection = upstream {
            upstream = nil
            connection.handler.delegate = nil
            connection.close()
        }
        client.dataPlane.logger.debug(
            "replacing the response with the error backend's page",
            metadata: ["backend": "\(backend.name)", "status": "\(status)", "errorBackend": "\(page.pages.backend.name)"])
        servingErrorPage = true
        backend = page.pages.backend
        upstreamHead = page.head(status)
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

@available(*, unavailable)
extension ErrorPageRequest: Sendable {}
