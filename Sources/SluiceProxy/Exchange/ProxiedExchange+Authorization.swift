import NIOCore
import NIOHTTP1
import SluiceRouting

/// External authentication before the first upstream attempt (`ExternalAuth`): the exchange
/// waits, holding what the client sends in `pending` (the client is not read meanwhile, as
/// before any upstream is ready), until the auth service answers; then it attempts, or fails
/// with the denial. The auth service's `Set-Cookie`s go on the client's response as
/// ingress-nginx's `add_header Set-Cookie $auth_cookie` puts them: an allow's on a success or
/// redirect, and with `auth-always-set-cookie` on every response, denials included. A cached
/// allow has none.
extension ProxiedExchange {
    static let longestAuthWait = TimeAmount.seconds(5)

    /// Attempts `endpoint` once the auth service allowed `head` (the client's request in origin
    /// form). `rebuild` makes the upstream head again with
    /// the fields the auth service's answer adds (called only when there are some).
    ///
    /// The check is bounded by the route's connect timeout to reach the auth service, and by its
    /// read timeout, at most ``longestAuthWait``, for the answer (a stream's route often reads
    /// for an hour; a sign-in check should not wait that long).
    func authorizeThenAttempt(
        endpoint: Endpoint, auth: ExternalAuth, head: HTTPRequestHead, facts: ClientConnectionFacts,
        rebuild: @escaping (HTTPHeaders) -> UpstreamRequestHead
    ) {
        let cacheKey = auth.cache.map {
            ExternalAuthCache.Key(
                service: auth.authority + auth.target, key: RequestKey.expand($0.key, head: head, clientIP: facts.clientIP))
        }
        if let cacheKey, let fields = client.loop.authCache.allowed(cacheKey, now: client.loop.now) {
            if !fields.isEmpty { upstreamHead = rebuild(fields) }
            attempt(endpoint: endpoint, fresh: false)
            return
        }
        let subrequest = ExternalAuthCheck.subrequest(for: head, auth: auth, facts: facts)
        ExternalAuthClient.check(
            subrequest, auth: auth, on: client.loop, connectTimeout: policy.connectTimeout,
            responseTimeout: min(policy.idleTimeout(for: .ordinary), Self.longestAuthWait)
        ) { [self] answer in
            guard client.exchange === self, client.isOpen else { return }
            let cookies = answer.map { ExternalAuthCheck.cookies(from: $0.headers) } ?? []
            switch ExternalAuthCheck.outcome(
                status: answer?.status, headers: answer?.headers ?? [:], auth: auth, for: head, scheme: facts.proto)
            {
            case .allow(let fields):
                if !cookies.isEmpty {
                    policy.authResponseFields = cookies
                    policy.authFieldsOnEveryStatus = auth.alwaysSetCookie
                }
                if let cacheKey, let cache = auth.cache, let status = answer?.status, cache.statuses.contains(Int(status.code)) {
                    let now = client.loop.now
                    client.loop.authCache.store(cacheKey, fields: fields, until: now + TimeAmount(cache.duration), now: now)
                }
                if !fields.isEmpty { upstreamHead = rebuild(fields) }
                attempt(endpoint: endpoint, fresh: false)
            case .deny(var error):
                if auth.alwaysSetCookie { error.fields += cookies }
                client.exchangeFailed(self, error)
            }
        }
    }
}

extension HTTPRequestHead {
    /// The head with `fields` replacing its own of the same names.
    func replacingFields(_ fields: HTTPHeaders) -> HTTPRequestHead {
        var head = self
        for name in Set(fields.map { $0.name.lowercased() }) { head.headers.remove(name: name) }
        head.headers.add(contentsOf: fields)
        return head
    }
}
