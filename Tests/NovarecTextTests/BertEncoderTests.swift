import Foundation
import Testing
@testable import NovarecText

/// The encoder on a tiny random BERT written to disk: its vectors equal a plain-loop forward pass,
/// do not depend on how texts are batched, and have unit length.
struct BertEncoderTests {
    static let texts = ["the cat sat on the mat", "dogs!", "", "unable playing a cat", "北京 cafe, xxxx.", "the the the the the the the the the the"]

    private func loadTinyModel(batchTokens: Int = 2_048) throws -> (SentenceEncoder, TinyBertModel, ScratchDirectory) {
        let scratch = try ScratchDirectory()
        let model = TinyBertModel()
        try model.write(to: scratch.url)
        var encoder = try SentenceEncoder.load(directory: scratch.url)
        encoder.batchTokens = batchTokens
        return (encoder, model, scratch)
    }

    @Test func matchesThePlainLoopForwardPass() throws {
        let (encoder, model, _) = try loadTinyModel()
        let sentences = encoder.tokenize(Self.texts)
        #expect(sentences[5].count == 10, "truncated to max_seq_length")
        let vectors = encoder.embed(sentences)
        for (index, ids) in sentences.enumerated() {
            let expected = model.referenceEmbedding(ids)
            let actual = vectors[(index * 8)..<((index + 1) * 8)]
            #expect(zip(actual, expected).allSatisfy { abs($0 - $1) < 2e-5 }, "text \(index): \(Array(actual)) vs \(expected)")
        }
    }

    @Test(arguments: [1, 7, 2_048])
    func batchingDoesNotChangeVectors(batchTokens: Int) throws {
        let (whole, _, _) = try loadTinyModel()
        let (batched, _, _) = try loadTinyModel(batchTokens: batchTokens)
        let one = Self.texts.flatMap { whole.encode([$0]) }
        #expect(zip(batched.encode(Self.texts), one).allSatisfy { abs($0 - $1) < 1e-6 })
    }

    @Test func vectorsHaveUnitLength() throws {
        let (encoder, _, _) = try loadTinyModel()
        let vectors = encoder.encode(Self.texts)
        for row in 0..<Self.texts.count {
            let norm = vectors[(row * 8)..<((row + 1) * 8)].reduce(0) { $0 + $1 * $1 }
            #expect(abs(norm - 1) < 1e-5)
        }
    }

    @Test func batchesRespectTheTokenBudget() {
        #expect(SentenceEncoder.batches(lengths: [3, 3, 3, 10, 1], tokenBudget: 6) == [0..<2, 2..<3, 3..<4, 4..<5])
        #expect(SentenceEncoder.batches(lengths: [], tokenBudget: 6).isEmpty)
    }

    @Test func exactGELUErfIsWithinAMillionth() {
        var worst: Double = 0
        for step in -8_000...8_000 {
            let x = Float(step) / 1_000
            worst = max(worst, abs(Double(ExactGELU.erf(x)) - erf(Double(x))))
        }
        #expect(worst < 1e-6)
    }
}
