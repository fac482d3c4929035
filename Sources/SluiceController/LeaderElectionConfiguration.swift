/// Leader election on a `coordination.k8s.io/v1` Lease; the durations are client-go's defaults.
public struct LeaderElectionConfiguration: Sendable, Hashable {
    /// This replica's name in `holderIdentity`: `POD_NAME`, or the hostname.
    public var identity: String
    /// Where the Lease lives (`POD_NAMESPACE`) and its name (`--election-id`).
    public var leaseNamespace: String
    public var leaseName: String
    /// How long a Lease not renewed stays another's.
    public var leaseDuration: Duration
    /// How long the leader keeps trying to renew before it gives up leadership.
    public var renewDeadline: Duration
    /// The period between attempts to acquire or renew.
    public var retryPeriod: Duration

    public init(
        identity: String, leaseNamespace: String, leaseName: String = "sluice-leader",
        leaseDuration: Duration = .seconds(15), renewDeadline: Duration = .seconds(10),
        retryPeriod: Duration = .seconds(2)
    ) {
        self.identity = identity
        self.leaseNamespace = leaseNamespace
        self.leaseName = leaseName
        self.leaseDuration = leaseDuration
        self.renewDeadline = renewDeadline
        self.retryPeriod = retryPeriod
    }
}
