import X509

/// The DNS names a leaf certificate is valid for (its SAN `dNSName` entries, lowercased), and
/// whether they cover an Ingress host, per RFC 6125 §6.4: a name matches a host equal to it
/// (case-insensitive, a trailing dot ignored); a wildcard name `*.example.com` matches exactly
/// one leftmost label (`a.example.com`, not `a.b.example.com` nor `example.com`), and only under
/// two labels or more (`*.com` matches nothing). Wildcards
/// anywhere else (`a*.example.com`, `*.*.example.com`) match nothing, as browsers have it; the
/// subject's common name is not read (no client still does).
///
/// An Ingress host that is itself a wildcard (`*.example.com`) is covered only by that same
/// wildcard name: no single exact name covers every host it stands for.
struct CertificateNames: Hashable, Sendable {
    var dnsNames: [String]

    init(dnsNames: [String]) {
        self.dnsNames = dnsNames.map(Self.normalized)
    }

    init(_ certificate: Certificate) {
        var names: [String] = []
        if let alternatives = try? certificate.extensions.subjectAlternativeNames {
            for case .dnsName(let name) in alternatives {
                names.append(name)
            }
        }
        self.init(dnsNames: names)
    }

    func covers(_ host: String) -> Bool {
        let host = Self.normalized(host)
        return dnsNames.contains { Self.name($0, covers: host) }
    }

    private static func name(_ name: String, covers host: String) -> Bool {
        if name == host { return !name.dropFirst(2).contains("*") }
        guard name.hasPrefix("*."), !host.hasPrefix("*") else { return false }
        let suffix = name.dropFirst()
        guard !suffix.contains("*"), suffix.dropFirst().contains("."), host.hasSuffix(suffix) else { return false }
        let label = host.dropLast(suffix.count)
        return !label.isEmpty && !label.contains(".")
    }

    private static func normalized(_ name: String) -> String {
        var lowered = name.lowercased()
        if lowered.hasSuffix(".") { lowered.removeLast() }
        return lowered
    }
}
