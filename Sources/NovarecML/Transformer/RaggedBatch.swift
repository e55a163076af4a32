/// A batch of variable-length item sequences packed end to end, without padding: sequence `s`
/// occupies token rows `offsets[s]..<offsets[s+1]` of every activation matrix. Per-token layers
/// run as one matrix product over all rows; attention runs per sequence on its own rows.
public struct RaggedBatch: Sendable {
    /// Input items, all sequences concatenated (dense item indices).
    public let tokens: [Int32]
    /// Start row of each sequence, plus the total row count at the end.
    public let offsets: [Int]
    /// Position of each token inside its sequence (0 = oldest kept item).
    public let positions: [Int32]
    /// The next item after each token (training targets), aligned with `tokens`.
    public let targets: [Int32]?

    /// Packs `sequences` keeping at most the last `maxLength` items of each.
    public init(sequences: [ArraySlice<Int32>], maxLength: Int, targets: [ArraySlice<Int32>]? = nil) {
        var tokens: [Int32] = []
        var positions: [Int32] = []
        var packedTargets: [Int32] = []
        var offsets = [0]
        for (index, sequence) in sequences.enumerated() {
            let kept = sequence.suffix(maxLength)
            tokens += kept
            positions += (0..<kept.count).map(Int32.init)
            if let targets { packedTargets += targets[index].suffix(kept.count) }
            offsets.append(tokens.count)
        }
        self.tokens = tokens
        self.offsets = offsets
        self.positions = positions
        self.targets = targets == nil ? nil : packedTargets
    }

    public var sequenceCount: Int { offsets.count - 1 }
    public var tokenCount: Int { tokens.count }

    /// Row of each sequence's last token, whose state predicts the next item.
    public var lastRows: [Int] { offsets.dropFirst().map { $0 - 1 } }

    public func rows(of sequence: Int) -> Range<Int> { offsets[sequence]..<offsets[sequence + 1] }
}
