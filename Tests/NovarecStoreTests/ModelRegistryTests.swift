import Foundation
import NovarecTestSupport
import Testing
@testable import NovarecStore

/// The model registry against a real PostgreSQL database.
struct ModelRegistryTests {
    private let metrics = ["ndcg10": 0.05, "novelty10": 9.1, "coverage10": 0.7]

    private func registry() throws -> ModelRegistry {
        ModelRegistry(database: try ThrowawayPostgres.freshConnection())
    }

    private func accept(_ version: String, in registry: ModelRegistry, checkpoint: StoredCheckpoint = .bytes(Data("weights".utf8))) throws {
        try registry.begin(version: version, parent: try registry.current()?.version, trigger: "events", trainer: "replica-a", watermark: 10)
        try registry.finish(
            version: version, state: .accepted, reason: "gate passed", trainedEvents: 10, candidateMetrics: metrics,
            trainingSeconds: 1.5, evaluationSeconds: 0.25, checkpoint: checkpoint, sha256: "sha-\(version)")
    }

    private func state(of version: String, in registry: ModelRegistry) throws -> ModelRecord? {
        try registry.recent(limit: 100).first { $0.version == version }
    }

    @Test func anAcceptedRunIsServedAndItsCheckpointRoundTrips() throws {
        let registry = try registry()
        #expect(try registry.current() == nil)
        let weights = Data((0..<1_000_000).map { _ in UInt8.random(in: .min ... .max) })
        try accept("v1", in: registry, checkpoint: .bytes(weights))
        let current = try #require(try registry.current())
        #expect(current.version == "v1" && current.state == .accepted && current.parent == nil && current.kind == "sasrec")
        #expect(current.trigger == "events" && current.trainer == "replica-a" && current.reason == "gate passed")
        #expect(current.dataWatermark == 10 && current.trainedEvents == 10)
        #expect(current.candidateMetrics == metrics && current.servingMetrics == nil)
        #expect(current.trainingSeconds == 1.5 && current.evaluationSeconds == 0.25 && current.sha256 == "sha-v1")
        #expect(current.finishedAt != nil && current.acceptedAt != nil)
        let stored = try #require(try registry.checkpoint(version: "v1"))
        #expect(stored.data == weights)
        #expect(stored.sha256 == "sha-v1")
        try accept("v2", in: registry)
        #expect(try registry.current()?.parent == "v1")
        #expect(current.checkpointPath == nil)
    }

    @Test func aCheckpointInASharedDirectoryIsReadFromItsFile() throws {
        let registry = try registry()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("novarec-registry-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data("file weights".utf8).write(to: file)
        try accept("v1", in: registry, checkpoint: .file(path: file.path))
        #expect(try registry.current()?.checkpointPath == file.path)
        #expect(try registry.checkpoint(version: "v1")?.data == Data("file weights".utf8))
        try FileManager.default.removeItem(at: file)
        #expect(throws: ModelRegistryError.self, "a missing file is an error, not a missing model") { try registry.checkpoint(version: "v1") }
    }

    @Test func aRecordEncodesSnakeCaseKeysRFC3339TimesAndOmitsAbsentValues() throws {
        let registry = try registry()
        try accept("v1", in: registry)
        let record = try #require(try registry.current())
        let json = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(record)) as? [String: Any])
        #expect(
            Set(json.keys) == [
                "version", "kind", "state", "reason", "trigger", "trainer", "data_watermark", "trained_events", "candidate_metrics",
                "sha256", "started_at", "finished_at", "training_seconds", "evaluation_seconds", "accepted_at"
            ])
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        #expect(formatter.date(from: record.startedAt) != nil, "\(record.startedAt)")
        #expect(json["state"] as? String == "accepted")
        #expect(try JSONDecoder().decode(ModelRecord.self, from: JSONEncoder().encode(record)) == record)
    }

    @Test func aRejectedRunIsRecordedWithoutChangingTheServedModel() throws {
        let registry = try registry()
        try accept("v1", in: registry)
        try registry.begin(version: "v2", parent: "v1", trigger: "schedule", trainer: "replica-b", watermark: 20)
        try registry.finish(
            version: "v2", state: .rejected, reason: "ndcg10 fell", candidateMetrics: ["ndcg10": 0.01],
            servingMetrics: metrics, checkpoint: .bytes(Data("unused".utf8)), sha256: "sha-v2")
        #expect(try registry.current()?.version == "v1")
        let rejected = try #require(try state(of: "v2", in: registry))
        #expect(rejected.state == .rejected && rejected.reason == "ndcg10 fell" && rejected.acceptedAt == nil)
        #expect(rejected.servingMetrics == metrics && rejected.sha256 == nil)
        #expect(try registry.checkpoint(version: "v2") == nil, "only accepted runs keep their checkpoint")
    }

    @Test func rollbackServesThePreviousAcceptedModel() throws {
        let registry = try registry()
        #expect(throws: ModelRegistryError.noPreviousModel(current: nil)) { try registry.rollback(reason: "none") }
        try accept("v1", in: registry)
        try accept("v2", in: registry)
        let restored = try registry.rollback(reason: "complaints")
        #expect(restored.version == "v1" && restored.state == .accepted)
        #expect(try registry.current() == restored)
        let rolledBack = try #require(try state(of: "v2", in: registry))
        #expect(rolledBack.state == .rolledBack && rolledBack.reason == "complaints")
        let before = try registry.recent(limit: 10)
        #expect(throws: ModelRegistryError.noPreviousModel(current: "v1")) { try registry.rollback(reason: "again") }
        #expect(try registry.recent(limit: 10) == before, "a refused rollback changes nothing")
    }

    /// A run judged against the model served when it began is not accepted once another model is
    /// served (an operator rolled back meanwhile, or another run was accepted): it is recorded
    /// rejected with the reason, keeps no checkpoint, and the served model stays.
    @Test func aRunWhoseServedModelChangedMeanwhileIsNotAccepted() throws {
        let registry = try registry()
        try accept("v1", in: registry)
        try accept("v2", in: registry)
        try registry.begin(version: "v3", parent: "v2", trigger: "events", trainer: "replica-a", watermark: 10)
        _ = try registry.rollback(reason: "v2 is bad")
        let recorded = try registry.finish(
            version: "v3", state: .accepted, reason: "gate passed", checkpoint: .bytes(Data([1])), sha256: "sha-v3")
        #expect(recorded == .rejected)
        #expect(try registry.current()?.version == "v1")
        let v3 = try #require(try state(of: "v3", in: registry))
        #expect(v3.state == .rejected)
        #expect(v3.reason == "gate passed; the served model changed during the run (now v1)")
        #expect(try registry.checkpoint(version: "v3") == nil)

        try registry.begin(version: "v4", parent: nil, trigger: "events", trainer: "replica-a", watermark: 10)
        #expect(
            try registry.finish(version: "v4", state: .accepted, checkpoint: .bytes(Data([2])), sha256: "sha-v4") == .rejected,
            "judged against no model while v1 is served")
        try registry.begin(version: "v5", parent: "v1", trigger: "events", trainer: "replica-a", watermark: 10)
        #expect(try registry.finish(version: "v5", state: .accepted, checkpoint: .bytes(Data([3])), sha256: "sha-v5") == .accepted)
        #expect(try registry.current()?.version == "v5")
    }

    @Test func runsLeftTrainingAreMarkedInterruptedAndCannotFinishLater() throws {
        let registry = try registry()
        try accept("v1", in: registry)
        try registry.begin(version: "v2", parent: "v1", trigger: "events", trainer: "replica-a", watermark: 20)
        try registry.begin(version: "v3", parent: "v1", trigger: "events", trainer: "replica-b", watermark: 30)
        #expect(try registry.markInterrupted().sorted() == ["v2", "v3"])
        for version in ["v2", "v3"] {
            let record = try #require(try state(of: version, in: registry))
            #expect(record.state == .failed && record.reason == "interrupted" && record.finishedAt != nil)
        }
        #expect(throws: ModelRegistryError.notTraining(version: "v2")) {
            try registry.finish(version: "v2", state: .accepted, checkpoint: .bytes(Data([1])), sha256: "late")
        }
        #expect(try registry.current()?.version == "v1")
        #expect(try registry.markInterrupted() == [])
    }

    @Test func finishRefusesStatesThatDoNotEndARunAndAcceptanceWithoutCheckpoint() throws {
        let registry = try registry()
        try registry.begin(version: "v1", parent: nil, trigger: "admin", trainer: "replica-a", watermark: 0)
        #expect(throws: ModelRegistryError.notAnOutcome(.rolledBack)) { try registry.finish(version: "v1", state: .rolledBack) }
        #expect(throws: ModelRegistryError.checkpointMissing(version: "v1")) { try registry.finish(version: "v1", state: .accepted) }
        #expect(throws: ModelRegistryError.notTraining(version: "missing")) { try registry.finish(version: "missing", state: .failed) }
        try registry.finish(version: "v1", state: .failed, reason: "out of memory")
        #expect(try state(of: "v1", in: registry)?.state == .failed)
    }

    @Test func recentListsNewestRunsFirst() throws {
        let registry = try registry()
        for version in ["v1", "v2", "v3"] {
            try registry.begin(version: version, parent: nil, trigger: "schedule", trainer: "replica-a", watermark: 0)
        }
        #expect(try registry.recent(limit: 2).map(\.version) == ["v3", "v2"])
        #expect(try registry.recent(limit: 10).allSatisfy { $0.state == .training && $0.finishedAt == nil })
    }
}
