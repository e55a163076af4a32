import Foundation
import NovarecTestSupport
import Testing
@testable import NovarecText

/// all-MiniLM-L6-v2 as `deploy/setup.sh` unpacks it: token ids and the first vector components
/// recorded from Hugging Face `tokenizers` and sentence-transformers 6.2 (torch, CPU). The
/// weights are fetched first when the checkout lacks them (`TextModelFixture`).
struct RealModelTests {
    static let encoder = Result { try SentenceEncoder.load(directory: TextModelFixture.directory.get()) }

    static let cases: [(text: String, ids: [Int32], head: [Float])] = [
        ("A man is eating food.", [101, 1037, 2158, 2003, 5983, 2833, 1012, 102], [0.03324, 0.00441, -0.00628, 0.04838, -0.1387, -0.03362]),
        (
            "Gorilla Original Gorilla Glue, Waterproof Polyurethane Glue, 8 ounce Bottle, Brown.",
            [101, 23526, 2434, 23526, 25238, 1010, 2300, 18907, 26572, 5397, 21604, 2063, 25238, 1010, 1022, 19471, 5835, 1010, 2829, 1012, 102],
            [-0.13279, 0.04971, 0.0796, 0.02667, 0.02386, 0.009]
        ),
        ("Toy Story (1995)", [101, 9121, 2466, 1006, 2786, 1007, 102], [-0.08284, 0.05303, 0.05358, -0.02794, 0.01613, 0.01213])
    ]

    @Test func loadsWithItsPublishedShape() throws {
        let encoder = try Self.encoder.get()
        #expect(
            encoder.encoder.configuration
                == BertConfiguration(
                    vocabularySize: 30_522, hidden: 384, layers: 6, heads: 12, intermediate: 1_536, maxPositions: 512, layerNormEpsilon: 1e-12))
        #expect(encoder.tokenizer.maxLength == 256 && encoder.dimension == 384)
    }

    @Test func matchesTheReferenceTokensAndVectors() throws {
        let encoder = try Self.encoder.get()
        #expect(encoder.tokenize(Self.cases.map(\.text)) == Self.cases.map(\.ids))
        let vectors = encoder.encode(Self.cases.map(\.text))
        for (index, item) in Self.cases.enumerated() {
            let head = vectors[(index * 384)..<(index * 384 + 6)]
            #expect(zip(head, item.head).allSatisfy { abs($0 - $1) < 2e-5 }, "\(item.text): \(Array(head))")
        }
    }
}
