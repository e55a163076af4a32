/// Activations of one encoder forward pass, kept for its backward pass. Sized for one batch and
/// used by one thread at a time. Dropout masks hold 0 or the keep-scale (all 1 without dropout).
final class EncoderActivations {
    let batch: RaggedBatch
    var embedded: [Float]
    var embeddingMask: [Float]
    let blocks: [BlockActivations]
    var finalNormalized: [Float]
    var finalDeviation: [Float]
    /// Final per-token states, `rows × d`.
    var output: [Float]

    init(configuration c: SASRecConfiguration, batch: RaggedBatch, attention: CausalSelfAttention) {
        let n = batch.tokenCount
        let d = c.dimension
        self.batch = batch
        embedded = .init(uninitializedCount: n * d)
        embeddingMask = [Float](repeating: 1, count: n * d)
        let offsets = attention.probabilityOffsets(batch)
        blocks = (0..<c.layers).map { _ in BlockActivations(configuration: c, batch: batch, probabilityOffsets: offsets) }
        finalNormalized = .init(uninitializedCount: n * d)
        finalDeviation = .init(uninitializedCount: n)
        output = .init(uninitializedCount: n * d)
    }
}

/// Activations of one Transformer block (see `SequenceEncoder.blockForward` for their order).
final class BlockActivations {
    let batch: RaggedBatch
    let probabilityOffsets: [Int]
    var normalized1, normed1, normalized2, normed2, attended, mask1, mask2: [Float]
    var deviation1, deviation2: [Float]
    var qkv: [Float]
    var probabilities: [Float]
    var preActivation, activated: [Float]

    init(configuration c: SASRecConfiguration, batch: RaggedBatch, probabilityOffsets: [Int]) {
        let n = batch.tokenCount
        let d = c.dimension
        self.batch = batch
        self.probabilityOffsets = probabilityOffsets
        // Every buffer but the masks is written whole by the forward pass before it is read;
        // each is its own allocation, so no write copies one that another shares.
        (normalized1, normed1, normalized2, normed2, attended) = (
            .init(uninitializedCount: n * d), .init(uninitializedCount: n * d), .init(uninitializedCount: n * d),
            .init(uninitializedCount: n * d), .init(uninitializedCount: n * d)
        )
        let ones = [Float](repeating: 1, count: n * d)
        (mask1, mask2) = (ones, ones)
        (deviation1, deviation2) = (.init(uninitializedCount: n), .init(uninitializedCount: n))
        qkv = .init(uninitializedCount: n * 3 * d)
        probabilities = .init(uninitializedCount: probabilityOffsets.last ?? 0)
        preActivation = .init(uninitializedCount: n * c.innerDimension)
        activated = .init(uninitializedCount: n * c.innerDimension)
    }
}
