/// A `coordination.k8s.io/v1` Lease: the lock object of leader election.
///
/// Renewals are `PUT`s carrying the last seen `metadata.resourceVersion`; the API server answers
/// 409 Conflict when another holder wrote in between, which is what makes the election safe.
public struct Lease: KubeAPIResource {
    public static let groupVersion = "coordination.k8s.io/v1"
    public static let kindName = "Lease"
    public static let pluralName = "leases"

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: LeaseSpec?

    public init(metadata: ObjectMeta, spec: LeaseSpec? = nil) {
        self.apiVersion = Self.groupVersion
        self.kind = Self.kindName
        self.metadata = metadata
        self.spec = spec
    }
}

/// `spec` of a Lease. Times are MicroTime strings (`2026-11-22T03:15:23.000000Z`).
public struct LeaseSpec: Codable, Hashable, Sendable {
    public var holderIdentity: String?
    public var leaseDurationSeconds: Int?
    public var acquireTime: String?
    public var renewTime: String?
    public var leaseTransitions: Int?

    public init(
        holderIdentity: String? = nil, leaseDurationSeconds: Int? = nil, acquireTime: String? = nil,
        renewTime: String? = nil, leaseTransitions: Int? = nil
    ) {
        self.holderIdentity = holderIdentity
        self.leaseDurationSeconds = leaseDurationSeconds
        self.acquireTime = acquireTime
        self.renewTime = renewTime
        self.leaseTransitions = leaseTransitions
    }
}
