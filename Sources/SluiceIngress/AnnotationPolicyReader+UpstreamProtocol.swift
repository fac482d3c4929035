import SluiceRouting

/// `backend-protocol` and the `proxy-ssl-*` settings of TLS to the backend.
///
/// A bad `backend-protocol` is reported and the backend is spoken to in plain HTTP (the
/// default); `AUTO_HTTP` too (with a Warning); `FCGI` fails closed, since no HTTP reaches a
/// FastCGI server. Verification guards access: a bad `proxy-ssl-verify` or, with it on, a bad
/// `proxy-ssl-secret` fails every route closed rather than serving unverified. With verification
/// on, the Secret's `ca.crt` is read by the caller (``trustSecret``), which fails closed too when
/// it cannot be used. `proxy-ssl-*` without TLS (`HTTP`, `H2C`, `GRPC`) is reported and has no
/// effect.
extension AnnotationPolicyReader {
    mutating func readUpstreamProtocol(into policy: inout RoutePolicy) {
        typealias A = IngressAnnotations
        let grammar = Grammar(accepted: BackendProtocolGrammar.accepted, parse: BackendProtocolGrammar.parse)
        let plain = "ignored (requests go to the backend in plain HTTP)"
        let value =
            parsed(A.backendProtocol, grammar, consequence: annotations[A.nginxBackendProtocol] == nil ? plain : "ignored")
            ?? parsed(A.nginxBackendProtocol, grammar, consequence: plain)
        switch value ?? .http {
        case .http: policy.upstreamProtocol = .http
        case .https: policy.upstreamProtocol = UpstreamProtocol(tls: UpstreamTLS())
        case .h2c: policy.upstreamProtocol = UpstreamProtocol(version: .http2)
        case .grpc: policy.upstreamProtocol = UpstreamProtocol(version: .http2, grpc: true)
        case .grpcs: policy.upstreamProtocol = UpstreamProtocol(version: .http2, tls: UpstreamTLS(), grpc: true)
        case .autoHTTP:
            policy.upstreamProtocol = .http
            report(IngressProblem(
                reason: DiagnosticReason.unsupportedAnnotation,
                message: "backend-protocol AUTO_HTTP is not supported: requests go to the backend in plain HTTP, however the client came"))
        case .fcgi:
            policy.refusal = RouteRefusal(reason: "backend-protocol FCGI is not supported")
            report(IngressProblem(
                reason: DiagnosticReason.unsupportedAnnotation,
                message: "backend-protocol FCGI is not supported: every route of this Ingress fails closed (503)"))
        }
        guard var tls = policy.upstreamProtocol.tls else {
            reportIneffectiveTLSSettings()
            return
        }
        let names = Grammar(accepted: ServerNameGrammar.accepted, parse: ServerNameGrammar.parse)
        tls.serverName = setting(A.proxySSLName, names, alias: (A.nginxProxySSLName, names))
        tls.verify = readVerify(into: &policy)
        if tls.verify {
            trustSecret = readTrustSecret(into: &policy)
        } else if annotations[A.proxySSLSecret] != nil || annotations[A.nginxProxySSLSecret] != nil {
            report(IngressProblem(
                reason: DiagnosticReason.ineffectiveAnnotation,
                message: "proxy-ssl-secret is not used: proxy-ssl-verify is off, so the backend's certificate is not verified"))
        }
        policy.upstreamProtocol.tls = tls
    }

    /// `proxy-ssl-verify`: off unless `on`. Any other value fails closed.
    private mutating func readVerify(into policy: inout RoutePolicy) -> Bool {
        typealias A = IngressAnnotations
        let onOff = Grammar(accepted: SwitchGrammar.accepted, parse: SwitchGrammar.parse)
        switch guarded([A.proxySSLVerify, A.nginxProxySSLVerify], onOff, into: &policy) {
        case nil: return false
        case .some(let verify): return verify ?? true
        }
    }

    /// `proxy-ssl-secret` when verification is on: nil means the system's trust roots; a bad value
    /// fails closed.
    private mutating func readTrustSecret(into policy: inout RoutePolicy) -> SecretNameGrammar.Name? {
        typealias A = IngressAnnotations
        let names = Grammar(accepted: SecretNameGrammar.accepted, parse: SecretNameGrammar.parse)
        return guarded([A.proxySSLSecret, A.nginxProxySSLSecret], names, into: &policy) ?? nil
    }

    /// The first of `keys` present (nil: none is), parsed; a bad value (`.some(nil)`) fails every
    /// route closed, and is not replaced by a later key's.
    private mutating func guarded<Value>(_ keys: [String], _ grammar: Grammar<Value>, into policy: inout RoutePolicy) -> Value?? {
        guard let key = keys.first(where: { annotations[$0] != nil }) else { return nil }
        if let value = parsed(key, grammar, consequence: "every route of this Ingress fails closed (503)") { return value }
        policy.refusal = policy.refusal ?? RouteRefusal(reason: "invalid \(key.split(separator: "/").last ?? "")")
        return .some(nil)
    }

    private mutating func reportIneffectiveTLSSettings() {
        typealias A = IngressAnnotations
        let keys = [
            (A.proxySSLName, A.nginxProxySSLName), (A.proxySSLVerify, A.nginxProxySSLVerify),
            (A.proxySSLSecret, A.nginxProxySSLSecret),
        ]
        let present = keys.filter { annotations[$0.0] != nil || annotations[$0.1] != nil }
            .map { String($0.0.dropFirst(A.sluicePrefix.count)) }
        guard !present.isEmpty else { return }
        report(IngressProblem(
            reason: DiagnosticReason.ineffectiveAnnotation,
            message: "\(present.joined(separator: ", ")) ignored: the backend protocol uses no TLS (set backend-protocol HTTPS or GRPCS)"))
    }
}
