extension RoutingTableText {
    /// `cors=https://a.example,https://*.b.example credentials=on max-age=600 …`, then
    /// `response-header="Name: value"` and `request-header="Name: value"` for each field set.
    /// Only what differs from ingress-nginx's CORS defaults is shown.
    static func headerFields(_ policy: RoutePolicy) -> [String] {
        var fields: [String] = []
        if let cors = policy.cors {
            let base = CORSPolicy()
            fields.append("cors=" + (cors.allowedOrigins.isEmpty ? "none" : cors.allowedOrigins.map(originText).joined(separator: ",")))
            if cors.allowMethods != base.allowMethods { fields.append("cors-methods=\"\(cors.allowMethods)\"") }
            if cors.allowHeaders != base.allowHeaders { fields.append("cors-headers=\"\(cors.allowHeaders)\"") }
            if cors.exposeHeaders != base.exposeHeaders { fields.append("cors-expose=\"\(cors.exposeHeaders)\"") }
            if cors.allowCredentials != base.allowCredentials { fields.append("cors-credentials=\(cors.allowCredentials ? "on" : "off")") }
            if cors.maxAgeSeconds != base.maxAgeSeconds { fields.append("cors-max-age=\(cors.maxAgeSeconds)") }
        }
        for field in policy.responseHeaders { fields.append("response-header=\"\(field.name): \(field.value)\"") }
        for field in policy.requestHeaders { fields.append("request-header=\"\(field.name): \(field.value)\"") }
        return fields
    }

    private static func originText(_ origin: CORSPolicy.AllowedOrigin) -> String {
        switch origin {
        case .any: "*"
        case .exact(let text): text
        case .subdomain(let scheme, let suffix, let port): "\(scheme)://*.\(suffix)" + (port.map { ":\($0)" } ?? "")
        }
    }
}
