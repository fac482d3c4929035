import SluiceIngress

/// Everything `sluice controller` configures.
public struct ControllerConfiguration: Sendable {
    /// Which Ingresses are ours; `watchNamespace` also limits every reflector's scope.
    public var translation: TranslationOptions
    /// Where Ingress status addresses come from.
    public var statusAddresses: StatusAddressSource
    /// Leader election; nil makes this replica the leader unconditionally (one replica only).
    public var election: LeaderElectionConfiguration?
    public var reflector: ReflectorConfiguration
    public var holdOff: HoldOffScheduler
    /// How long the same diagnostic stays quiet before its Event's count is bumped.
    public var eventRepeatInterval: Duration
    /// Backoff between retries of failed status or Event writes.
    public var writeRetryBackoff: Backoff

    public init(
        translation: TranslationOptions = TranslationOptions(), statusAddresses: StatusAddressSource = .none,
        election: LeaderElectionConfiguration? = nil, reflector: ReflectorConfiguration = ReflectorConfiguration(),
        holdOff: HoldOffScheduler = HoldOffScheduler(), eventRepeatInterval: Duration = .seconds(600),
        writeRetryBackoff: Backoff = Backoff()
    ) {
        self.translation = translation
        self.statusAddresses = statusAddresses
        self.election = election
        self.reflector = reflector
        self.holdOff = holdOff
        self.eventRepeatInterval = eventRepeatInterval
        self.writeRetryBackoff = writeRetryBackoff
    }
}
