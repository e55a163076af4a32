import NovarecCore

/// The shape and regularisation of a SASRec-family model; stored in checkpoint metadata.
public struct SASRecConfiguration: Sendable, Codable, Equatable {
    public var itemCount: Int
    public var dimension = 64
    public var layers = 2
    public var heads = 2
    /// Width of the position-wise feed-forward layer.
    public var innerDimension = 256
    /// Longest history the model reads; older items are dropped.
    public var maxLength = 50
    public var dropout: Float = 0.3
    /// Width of the frozen item text vectors whose learned projection is added to every item's
    /// id embedding (0: id embeddings only).
    public var textWidth = 0

    public init(itemCount: Int) { self.itemCount = itemCount }

    private enum CodingKeys: String, CodingKey {
        case itemCount, dimension, layers, heads, innerDimension, maxLength, dropout, textWidth
    }

    /// Checkpoints written before text-aware models have no `textWidth`: id embeddings only.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        itemCount = try container.decode(Int.self, forKey: .itemCount)
        dimension = try container.decode(Int.self, forKey: .dimension)
        layers = try container.decode(Int.self, forKey: .layers)
        heads = try container.decode(Int.self, forKey: .heads)
        innerDimension = try container.decode(Int.self, forKey: .innerDimension)
        maxLength = try container.decode(Int.self, forKey: .maxLength)
        dropout = try container.decode(Float.self, forKey: .dropout)
        textWidth = try container.decodeIfPresent(Int.self, forKey: .textWidth) ?? 0
    }

    /// Checks the shape is usable; the message names the offending field.
    public func validate() throws(SASRecError) {
        guard itemCount > 0 else { throw .invalidConfiguration("itemCount must be positive") }
        guard dimension > 0, heads > 0, dimension % heads == 0 else {
            throw .invalidConfiguration("dimension (\(dimension)) must be a positive multiple of heads (\(heads))")
        }
        guard layers >= 0, innerDimension > 0, maxLength > 0 else {
            throw .invalidConfiguration("layers must be ≥ 0, innerDimension and maxLength positive")
        }
        // Far above any model this trains, and far below where sizes computed from them overflow.
        guard dimension <= 65_536, innerDimension <= 1 << 20, layers <= 1_024, maxLength <= 1 << 20 else {
            throw .invalidConfiguration("dimension ≤ 65536, innerDimension ≤ 1048576, layers ≤ 1024 and maxLength ≤ 1048576 are required")
        }
        guard (0..<1).contains(dropout) else { throw .invalidConfiguration("dropout must be in [0, 1)") }
        guard textWidth >= 0 else { throw .invalidConfiguration("textWidth must be ≥ 0") }
    }
}

/// Errors of the sequential model: bad configuration, bad checkpoints.
public enum SASRecError: Error, Equatable, CustomStringConvertible {
    case invalidConfiguration(String)
    case invalidCheckpoint(String)
    /// The caller asked training to stop (e.g. the process is shutting down).
    case cancelled

    public var description: String {
        switch self {
        case .invalidConfiguration(let message): "invalid model configuration: \(message)"
        case .invalidCheckpoint(let message): "invalid checkpoint: \(message)"
        case .cancelled: "training cancelled"
        }
    }
}

/// Offsets of every SASRec tensor inside its `ParameterSet`, resolved once.
struct SASRecLayout: Sendable {
    struct Block: Sendable {
        let norm1Gain, norm1Bias, qkvWeight, qkvBias, outWeight, outBias: Int
        let norm2Gain, norm2Bias, ff1Weight, ff1Bias, ff2Weight, ff2Bias: Int
    }

    let itemEmbedding: Int
    let positionEmbedding: Int
    let blocks: [Block]
    let finalGain: Int
    let finalBias: Int
    /// The `textWidth × d` projection of item text vectors; nil for an id-only model.
    let textProjection: Int?

    /// Builds the parameter set (zero-filled) and its layout for `configuration`.
    static func make(_ c: SASRecConfiguration) -> (ParameterSet, SASRecLayout) {
        var set = ParameterSet()
        let d = c.dimension
        let items = set.add("item_embedding.weight", shape: [c.itemCount, d])
        let positions = set.add("position_embedding.weight", shape: [c.maxLength, d])
        let blocks = (0..<c.layers).map { l in
            Block(
                norm1Gain: set.add("blocks.\(l).norm1.weight", shape: [d]), norm1Bias: set.add("blocks.\(l).norm1.bias", shape: [d]),
                qkvWeight: set.add("blocks.\(l).attention.qkv.weight", shape: [d, 3 * d]),
                qkvBias: set.add("blocks.\(l).attention.qkv.bias", shape: [3 * d]),
                outWeight: set.add("blocks.\(l).attention.out.weight", shape: [d, d]),
                outBias: set.add("blocks.\(l).attention.out.bias", shape: [d]),
                norm2Gain: set.add("blocks.\(l).norm2.weight", shape: [d]), norm2Bias: set.add("blocks.\(l).norm2.bias", shape: [d]),
                ff1Weight: set.add("blocks.\(l).ff1.weight", shape: [d, c.innerDimension]),
                ff1Bias: set.add("blocks.\(l).ff1.bias", shape: [c.innerDimension]),
                ff2Weight: set.add("blocks.\(l).ff2.weight", shape: [c.innerDimension, d]),
                ff2Bias: set.add("blocks.\(l).ff2.bias", shape: [d]))
        }
        let finalGain = set.add("final_norm.weight", shape: [d])
        let finalBias = set.add("final_norm.bias", shape: [d])
        let textProjection = c.textWidth > 0 ? set.add("item_text_projection.weight", shape: [c.textWidth, d]) : nil
        let layout = SASRecLayout(
            itemEmbedding: items, positionEmbedding: positions, blocks: blocks, finalGain: finalGain, finalBias: finalBias,
            textProjection: textProjection)
        return (set, layout)
    }

    /// Normal(0, 0.02) for embeddings and weight matrices, 1 for norm gains, 0 for biases.
    static func initialize(_ set: inout ParameterSet, seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        for entry in set.entries {
            let isNormGain = entry.name.contains("norm") && entry.name.hasSuffix(".weight")
            for i in entry.offset..<(entry.offset + entry.count) {
                if isNormGain { set.values[i] = 1 } else if entry.name.hasSuffix(".weight") { set.values[i] = 0.02 * random.normal() }
            }
        }
    }
}
