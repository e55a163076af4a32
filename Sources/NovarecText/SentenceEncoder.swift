import Foundation
import NovarecCore

/// Text in, one unit-length vector per text out: a WordPiece tokenizer and a BERT encoder with
/// mean pooling, as sentence-transformers runs a model such as all-MiniLM-L6-v2. This is what
/// turns item titles and descriptions into vectors the recommender can compare.
///
/// `encode` cuts the texts into batches of about `batchTokens` tokens and runs the batches on
/// all cores (`Parallel`); each batch's products are single-threaded `sgemm` calls, so
/// OpenBLAS should run one thread per call (`OPENBLAS_NUM_THREADS=1`, as `deploy/` sets).
public struct SentenceEncoder: Sendable {
    public let tokenizer: WordPieceTokenizer
    public let encoder: BertEncoder
    /// Tokens per batch (a batch holds at least one text).
    public var batchTokens = 2_048

    /// Pairs a tokenizer with an encoder whose vocabulary and positions it fits.
    public init(tokenizer: WordPieceTokenizer, encoder: BertEncoder) throws(TextModelError) {
        let c = encoder.configuration
        guard tokenizer.vocabulary.count <= c.vocabularySize else {
            throw TextModelError("the vocabulary has \(tokenizer.vocabulary.count) tokens, the embeddings only \(c.vocabularySize)")
        }
        guard tokenizer.maxLength <= c.maxPositions else {
            throw TextModelError("maximum sequence length \(tokenizer.maxLength) exceeds the \(c.maxPositions) position embeddings")
        }
        self.tokenizer = tokenizer
        self.encoder = encoder
    }

    /// Length of the vectors.
    public var dimension: Int { encoder.configuration.hidden }

    /// Every text's token ids (`[CLS] … [SEP]`), tokenised on all cores.
    public func tokenize(_ texts: [String]) -> [[Int32]] {
        Parallel.mapChunks(count: texts.count, chunks: 64) { range in range.map { tokenizer.encode(texts[$0]) } }.flatMap { $0 }
    }

    /// The texts' vectors, `texts.count × dimension` row-major, each of unit length.
    public func encode(_ texts: [String]) -> [Float] {
        embed(tokenize(texts))
    }

    /// The vectors of already tokenised texts, `sentences.count × dimension`.
    public func embed(_ sentences: [[Int32]]) -> [Float] {
        let batches = Self.batches(lengths: sentences.map(\.count), tokenBudget: batchTokens)
        let encoder = encoder
        return Parallel.mapChunks(count: batches.count, chunks: batches.count) { range in
            range.flatMap { encoder.sentenceEmbeddings(Array(sentences[batches[$0]])) }
        }.flatMap { $0 }
    }

    /// Consecutive ranges of texts holding at most `tokenBudget` tokens each (or one text).
    static func batches(lengths: [Int], tokenBudget: Int) -> [Range<Int>] {
        var batches: [Range<Int>] = []
        var start = 0
        var tokens = 0
        for (index, length) in lengths.enumerated() {
            if index > start, tokens + length > tokenBudget {
                batches.append(start..<index)
                (start, tokens) = (index, 0)
            }
            tokens += length
        }
        if start < lengths.count { batches.append(start..<lengths.count) }
        return batches
    }
}
