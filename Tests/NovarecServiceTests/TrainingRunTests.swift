import Foundation
import NovarecCore
import NovarecML
import Testing
@testable import NovarecService

/// A training run on a generated shop, without a database: when most of its items have text
/// vectors it trains a text-aware Transformer (a full retrain), otherwise an id-only one.
struct TrainingRunTests {
    static func interactions() -> (events: [(user: String, item: String, time: Double)], items: [String]) {
        var configuration = SyntheticShopGenerator.Configuration()
        configuration.users = 150
        configuration.items = 30
        let shop = SyntheticShopGenerator(configuration: configuration).generate()
        let events = shop.sequences.enumerated().flatMap { user, sequence in
            sequence.enumerated().map { position, item in (user: "u\(user)", item: "sku\(item)", time: Double(position)) }
        }
        return (events, (0..<30).map { "sku\($0)" })
    }

    static func run(textCoverage covered: Int) throws -> (checkpoint: SASRecCheckpoint, reason: String) {
        let (events, items) = interactions()
        var policy = TrainingPolicy()
        policy.options.epochs = 2
        policy.options.refitEpochs = 0
        let parent = ServingModel(version: "popularity", model: nil, items: Vocabulary(orderedIDs: items), userCounts: items.map { _ in 1 }, users: 150)
        var run = TrainingRun(policy: policy, request: TrainingRequest(trigger: "test"), version: "v-text", parent: parent)
        run.itemText = ItemTextIndex(dimension: 8)
        var random = SeededGenerator(seed: 7)
        for id in items.prefix(covered) { run.itemText.insert(id, vector: (0..<8).map { _ in Float(random.nextUnit()) - 0.5 }) }
        let outcome = try run.run(on: events, progress: { _ in }, isCancelled: { false })
        return (try SASRecCheckpoint.decode(outcome.checkpoint, source: "run"), outcome.reason)
    }

    @Test func mostItemsWithTextMakeATextAwareModel() throws {
        let (checkpoint, reason) = try Self.run(textCoverage: 20)
        #expect(checkpoint.model.configuration.textWidth == 8)
        #expect(checkpoint.model.itemText?.count == checkpoint.itemIDs.count * 8)
        #expect(reason.contains("text-aware"))
    }

    @Test func fewItemsWithTextKeepTheModelIdOnly() throws {
        let (checkpoint, reason) = try Self.run(textCoverage: 5)
        #expect(checkpoint.model.configuration.textWidth == 0)
        #expect(!reason.contains("text-aware"))
    }
}
