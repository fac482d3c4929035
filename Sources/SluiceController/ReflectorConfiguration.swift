/// Timing of every reflector; the defaults are client-go's.
public struct ReflectorConfiguration: Sendable {
    /// Backoff after failures: 800 ms doubling to 30 s, with jitter.
    public var backoff: Backoff
    /// Each WATCH asks the server to end it after a random time in this range (seconds), so the
    /// watches of many controllers do not all restart at once.
    public var watchTimeoutSeconds: ClosedRange<Int>
    /// A uniform random number in `0..<1`, for jitter.
    public var random: @Sendable () -> Double

    public init(
        backoff: Backoff = Backoff(), watchTimeoutSeconds: ClosedRange<Int> = 300...600,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.backoff = backoff
        self.watchTimeoutSeconds = watchTimeoutSeconds
        self.random = random
    }

    func randomWatchTimeout() -> Int {
        let span = Double(watchTimeoutSeconds.upperBound - watchTimeoutSeconds.lowerBound + 1)
        return min(watchTimeoutSeconds.lowerBound + Int(random() * span), watchTimeoutSeconds.upperBound)
    }
}
