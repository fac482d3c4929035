import NIOCore
import NIOHTTP1
import NIOPosix
import SluiceRouting

/// Basic authentication (`BasicAuth`) before the first upstream attempt: the exchange waits,
/// holding what the client sends in `pending` as external auth's does (`+Authorization`), while
/// the password is hashed on NIO's blocking thread pool (a bcrypt hash is milliseconds of CPU:
/// never on the event loop); then it attempts, or fails with `401`. A password the event loop's
/// `BasicAuthCache` knows good is not hashed again. A stream is authorized once, at its start.
extension ProxiedExchange {
    /// What a request on a basic auth route brings to its check, decided when the exchange
    /// starts (``ProxiedExchange/basicAuthGate``).
    struct BasicAuthGate {
        var verdict: BasicAuthCheck.Verdict
        var realm: String

        init(head: HTTPRequestHead, auth: BasicAuth) {
            verdict = BasicAuthCheck.verdict(head, auth: auth)
            realm = auth.realm
        }
    }

    /// Checks `gate`, then attempts `endpoint` (as `attempt(endpoint:fresh:)` asked) or fails with
    /// `401`; a thread pool that does not run the check fails the exchange with `500` (closed),
    /// and so many checks already under way on this loop with `503` (closed).
    func passBasicAuth(_ gate: BasicAuthGate, thenAttempt endpoint: Endpoint, fresh: Bool) {
        guard case .verify(let credentials, let hash) = gate.verdict else {
            client.exchangeFailed(self, .basicAuthRequired(realm: gate.realm))
            return
        }
        let entry = BasicAuthCache.entry(user: credentials.user, password: credentials.password, hash: hash.encoded)
        if client.loop.basicAuthCache.contains(entry) {
            attempt(endpoint: endpoint, fresh: fresh)
            return
        }
        guard client.loop.passwordChecksInFlight < client.loop.maxPasswordChecksInFlight else {
            client.exchangeFailed(self, .passwordChecksBusy)
            return
        }
        let password = credentials.password
        let loop = client.loop
        loop.passwordChecksInFlight += 1
        NIOThreadPool.singleton.runIfActive(eventLoop: loop.eventLoop) {
            PasswordVerifier.matches(password, hash)
        }.assumeIsolated().whenComplete { [self] result in
            loop.passwordChecksInFlight -= 1
            guard client.exchange === self, client.isOpen else { return }
            switch result {
            case .success(true):
                client.loop.basicAuthCache.insert(entry)
                attempt(endpoint: endpoint, fresh: fresh)
            case .success(false):
                client.exchangeFailed(self, .basicAuthRequired(realm: gate.realm))
            case .failure:
                client.exchangeFailed(
                    self,
                    ProxyErrorResponse(
                        status: .internalServerError, message: "basic authentication could not check the password",
                        closeConnection: false))
            }
        }
    }
}
