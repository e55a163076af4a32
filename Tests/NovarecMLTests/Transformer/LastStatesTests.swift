import NovarecCore
import Testing
@testable import NovarecML

/// `SequenceEncoder.lastStates` (what serving runs) against the full `forward` (what training
/// runs) at each sequence's last row: the same states up to rounding, for every length from one
/// item to more than `maxLength`, in a model with and without text.
struct LastStatesTests {
    static func histories(items: Int, seed: UInt64) -> [ArraySlice<Int32>] {
        var random = SeededGenerator(seed: seed)
        return (1...9).map { length in ArraySlice((0..<length).map { _ in Int32(random.next() % UInt64(items)) }) }
    }

    func check(_ model: SASRec, histories: [ArraySlice<Int32>]) {
        let batch = RaggedBatch(sequences: histories, maxLength: model.configuration.maxLength)
        let (full, last) = model.runtimeValues.withUnsafeBufferPointer { values in
            (model.encoder.forward(batch, parameters: values.baseAddress!, dropout: nil), model.encoder.lastStates(batch, parameters: values.baseAddress!))
        }
        let d = model.configuration.dimension
        #expect(last.count == histories.count * d)
        for (index, row) in batch.lastRows.enumerated() {
            for j in 0..<d {
                let expected = full.output[row * d + j]
                #expect(abs(last[index * d + j] - expected) <= 1e-5 * max(1, abs(expected)), "sequence \(index), component \(j)")
            }
        }
    }

    @Test func lastStatesAreForwardsLastRows() throws {
        var configuration = SASRecTests.tinyConfiguration(items: 11)
        configuration.layers = 3
        check(try SASRec(configuration: configuration, seed: 5), histories: Self.histories(items: 11, seed: 1))
    }

    /// Serving's shape: 64 dimensions in two heads of 32 (whole vectors), histories from one
    /// item to past `maxLength`, so attention rows are both shorter and longer than a vector.
    @Test func theSameHoldsAtServingWidth() throws {
        var configuration = SASRecConfiguration(itemCount: 40)
        configuration.maxLength = 20
        var random = SeededGenerator(seed: 3)
        let histories = (1...25).map { length in ArraySlice((0..<length).map { _ in Int32(random.next() % 40) }) }
        check(try SASRec(configuration: configuration, seed: 7), histories: histories)
    }

    @Test func theSameHoldsForATextAwareModel() throws {
        var configuration = SASRecTests.tinyConfiguration(items: 11)
        configuration.textWidth = 4
        var random = SeededGenerator(seed: 9)
        let text = (0..<(11 * 4)).map { _ in Float(random.nextUnit()) - 0.5 }
        check(try SASRec(configuration: configuration, seed: 6, itemText: text), histories: Self.histories(items: 11, seed: 2))
    }
}
