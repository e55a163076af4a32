import Dispatch
import Foundation
import NovarecCore
import NovarecHTTP
import NovarecML
import Synchronization
import Testing
@testable import NovarecService

/// Requests scored in batches get what they would get alone, whatever the interleaving.
struct ScoringBatcherTests {
    let engine = RecommendationEngineTests.engine()

    /// Scores of `history` on `model`, alone.
    private func alone(_ model: ServingModel, _ history: [Int32]) -> [Float] {
        var scores = [Float](repeating: 0, count: model.items.count)
        scores.withUnsafeMutableBufferPointer { model.model!.score(history: history[...], into: $0) }
        return scores
    }

    /// A model unlike the engine's: another ItemKNN, on another shop of 44 items.
    private static func otherModel() -> ServingModel {
        let training: [ArraySlice<Int32>] = (0..<50).map { (user: Int) -> ArraySlice<Int32> in
            ArraySlice((0..<5).map { (step: Int) -> Int32 in Int32((user * 5 + step * 7) % 44) })
        }
        let statistics = PopularityStatistics(itemCount: 44, trainingSequences: training)
        let model = ItemKNN(
            cooccurrence: ItemCooccurrence(itemCount: 44, trainingSequences: training), statistics: statistics,
            configuration: .init(shrink: 2, neighbourhood: 3, decay: 1))
        return ServingModel(
            version: "v2", model: model, items: Vocabulary(orderedIDs: (0..<44).map { "sku\($0)" }), userCounts: statistics.userCounts,
            users: 50)
    }

    /// Jobs on two different models (other weights, another catalogue size) queued together are
    /// each scored by their own model: a batch never mixes them.
    @Test func everyJobGetsItsOwnScoresAcrossModels() {
        let batcher = ScoringBatcher(maxBatch: 4)
        let models = [engine.model, Self.otherModel()]
        let histories: [[Int32]] = (0..<40).map { (job: Int) -> [Int32] in
            [job % 40, (job * 7) % 40, (job * 13) % 40].map { Int32($0) }
        }
        let results = Mutex<[Int: (version: String, scores: [Float])]>([:])
        let group = DispatchGroup()
        DispatchQueue.concurrentPerform(iterations: histories.count) { job in
            group.enter()
            let model = models[job % 2]
            batcher.submit(
                ScoringBatcher.Job(model: model, history: histories[job]) { scores in
                    results.withLock { $0[job] = (model.version, Array(scores)) }
                    group.leave()
                })
        }
        group.wait()
        let answers = results.withLock { $0 }
        #expect(answers.count == histories.count)
        let figures = batcher.figures
        #expect(figures.requests == histories.count)
        #expect((histories.count / 4...histories.count).contains(figures.batches))
        for (job, history) in histories.enumerated() {
            #expect(answers[job]?.version == models[job % 2].version)
            #expect(answers[job]?.scores == alone(models[job % 2], history), "job \(job)")
            #expect(alone(models[0], history) != alone(models[1], history), "the two models tell the jobs apart")
        }
    }

    @Test func jobsQueuedDuringATurnAreScoredTogetherAtItsEndOnTheSameThread() {
        let batcher = ScoringBatcher(maxBatch: 2)
        let model = engine.model
        let histories: [[Int32]] = [[1, 2], [3], [4, 5, 6]]
        let scored = Mutex<[(job: Int, thread: UInt, scores: [Float])]>([])
        let postponed = Mutex<[@Sendable () -> Void]>([])
        EndOfTurn.install { work in postponed.withLock { $0.append(work) } }
        defer { EndOfTurn.install(nil) }
        for (job, history) in histories.enumerated() {
            batcher.submit(
                ScoringBatcher.Job(model: model, history: history) { scores in
                    scored.withLock { $0.append((job, UInt(pthread_self()), Array(scores))) }
                })
        }
        #expect(scored.withLock { $0.isEmpty }, "nothing is scored before the turn ends")
        postponed.withLock { $0 }.forEach { $0() }
        let answers = scored.withLock { $0 }
        #expect(answers.map(\.job) == [0, 1, 2])
        #expect(answers.allSatisfy { $0.thread == UInt(pthread_self()) })
        #expect(zip(answers, histories).allSatisfy { $0.scores == alone(model, $1) })
        #expect(batcher.figures.batches == 2 && batcher.figures.requests == 3, "batches of at most maxBatch")
    }

    /// Successive turns on one loop score into the same kept buffer, and still get the scores
    /// each history gets alone.
    @Test func aLoopScoresSuccessiveBatchesIntoOneKeptBuffer() {
        let batcher = ScoringBatcher(maxBatch: 4)
        let model = engine.model
        let rows = Mutex<[(address: UInt, scores: [Float])]>([])
        let postponed = Mutex<[@Sendable () -> Void]>([])
        EndOfTurn.install { work in postponed.withLock { $0.append(work) } }
        defer { EndOfTurn.install(nil) }
        let turns: [[[Int32]]] = [[[1, 2], [3]], [[4, 5, 6]]]
        for histories in turns {
            for history in histories {
                batcher.submit(
                    ScoringBatcher.Job(model: model, history: history) { scores in
                        rows.withLock { $0.append((UInt(bitPattern: scores.baseAddress), Array(scores))) }
                    })
            }
            postponed.withLock { work in
                defer { work = [] }
                return work
            }.forEach { $0() }
        }
        let scored = rows.withLock { $0 }
        #expect(scored.map(\.scores) == turns.joined().map { alone(model, $0) })
        #expect(scored[2].address == scored[0].address, "the second turn's batch starts where the first's did")
    }

    /// Two loops' turns overlap: each loop's end of turn scores the jobs it queued, never the
    /// other's, even when the other's are queued first.
    @Test func eachLoopScoresOnlyTheJobsItQueued() {
        let batcher = ScoringBatcher(maxBatch: 8)
        let model = engine.model
        let scored = Mutex<[(loop: Int, thread: UInt, scores: [Float])]>([])
        let queued = [DispatchSemaphore(value: 0), DispatchSemaphore(value: 0)]
        let turnEnds = [DispatchSemaphore(value: 0), DispatchSemaphore(value: 0)]
        let finished = [DispatchSemaphore(value: 0), DispatchSemaphore(value: 0)]
        let histories: [[[Int32]]] = [[[1, 2], [3]], [[4, 5, 6], [7], [8, 9]]]
        for loop in 0..<2 {
            Thread {
                let postponed = Mutex<[@Sendable () -> Void]>([])
                EndOfTurn.install { work in postponed.withLock { $0.append(work) } }
                for history in histories[loop] {
                    batcher.submit(
                        ScoringBatcher.Job(model: model, history: history) { scores in
                            scored.withLock { $0.append((loop, UInt(pthread_self()), Array(scores))) }
                        })
                }
                queued[loop].signal()
                turnEnds[loop].wait()
                postponed.withLock { $0 }.forEach { $0() }
                EndOfTurn.install(nil)
                finished[loop].signal()
            }.start()
        }
        queued.forEach { $0.wait() }
        turnEnds[1].signal()  // the loop that queued last ends its turn first
        finished[1].wait()
        turnEnds[0].signal()
        finished[0].wait()
        let answers = scored.withLock { $0 }
        #expect(answers.count == 5)
        for loop in 0..<2 {
            let own = answers.filter { $0.loop == loop }
            #expect(own.map(\.scores) == histories[loop].map { alone(model, $0) })
            #expect(Set(own.map(\.thread)).count == 1, "loop \(loop)'s jobs scored on one thread")
        }
        #expect(Set(answers.map(\.thread)).count == 2, "each on its own loop")
        #expect(batcher.figures.batches == 2 && batcher.figures.requests == 5)
    }

    @Test func theServerPathGivesTheSameListsAsTheDirectOne() throws {
        let queries = (0..<12).map { RecommendationQuery(history: ["sku\($0)", "sku\($0 + 6)", "sku\($0 + 20)"], k: 8, novelty: Double($0 % 4) / 4) }
        for query in queries {
            let direct = try engine.recommend(query)
            let answer = Mutex<Result<Recommendations, RecommendationError>?>(nil)
            let done = DispatchSemaphore(value: 0)
            engine.recommend(query) { result in
                answer.withLock { $0 = result }
                done.signal()
            }
            done.wait()
            let served = try #require(answer.withLock { $0 })
            #expect(try served.get().items.map(\.itemID) == direct.items.map(\.itemID))
        }
        let metrics = PrometheusText.render(ServiceMetrics.families(engine: engine, embedder: nil, coordinator: nil, http: nil))
        #expect(metrics.contains("\nnovarec_scoring_requests_total \(queries.count)\n"))
        let invalid = RecommendationQuery(history: ["sku1"], k: 0)
        let refused = Mutex<Bool>(false)
        engine.recommend(invalid) { result in refused.withLock { $0 = (try? result.get()) == nil } }
        #expect(refused.withLock { $0 })
    }
}
