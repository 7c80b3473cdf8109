import Synchronization

/// Capped exponential backoff with full jitter: attempt `n` (from 1) waits a uniform random time in
/// `0...min(maxDelay, baseDelay * 2^(n-1))` before the next one.
///
/// See: <https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/>.
package struct RetryPolicy: Sendable {
    /// Attempts in all, the first included.
    package var maxAttempts: Int
    /// The backoff cap of the first retry.
    package var baseDelay: Duration
    /// The backoff cap of any retry.
    package var maxDelay: Duration
    /// The jitter source; seed it in tests for a repeatable schedule.
    package let random: JitterSource

    /// A policy; `seed` makes the jitter repeatable (tests), nil seeds from the system.
    package init(
        maxAttempts: Int = 6, baseDelay: Duration = .milliseconds(200), maxDelay: Duration = .seconds(20),
        seed: UInt64? = nil
    ) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.random = JitterSource(seed: seed ?? UInt64.random(in: .min ... .max))
    }

    /// How long to wait after failed attempt `attempt` (1-based).
    package func delay(afterAttempt attempt: Int) -> Duration {
        let exponent = min(attempt - 1, 30)
        let cap = min(maxDelay, baseDelay * (1 << exponent))
        return cap * random.nextUnit()
    }
}

/// A SplitMix64 generator behind a lock: parts upload in parallel and all draw from one policy.
package final class JitterSource: Sendable {
    private let state: Mutex<UInt64>

    /// A generator starting at `seed`.
    package init(seed: UInt64) {
        state = Mutex(seed)
    }

    /// A uniform value in `0...1`.
    package func nextUnit() -> Double {
        let value = state.withLock { state -> UInt64 in
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        return Double(value >> 11) / Double(1 << 53)
    }
}
