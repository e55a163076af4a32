import Foundation
import Testing
@testable import NovarecService

/// The election's timing rules with a manual clock: no sleeps, no database.
struct TrainerElectionTests {
    static func election(newEvents: Int = 0, interval: Double = 0) -> TrainerElection {
        var policy = TrainingPolicy()
        policy.pollInterval = 5
        policy.newEvents = newEvents
        policy.interval = interval
        return TrainerElection(policy: policy)
    }

    let start = Date(timeIntervalSince1970: 1_000_000)

    @Test func followerTriesOncePerPollInterval() {
        var election = Self.election()
        #expect(election.tick(now: start, lockHeld: false) == .claim)
        #expect(election.tick(now: start + 4.9, lockHeld: false) == .wait)
        #expect(election.tick(now: start + 5, lockHeld: false) == .claim)
        #expect(election.role == .follower)
    }

    @Test func holdingTheLockTakesTheRoleOver() {
        var election = Self.election()
        #expect(election.tick(now: start, lockHeld: false) == .claim)
        #expect(election.tick(now: start, lockHeld: true) == .takeOver)
        #expect(election.role == .trainer)
        #expect(election.tick(now: start + 1, lockHeld: true) == .wait, "no trigger set")
    }

    @Test func losingTheLockResignsAndClaimsAgainAtOnce() {
        var election = Self.election()
        _ = election.tick(now: start, lockHeld: true)
        #expect(election.tick(now: start + 1, lockHeld: false) == .resign)
        #expect(election.role == .follower)
        #expect(election.tick(now: start + 1, lockHeld: false) == .claim)
    }

    @Test func enoughNewEventsStartARun() {
        var election = Self.election(newEvents: 100)
        #expect(!election.needsEventCount)
        _ = election.tick(now: start, lockHeld: true)
        #expect(election.needsEventCount)
        #expect(election.tick(now: start + 1, lockHeld: true, newEvents: 99) == .wait)
        #expect(election.tick(now: start + 2, lockHeld: true, newEvents: 100) == .train(.events))
    }

    @Test func theScheduleCountsFromTakeOverAndFromEachRun() {
        var election = Self.election(interval: 60)
        _ = election.tick(now: start, lockHeld: true)
        #expect(election.tick(now: start + 59, lockHeld: true) == .wait)
        #expect(election.tick(now: start + 60, lockHeld: true) == .train(.schedule))
        #expect(election.tick(now: start + 100, lockHeld: true) == .wait, "the period restarts with the run")
        #expect(election.tick(now: start + 120, lockHeld: true) == .train(.schedule))
    }

    @Test func aRequestGoesFirst() {
        var election = Self.election(newEvents: 1, interval: 1)
        _ = election.tick(now: start, lockHeld: true)
        #expect(election.tick(now: start + 10, lockHeld: true, newEvents: 5, requested: true) == .train(.requested))
    }

    @Test func retentionIsEnforcedAtTakeOverThenHourly() {
        var policy = TrainingPolicy()
        policy.pollInterval = 5
        policy.newEvents = 0
        policy.eventRetentionDays = 30
        var election = TrainerElection(policy: policy)
        #expect(election.tick(now: start, lockHeld: true) == .takeOver)
        #expect(election.tick(now: start + 1, lockHeld: true) == .expire)
        #expect(election.tick(now: start + 2, lockHeld: true) == .wait)
        #expect(election.tick(now: start + 3601, lockHeld: true) == .expire)
    }

    @Test func withoutRetentionNothingExpires() {
        var election = Self.election()
        _ = election.tick(now: start, lockHeld: true)
        #expect(election.tick(now: start + 100_000, lockHeld: true) == .wait)
    }

    @Test func aFollowerNeverTrains() {
        var election = Self.election(newEvents: 1, interval: 1)
        #expect(election.tick(now: start, lockHeld: false, newEvents: 10, requested: true) == .claim)
        #expect(election.tick(now: start + 100, lockHeld: false, newEvents: 10, requested: true) == .claim)
    }
}
