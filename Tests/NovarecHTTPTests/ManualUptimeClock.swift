import NovarecHTTP
import Synchronization

/// A server clock a test moves by hand, so timeouts are checked at exact times and never waited out.
final class ManualUptimeClock: Sendable {
    private let nanoseconds = Mutex<UInt64>(1_000_000_000)

    var clock: UptimeClock { UptimeClock { [self] in nanoseconds.withLock { $0 } } }

    func advance(by seconds: Double) { nanoseconds.withLock { $0 += UInt64(seconds * 1e9) } }
}
