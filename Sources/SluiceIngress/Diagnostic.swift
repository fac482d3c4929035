/// A Warning about one object found during translation: the content of a Kubernetes Event on
/// that object and of a log line. Nothing in a diagnostic stops the rest from being served.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    /// The kind of the object concerned (`Ingress`).
    public var kind: String
    public var namespace: String
    public var name: String
    /// A short CamelCase reason (`ConflictLost`, `InvalidAnnotation`, `ServiceNotFound`, ...).
    public var reason: String
    /// A one-line, human-readable explanation; never contains raw control characters.
    public var message: String
    /// The annotation concerned (`nginx.ingress.kubernetes.io/proxy-read-timeout`), when the
    /// diagnostic is about one annotation's value: `sluice_controller_invalid_annotations` counts
    /// by it.
    public var annotation: String?

    public init(
        kind: String = "Ingress", namespace: String, name: String, reason: String, message: String,
        annotation: String? = nil
    ) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.reason = reason
        self.message = message
        self.annotation = annotation
    }

    public var description: String {
        "\(kind) \(namespace)/\(name) \(reason): \(message)"
    }
}

/// The `reason` values translation emits.
public enum DiagnosticReason {
    public static let conflictLost = "ConflictLost"
    /// A canary Ingress for a host and path no other Ingress serves: not served.
    public static let canaryWithoutMain = "CanaryWithoutMain"
    public static let serviceNotFound = "ServiceNotFound"
    public static let servicePortNotFound = "ServicePortNotFound"
    public static let unsupportedBackend = "UnsupportedBackend"
    public static let invalidPath = "InvalidPath"
    public static let duplicatePath = "DuplicatePath"
    public static let invalidAnnotation = "InvalidAnnotation"
    public static let unsupportedAnnotation = "UnsupportedAnnotation"
    public static let unknownAnnotation = "UnknownAnnotation"
    public static let tlsSecretNotFound = "TLSSecretNotFound"
    public static let tlsSecretInvalid = "TLSSecretInvalid"
    public static let tlsCertificateExpired = "TLSCertificateExpired"
    public static let tlsCertificateNotYetValid = "TLSCertificateNotYetValid"
    /// The certificate is good but does not name some hosts its `spec.tls` entry lists.
    public static let tlsHostNotCovered = "TLSHostNotCovered"
    /// A `proxy-ssl-*` annotation that has no effect (the backend protocol has no TLS), or a
    /// `proxy-ssl-secret` part Sluice does not use.
    public static let ineffectiveAnnotation = "IneffectiveAnnotation"
    /// The `auth-secret` of basic authentication is missing, or its users cannot be read.
    public static let authSecretNotFound = "AuthSecretNotFound"
    public static let authSecretInvalid = "AuthSecretInvalid"
}
