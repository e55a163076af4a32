import NovarecCore

/// The sequential Transformer recommender (SASRec family, Kang & McAuley 2018): the encoder
/// reads a user's history and its last state scores every item by a dot product with the
/// (tied) item embeddings. An immutable value, safe to share between threads and to swap.
public struct SASRec: Recommender {
    public let name = "sasrec"
    public let configuration: SASRecConfiguration
    public let parameters: ParameterSet
    let layout: SASRecLayout

    /// A freshly initialised model (Normal(0, 0.02) weights) for `configuration`.
    public init(configuration: SASRecConfiguration, seed: UInt64) throws(SASRecError) {
        try configuration.validate()
        var (parameters, layout) = SASRecLayout.make(configuration)
        SASRecLayout.initialize(&parameters, seed: seed)
        self.configuration = configuration
        self.parameters = parameters
        self.layout = layout
    }

    /// A model from stored weights; the tensor names and shapes must match `configuration`.
    public init(configuration: SASRecConfiguration, parameters: ParameterSet) throws(SASRecError) {
        try configuration.validate()
        let (expected, layout) = SASRecLayout.make(configuration)
        guard expected.entries.map(\.name) == parameters.entries.map(\.name),
            expected.entries.map(\.shape) == parameters.entries.map(\.shape)
        else {
            throw .invalidCheckpoint("tensor names or shapes do not match the configuration")
        }
        self.configuration = configuration
        self.parameters = parameters
        self.layout = layout
    }

    public var itemCount: Int { configuration.itemCount }

    /// The item embedding table (tied with the output layer).
    public var itemEmbeddings: [Float]? { Array(parameters["item_embedding.weight"]) }

    public var hyperparameters: [String: Double] {
        [
            "dimension": Double(configuration.dimension), "layers": Double(configuration.layers), "heads": Double(configuration.heads),
            "max_length": Double(configuration.maxLength), "dropout": Double(configuration.dropout)
        ]
    }

    var encoder: SequenceEncoder { SequenceEncoder(configuration: configuration, layout: layout) }

    /// The state after each history's last item (`histories.count × d`, row-major); zeros for
    /// an empty history.
    public func encode(_ histories: [ArraySlice<Int32>]) -> [Float] {
        let d = configuration.dimension
        var states = [Float](repeating: 0, count: histories.count * d)
        let nonEmpty = histories.indices.filter { !histories[$0].isEmpty }
        guard !nonEmpty.isEmpty else { return states }
        let batch = RaggedBatch(sequences: nonEmpty.map { histories[$0] }, maxLength: configuration.maxLength)
        let activations = parameters.values.withUnsafeBufferPointer { encoder.forward(batch, parameters: $0.baseAddress!, dropout: nil) }
        for (position, row) in zip(nonEmpty, batch.lastRows) {
            states[(position * d)..<((position + 1) * d)] = activations.output[(row * d)..<((row + 1) * d)]
        }
        return states
    }

    public func score(history: ArraySlice<Int32>, into scores: UnsafeMutableBufferPointer<Float>) {
        score(histories: [history], into: scores)
    }

    /// Encodes all histories in one batch and scores them with one `sgemm` against the item
    /// embeddings.
    public func score(histories: [ArraySlice<Int32>], into scores: UnsafeMutableBufferPointer<Float>) {
        let states = encode(histories)
        let d = configuration.dimension
        parameters.values.withUnsafeBufferPointer { p in
            BLAS.gemm(
                false, true, m: histories.count, n: itemCount, k: d, states, lda: d,
                p.baseAddress! + layout.itemEmbedding, ldb: d, beta: 0, scores.baseAddress!, ldc: itemCount)
        }
    }
}
