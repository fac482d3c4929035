/// Generates `X-Request-ID` values: 32 lowercase hex digits from a SplitMix64 sequence seeded
/// once from the system's random source.
///
/// One generator lives per event loop (in `ProxyLoopContext`), so a request costs a few
/// arithmetic operations instead of a `getrandom` system call. The ids only need to be unique
/// and unguessable enough to correlate logs, not to be secrets.
struct RequestIDGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) {
        self.state = seed
    }

    init() {
        var system = SystemRandomNumberGenerator()
        self.init(seed: system.next())
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The next request id.
    mutating func nextID() -> String {
        Self.hex(next(), next())
    }

    /// `high` then `low` as 32 lowercase hex digits, written straight into the string's storage.
    static func hex(_ high: UInt64, _ low: UInt64) -> String {
        String(unsafeUninitializedCapacity: 32) { bytes in
            for index in 0..<32 {
                let word = index < 16 ? high : low
                let shift = UInt64(60 - 4 * (index & 15))
                let nibble = UInt8(truncatingIfNeeded: word >> shift) & 0xF
                bytes[index] = nibble < 10 ? nibble + UInt8(ascii: "0") : nibble - 10 + UInt8(ascii: "a")
            }
            return 32
        }
    }
}
