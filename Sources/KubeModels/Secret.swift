/// `v1` Secret: TLS secrets (`kubernetes.io/tls`, keys `tls.crt`/`tls.key`) serve hosts; a
/// `ca.crt` in a TLS or `Opaque` one is trusted by TLS to backends (`proxy-ssl-secret`).
public struct Secret: KubeAPIResource {
    public static let groupVersion = "v1"
    public static let kindName = "Secret"
    public static let pluralName = "secrets"

    public static let tlsType = "kubernetes.io/tls"
    public static let opaqueType = "Opaque"

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var type: String?
    /// Values are base64 as the API sends them.
    public var data: [String: String]?
    /// Plain-text values, as a manifest may write them; the API server merges them into `data`
    /// on write (they win over `data`) and never sends them back, so only manifest files have them.
    public var stringData: [String: String]?

    public init(
        apiVersion: String? = Secret.groupVersion, kind: String? = Secret.kindName,
        metadata: ObjectMeta, type: String? = nil, data: [String: String]? = nil, stringData: [String: String]? = nil
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.metadata = metadata
        self.type = type
        self.data = data
        self.stringData = stringData
    }

    public var isTLS: Bool { type == Self.tlsType }
    public var isOpaque: Bool { type == Self.opaqueType }
}
