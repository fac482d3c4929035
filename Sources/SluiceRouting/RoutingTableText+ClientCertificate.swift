extension RoutingTableText {
    /// `auth-tls=ns/ca verify=on depth=1 pass-cert error-page=…`: the client certificate settings.
    static func clientCertificateFields(_ auth: ClientCertificateAuth) -> [String] {
        var fields = ["auth-tls=\(auth.source)", "verify=\(auth.verification.rawValue)", "depth=\(auth.trust.depth)"]
        if auth.passCertificate { fields.append("pass-cert") }
        if let page = auth.errorPage { fields.append("error-page=\(page)") }
        return fields
    }
}
