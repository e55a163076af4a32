import CBLAS
import NovarecCore

/// The sequential Transformer recommender (SASRec family, Kang & McAuley 2018): the encoder
/// reads a user's history and its last state scores every item by a dot product with the
/// (tied) item embeddings. An immutable value, safe to share between threads and to swap.
public struct SASRec: Recommender {
    public let name = "sasrec"
    public let configuration: SASRecConfiguration
    public let parameters: ParameterSet
    /// Frozen item text vectors (`itemCount × textWidth`, row-major) for a text-aware model:
    /// each item's embedding is its id part plus the learned projection of its text vector (cf.
    /// UniSRec, KDD'22), so an item with few interactions is placed by what it is; nil for an
    /// id-only model.
    public let itemText: [Float]?
    let layout: SASRecLayout
    /// The values the model runs on: `parameters`, with every item's embedding replaced by the
    /// sum of its parts (the same values for an id-only model).
    let runtimeValues: [Float]
    /// The item embeddings of `runtimeValues` transposed (`d × itemCount`, row-major), what the
    /// catalogue product reads: OpenBLAS packs the long operand on every call, and packing it
    /// from this layout (contiguous runs of items) is cheaper than gathering it from one row
    /// per item (Zen 3, 12,101 items, alternating in one process: 8 users 35.3 → 27.6 µs per
    /// user, 16 users 27.0 → 23.0, 25 users 26.1 → 24.4, one user's `sgemv` 54.3 → 44.7).
    let itemsByDimension: [Float]

    /// A freshly initialised model (Normal(0, 0.02) weights) for `configuration`.
    public init(configuration: SASRecConfiguration, seed: UInt64, itemText: [Float]? = nil) throws(SASRecError) {
        try configuration.validate()
        var (parameters, layout) = SASRecLayout.make(configuration)
        SASRecLayout.initialize(&parameters, seed: seed)
        try self.init(configuration: configuration, parameters: parameters, layout: layout, itemText: itemText)
    }

    /// A model from stored weights; the tensor names and shapes must match `configuration`.
    public init(configuration: SASRecConfiguration, parameters: ParameterSet, itemText: [Float]? = nil) throws(SASRecError) {
        try configuration.validate()
        let (expected, layout) = SASRecLayout.make(configuration)
        guard expected.entries.map(\.name) == parameters.entries.map(\.name),
            expected.entries.map(\.shape) == parameters.entries.map(\.shape)
        else {
            throw .invalidCheckpoint("tensor names or shapes do not match the configuration")
        }
        try self.init(configuration: configuration, parameters: parameters, layout: layout, itemText: itemText)
    }

    private init(configuration: SASRecConfiguration, parameters: ParameterSet, layout: SASRecLayout, itemText: [Float]?) throws(SASRecError) {
        let expectedText = configuration.itemCount * configuration.textWidth
        guard (itemText?.count ?? 0) == expectedText, (itemText == nil) == (expectedText == 0) else {
            throw .invalidConfiguration(
                "a model of text width \(configuration.textWidth) needs \(expectedText) text values, got \(itemText?.count ?? 0)")
        }
        self.configuration = configuration
        self.parameters = parameters
        self.itemText = itemText
        self.layout = layout
        let runtimeValues = Self.runtimeValues(parameters.values, layout: layout, configuration: configuration, itemText: itemText)
        self.runtimeValues = runtimeValues
        self.itemsByDimension = Self.transposed(runtimeValues, from: layout.itemEmbedding, rows: configuration.itemCount, columns: configuration.dimension)
    }

    /// The `rows × columns` row-major matrix at `offset` of `values`, transposed.
    private static func transposed(_ values: [Float], from offset: Int, rows: Int, columns: Int) -> [Float] {
        var result = [Float](uninitializedCount: rows * columns)
        values.withUnsafeBufferPointer { source in
            cblas_somatcopy(CblasRowMajor, CblasTrans, Int32(rows), Int32(columns), 1, source.baseAddress! + offset, Int32(columns), &result, Int32(rows))
        }
        return result
    }

    /// `values` with each item embedding row `e_i` replaced by `e_i + t_i · P` (text vector `t_i`,
    /// projection `P`); `values` itself for an id-only model.
    static func runtimeValues(_ values: [Float], layout: SASRecLayout, configuration: SASRecConfiguration, itemText: [Float]?) -> [Float] {
        guard let projection = layout.textProjection, let itemText else { return values }
        var result = values
        let d = configuration.dimension
        result.withUnsafeMutableBufferPointer { r in
            BLAS.gemm(
                false, false, m: configuration.itemCount, n: d, k: configuration.textWidth, itemText, lda: configuration.textWidth,
                r.baseAddress! + projection, ldb: d, beta: 1, r.baseAddress! + layout.itemEmbedding, ldc: d)
        }
        return result
    }

    public var itemCount: Int { configuration.itemCount }

    /// The item embedding table (tied with the output layer), text part included.
    public var itemEmbeddings: [Float]? { Array(runtimeValues[layout.itemEmbedding..<(layout.itemEmbedding + itemCount * configuration.dimension)]) }

    public var hyperparameters: [String: Double] {
        [
            "dimension": Double(configuration.dimension), "layers": Double(configuration.layers), "heads": Double(configuration.heads),
            "max_length": Double(configuration.maxLength), "dropout": Double(configuration.dropout),
            "text_width": Double(configuration.textWidth)
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
        let last = runtimeValues.withUnsafeBufferPointer { encoder.lastStates(batch, parameters: $0.baseAddress!) }
        for (index, position) in nonEmpty.enumerated() {
            states[(position * d)..<((position + 1) * d)] = last[(index * d)..<((index + 1) * d)]
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
        BLAS.gemm(
            false, false, m: histories.count, n: itemCount, k: d, states, lda: d, itemsByDimension, ldb: itemCount, beta: 0,
            scores.baseAddress!, ldc: itemCount)
    }
}
