import Dispatch

/// The monotonic time, in nanoseconds, that the server's timeouts are measured on. A server reads
/// the system's uptime; a test hands it a clock it moves by hand, so each timeout is checked
/// without being waited out.
public struct UptimeClock: Sendable {
    private let read: @Sendable () -> UInt64

    /// A clock reading `nanoseconds`, which must never go back.
    public init(_ nanoseconds: @escaping @Sendable () -> UInt64) { read = nanoseconds }

    /// The system's monotonic clock (`DispatchTime`'s uptime).
    public static let system = UptimeClock { DispatchTime.now().uptimeNanoseconds }

    public func now() -> UInt64 { read() }

    /// `now()` plus `seconds`; `.max` (never) for an infinite or absurdly long time (over 30
    /// years), which a conversion to integer nanoseconds would trap on or wrap.
    func now(plus seconds: Double) -> UInt64 {
        let nanoseconds = max(0, seconds) * 1e9
        guard nanoseconds < 1e18 else { return .max }
        return now() + UInt64(nanoseconds)
    }
}
