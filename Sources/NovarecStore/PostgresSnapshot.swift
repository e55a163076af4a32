/// Which transactions' effects a read saw: PostgreSQL's `pg_current_snapshot()`, whose text form
/// is `xmin:xmax:xip,xip,...`. A reader that also hears of changes by notification (which name
/// the transaction that made them) tells with it whether a change is already in what it read,
/// so it takes every change in exactly once, whatever the order of reading and hearing.
public struct PostgresSnapshot: Sendable, Equatable {
    /// Every transaction below it had ended when the snapshot was taken.
    public let xmin: UInt64
    /// No transaction from it on had started.
    public let xmax: UInt64
    /// Transactions between the two that were still running.
    public let running: Set<UInt64>

    public init(xmin: UInt64, xmax: UInt64, running: Set<UInt64> = []) {
        (self.xmin, self.xmax, self.running) = (xmin, xmax, running)
    }

    /// Parses the text form; nil when `text` is not one.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, let xmin = UInt64(parts[0]), let xmax = UInt64(parts[1]), xmin <= xmax else { return nil }
        let running = parts[2].isEmpty ? [] : parts[2].split(separator: ",", omittingEmptySubsequences: false).map { UInt64($0) }
        guard running.allSatisfy({ $0.map { (xmin..<xmax).contains($0) } ?? false }) else { return nil }
        self.init(xmin: xmin, xmax: xmax, running: Set(running.compactMap { $0 }))
    }

    /// Whether the effects of the committed transaction `transaction` are visible in the snapshot.
    public func sees(_ transaction: UInt64) -> Bool {
        transaction < xmin || (transaction < xmax && !running.contains(transaction))
    }
}
