import SluiceRouting

/// Turns an Ingress's annotations into a fully resolved `RoutePolicy` plus the problems found.
///
/// Each setting is read from its `sluice.io/` annotation; if that is absent, or present but
/// invalid (reported, then treated as absent), from its `nginx.ingress.kubernetes.io/` alias.
/// A valid `sluice.io/` value therefore always wins. Every value first passes
/// `AnnotationValue.basicCheck` (no NUL, no line break, at most 1 KB), then its grammar.
/// `proxy-read-timeout` sets both the read timeout and the stream idle timeout. The backend
/// protocol and TLS to the backend are read by `+UpstreamProtocol`.
struct AnnotationPolicyReader {
    let annotations: [String: String]
    private(set) var problems: [IngressProblem] = []
    /// The Secret whose `ca.crt` verifies the backend (`proxy-ssl-secret`), for the caller to read.
    var trustSecret: SecretNameGrammar.Name?
    /// The Secret of basic authentication's users (`auth-secret`), for the caller to read.
    var basicAuthSecret: BasicAuthReference?
    /// `from-to-www-redirect`: the Ingress's hosts get their `www.` sibling (or the name without
    /// it) redirected to them, for the caller to add (`WWWRedirectProcessor`).
    var redirectsWWW = false
    /// The Service of `default-backend`, in the Ingress's namespace, for the caller to resolve.
    var defaultBackendService: String?

    private init(_ annotations: [String: String]) {
        self.annotations = annotations
    }

    static func read(
        _ annotations: [String: String]
    ) -> (policy: RoutePolicy, problems: [IngressProblem], trustSecret: SecretNameGrammar.Name?) {
        let (policy, reader) = readWithSecrets(annotations)
        return (policy, reader.problems, reader.trustSecret)
    }

    /// ``read(_:)``, with the reader, which names the Secrets the policy needs
    /// (``trustSecret``, ``basicAuthSecret``).
    static func readWithSecrets(_ annotations: [String: String]) -> (policy: RoutePolicy, reader: AnnotationPolicyReader) {
        var reader = AnnotationPolicyReader(annotations)
        let policy = reader.policy()
        reader.reportUnknown()
        return (policy, reader)
    }

    private mutating func policy() -> RoutePolicy {
        typealias A = IngressAnnotations
        var policy = RoutePolicy.default
        let timeout = Grammar(accepted: DurationGrammar.accepted) { DurationGrammar.parse($0) }
        let nginxTimeout = Grammar(accepted: DurationGrammar.acceptedSeconds) { DurationGrammar.parseSeconds($0) }
        let onOff = Grammar(accepted: SwitchGrammar.accepted, parse: SwitchGrammar.parse)

        if let value = setting(A.ssePaths, Grammar(accepted: EventStreamPathsGrammar.accepted, parse: EventStreamPathsGrammar.parse)) {
            policy.eventStreamPaths = value
        }
        if let value = setting(A.proxyConnectTimeout, timeout, alias: (A.nginxProxyConnectTimeout, nginxTimeout)) {
            policy.connectTimeout = value
        }
        if let value = setting(A.proxyReadTimeout, timeout, alias: (A.nginxProxyReadTimeout, nginxTimeout)) {
            policy.readTimeout = value
            policy.streamIdleTimeout = value
        }
        if let value = setting(A.proxySendTimeout, timeout, alias: (A.nginxProxySendTimeout, nginxTimeout)) {
            policy.sendTimeout = value
        }
        let streamCap = Grammar(accepted: DurationGrammar.accepted + "; 0 means no cap") {
            DurationGrammar.parse($0, allowZero: true)
        }
        if let value = setting(A.maxStreamDuration, streamCap) {
            policy.maxStreamDuration = value == .zero ? nil : value
        }
        if let value = setting(A.proxyBuffering, onOff, alias: (A.nginxProxyBuffering, onOff)) {
            policy.buffering = value
        }
        if let value = setting(A.compression, onOff) {
            policy.compression = value
        }
        let trueFalse = Grammar(accepted: BooleanGrammar.accepted, parse: BooleanGrammar.parse)
        if let value = setting(A.sslRedirect, trueFalse, alias: (A.nginxSSLRedirect, trueFalse)) {
            policy.sslRedirect = value
        }
        if let value = setting(A.forceSSLRedirect, trueFalse, alias: (A.nginxForceSSLRedirect, trueFalse)) {
            policy.forceSSLRedirect = value
        }
        readSourceRanges(into: &policy)
        readUpstreamProtocol(into: &policy)
        readCORS(into: &policy)
        readHeaders(into: &policy)
        readBodySize(into: &policy)
        readClientLimits(into: &policy)
        readExternalAuth(into: &policy)
        readClientCertificate(into: &policy)
        readBasicAuth(into: &policy)
        readRedirects(into: &policy)
        readRewrite(into: &policy)
        readLoadBalancing(into: &policy)
        readCanary(into: &policy)
        readSessionAffinity(into: &policy)
        readRetries(into: &policy)
        return policy
    }

    /// The allow and deny lists. They guard access, so a bad value is not ignored: the routes
    /// fail closed (`RoutePolicy.refusal`), and a bad `sluice.io/` value is not replaced by its
    /// alias either.
    private mutating func readSourceRanges(into policy: inout RoutePolicy) {
        typealias A = IngressAnnotations
        let ranges = Grammar(accepted: SourceRangeGrammar.accepted, parse: SourceRangeGrammar.parse)
        var invalid: [String] = []
        func list(_ keys: [String]) -> [AddressRange] {
            guard let key = keys.first(where: { annotations[$0] != nil }) else { return [] }
            if let value = parsed(key, ranges, consequence: "every route of this Ingress fails closed (503)") { return value }
            invalid.append(String(key.split(separator: "/").last ?? ""))
            return []
        }
        let allow = list([A.allowlistSourceRange, A.nginxAllowlistSourceRange, A.nginxWhitelistSourceRange])
        let deny = list([A.denylistSourceRange, A.nginxDenylistSourceRange])
        if !invalid.isEmpty {
            policy.refusal = RouteRefusal(reason: "invalid \(invalid.joined(separator: ", "))")
        } else if !allow.isEmpty || !deny.isEmpty {
            policy.sourceRanges = SourceRanges(allow: allow, deny: deny)
        }
    }

    mutating func setting<Value>(
        _ key: String, _ grammar: Grammar<Value>, alias: (String, Grammar<Value>)? = nil
    ) -> Value? {
        if let value = parsed(key, grammar) { return value }
        if let (aliasKey, aliasGrammar) = alias { return parsed(aliasKey, aliasGrammar) }
        return nil
    }

    /// A setting named alike under both prefixes that guards nothing: `sluice.io/<name>`, else
    /// `nginx.ingress.kubernetes.io/<name>`; a bad value is reported and ignored.
    mutating func aliasedSetting<Value>(_ name: String, _ grammar: Grammar<Value>) -> Value? {
        let (sluice, nginx) = (IngressAnnotations.sluicePrefix + name, IngressAnnotations.nginxPrefix + name)
        return setting(sluice, grammar, alias: (nginx, grammar))
    }

    /// Whether `name` is set under either prefix, valid or not.
    func isGiven(_ name: String) -> Bool {
        annotations[IngressAnnotations.sluicePrefix + name] != nil || annotations[IngressAnnotations.nginxPrefix + name] != nil
    }

    /// `consequence`: what an invalid value leads to (by default it is ignored).
    mutating func parsed<Value>(
        _ key: String, _ grammar: Grammar<Value>, consequence: String = "ignored"
    ) -> Value? {
        guard let raw = annotations[key] else { return nil }
        let result = AnnotationValue.basicCheck(raw, allowingLineFeeds: grammar.allowsLineFeeds).map { Result<Value, GrammarFailure>.failure($0) } ?? grammar.parse(raw)
        switch result {
        case .success(let value):
            return value
        case .failure(let failure):
            problems.append(IngressProblem(
                reason: DiagnosticReason.invalidAnnotation,
                message: "annotation \(key)=\(AnnotationValue.quoted(raw)) \(consequence): \(failure.problem); accepted: \(grammar.accepted)",
                annotation: IngressAnnotations.settingName(key)
            ))
            return nil
        }
    }

    /// `sluice.io/` names Sluice does not know (`nginx.ingress.kubernetes.io/` ones are
    /// `NginxAnnotationAudit`'s).
    private mutating func reportUnknown() {
        for key in annotations.keys.sorted()
        where key.hasPrefix(IngressAnnotations.sluicePrefix) && !IngressAnnotations.known.contains(key) {
            var message = "annotation \(AnnotationValue.quoted(key)) is not a Sluice annotation and is ignored"
            if let suggestion = ClosestName.to(key, among: IngressAnnotations.known) { message += "; did you mean \(suggestion)?" }
            problems.append(IngressProblem(reason: DiagnosticReason.unknownAnnotation, message: message))
        }
    }

    mutating func report(_ problem: IngressProblem) {
        problems.append(problem)
    }
}

/// One annotation grammar: its parser and the words that tell a user what it accepts.
struct Grammar<Value> {
    var accepted: String
    var parse: (String) -> Result<Value, GrammarFailure>
    /// The value may span lines (a list a line); carriage returns are still refused.
    var allowsLineFeeds = false
}
