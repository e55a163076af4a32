import Foundation

/// Which replica trains, and when it starts a run, as a pure state machine: the caller reports
/// the time and whether this replica holds the trainer lock (plus what the triggers need), and
/// does what the returned action says. No clock, thread or database inside, so every timing
/// rule is tested with a manual clock.
///
/// A follower tries for the lock once per poll interval; the replica whose try succeeds takes
/// the role over. The trainer starts a run when one was requested, when enough new events
/// arrived, or when the schedule's period passed since its last run (or its take-over); with a
/// retention period it deletes expired events at take-over and hourly after; it resigns as soon as it no longer holds the lock (a broken connection frees it) and tries for
/// it again at the next tick.
struct TrainerElection: Sendable {
    /// Why a run starts.
    enum Trigger: String, Sendable {
        case requested, events, schedule
    }

    enum Action: Equatable, Sendable {
        /// Nothing to do before the next tick.
        case wait
        /// Try for the trainer lock now, and tick again with the answer.
        case claim
        /// The lock is this replica's: take the role over (mark interrupted runs failed, read
        /// the last run's watermark).
        case takeOver
        /// The lock is lost: drop the trainer's connections.
        case resign
        /// Start a run.
        case train(Trigger)
        /// Delete the events older than the retention period.
        case expire
    }

    /// Seconds between two retention sweeps.
    static let expiryInterval = 3600.0

    /// The triggers' settings (`TrainingPolicy`'s).
    let pollInterval: Double
    let newEventsThreshold: Int
    let interval: Double
    let retentionDays: Double

    private(set) var role = TrainerRole.follower
    private var nextClaim = Date.distantPast
    private var lastRun = Date.distantPast
    private var nextExpiry = Date.distantPast

    init(policy: TrainingPolicy) {
        pollInterval = policy.pollInterval
        newEventsThreshold = policy.newEvents
        interval = policy.interval
        retentionDays = policy.eventRetentionDays
    }

    /// Whether the trainer needs the count of events since the last run's data for its next tick.
    var needsEventCount: Bool { role == .trainer && newEventsThreshold > 0 }

    /// - Parameters:
    ///   - lockHeld: this replica holds the trainer lock on working connections.
    ///   - newEvents: interactions stored since the last run's data (read when `needsEventCount`).
    ///   - requested: a run was requested and waits.
    mutating func tick(now: Date, lockHeld: Bool, newEvents: Int = 0, requested: Bool = false) -> Action {
        switch role {
        case .follower:
            if lockHeld {
                role = .trainer
                lastRun = now
                nextExpiry = now
                return .takeOver
            }
            guard now >= nextClaim else { return .wait }
            nextClaim = now.addingTimeInterval(pollInterval)
            return .claim
        case .trainer:
            guard lockHeld else {
                role = .follower
                nextClaim = now
                return .resign
            }
            if let trigger = trigger(now: now, newEvents: newEvents, requested: requested) {
                lastRun = now
                return .train(trigger)
            }
            guard retentionDays > 0, now >= nextExpiry else { return .wait }
            nextExpiry = now.addingTimeInterval(Self.expiryInterval)
            return .expire
        }
    }

    private func trigger(now: Date, newEvents: Int, requested: Bool) -> Trigger? {
        if requested { return .requested }
        if newEventsThreshold > 0, newEvents >= newEventsThreshold { return .events }
        if interval > 0, now.timeIntervalSince(lastRun) >= interval { return .schedule }
        return nil
    }
}
