import Foundation

/// The shape of a BERT encoder: what the weights alone cannot say (heads, the layer-norm ε) comes
/// from the model's `config.json`, the rest is read off the tensors and checked against it.
public struct BertConfiguration: Sendable, Equatable {
    public var vocabularySize: Int
    public var hidden: Int
    public var layers: Int
    public var heads: Int
    public var intermediate: Int
    /// Rows of the position-embedding table: the longest input the model accepts.
    public var maxPositions: Int
    public var layerNormEpsilon: Float

    public init(vocabularySize: Int, hidden: Int, layers: Int, heads: Int, intermediate: Int, maxPositions: Int, layerNormEpsilon: Float = 1e-12) {
        self.vocabularySize = vocabularySize
        self.hidden = hidden
        self.layers = layers
        self.heads = heads
        self.intermediate = intermediate
        self.maxPositions = maxPositions
        self.layerNormEpsilon = layerNormEpsilon
    }

    public var headWidth: Int { hidden / heads }

    /// The fields of a Hugging Face `config.json` (`hidden_size`, `num_hidden_layers`,
    /// `num_attention_heads`, `intermediate_size`, `vocab_size`, `max_position_embeddings`,
    /// `layer_norm_eps`); refuses an activation other than GELU or a position type other than
    /// absolute.
    public init(configJSON data: Data, source: String) throws(TextModelError) {
        guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw TextModelError("\(source) is not a JSON object")
        }
        func integer(_ key: String) throws(TextModelError) -> Int {
            guard let value = json[key] as? Int, value > 0 else { throw TextModelError("\(source) has no positive integer '\(key)'") }
            return value
        }
        if let activation = json["hidden_act"] as? String, activation != "gelu" {
            throw TextModelError("\(source): hidden_act '\(activation)' is not supported (only BERT's exact 'gelu')")
        }
        if let positions = json["position_embedding_type"] as? String, positions != "absolute" {
            throw TextModelError("\(source): position_embedding_type '\(positions)' is not supported (only 'absolute')")
        }
        self.init(
            vocabularySize: try integer("vocab_size"), hidden: try integer("hidden_size"), layers: try integer("num_hidden_layers"),
            heads: try integer("num_attention_heads"), intermediate: try integer("intermediate_size"),
            maxPositions: try integer("max_position_embeddings"),
            layerNormEpsilon: (json["layer_norm_eps"] as? NSNumber)?.floatValue ?? 1e-12)
        guard hidden % heads == 0 else { throw TextModelError("\(source): hidden_size \(hidden) is not a multiple of \(heads) heads") }
    }
}
