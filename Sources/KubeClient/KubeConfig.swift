import Foundation

/// Where the API server is and how to authenticate to it: what a kubeconfig context or a pod's
/// service account resolves to.
///
/// Build one with ``inCluster(environment:serviceAccountDirectory:)``,
/// ``kubeconfig(path:context:)`` or ``resolve(explicitPath:environment:serviceAccountDirectory:homeDirectory:)``.
public struct KubeConfig: Sendable, Hashable {
    /// Base URL of the API server, without a trailing slash: `https://10.96.0.1:443`.
    public var server: String
    /// `Authorization: Bearer` credential, if any.
    public var bearerToken: BearerTokenSource?
    /// PEM client certificate for mutual TLS, if any.
    public var clientCertificate: PEMSource?
    /// PEM private key of ``clientCertificate``.
    public var clientKey: PEMSource?
    /// PEM bundle of the CAs trusted for the server's certificate; nil trusts the system store.
    public var certificateAuthority: PEMSource?
    /// Accept any server certificate. Only for development clusters.
    public var insecureSkipTLSVerify: Bool
    /// The namespace of the context, or of the pod's service account.
    public var namespace: String

    public init(
        server: String, bearerToken: BearerTokenSource? = nil, clientCertificate: PEMSource? = nil,
        clientKey: PEMSource? = nil, certificateAuthority: PEMSource? = nil, insecureSkipTLSVerify: Bool = false,
        namespace: String = "default"
    ) {
        self.server = server.hasSuffix("/") ? String(server.dropLast()) : server
        self.bearerToken = bearerToken
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
        self.certificateAuthority = certificateAuthority
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.namespace = namespace
    }
}

/// PEM bytes given inline or as a file path. Files are read by libcurl at each connection.
public enum PEMSource: Sendable, Hashable {
    case file(String)
    case data(Data)
}

/// A bearer token given inline, or as a file that is re-read when it changes (the kubelet rotates
/// projected service-account tokens in place).
public enum BearerTokenSource: Sendable, Hashable {
    case literal(String)
    case file(String)
}
