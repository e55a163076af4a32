import NovarecCore

/// Turns training sequences into model inputs with next-item targets, and shuffles them into
/// batches each epoch.
struct TrainingInstances {
    /// One input sequence; `targets` holds the next item after each input token (all-positions
    /// objective) or only after the last one (last-position objective).
    struct Instance {
        let input: ArraySlice<Int32>
        let targets: ArraySlice<Int32>
    }

    let instances: [Instance]

    init(sequences: [ArraySlice<Int32>], objective: SASRecTrainingOptions.Objective, maxLength: Int) {
        var instances: [Instance] = []
        for sequence in sequences where sequence.count >= 2 {
            switch objective {
            case .allPositions:
                instances.append(Instance(input: sequence.dropLast().suffix(maxLength), targets: sequence.dropFirst().suffix(maxLength)))
            case .lastPosition:
                for end in (sequence.startIndex + 1)..<sequence.endIndex {
                    instances.append(Instance(input: sequence[sequence.startIndex..<end].suffix(maxLength), targets: sequence[end...end]))
                }
            }
        }
        self.instances = instances
    }

    var count: Int { instances.count }

    /// A fresh random order, cut into batches of `size`.
    func batches(size: Int, random: inout SeededGenerator) -> [[Instance]] {
        let order = instances.indices.shuffled(using: &random)
        return stride(from: 0, to: order.count, by: size).map { start in
            order[start..<min(start + size, order.count)].map { instances[$0] }
        }
    }

    /// `instances` cut into at most `count` consecutive runs of about equal token count.
    static func shards(_ instances: [Instance], count: Int) -> [[Instance]] {
        let total = instances.reduce(0) { $0 + $1.input.count }
        var shards: [[Instance]] = [[]]
        var tokens = 0
        for instance in instances {
            if shards.count < count, tokens >= total * shards.count / count, !shards[shards.count - 1].isEmpty { shards.append([]) }
            shards[shards.count - 1].append(instance)
            tokens += instance.input.count
        }
        return shards
    }

    /// The token rows that carry a loss in `batch`, with their targets.
    static func lossRows(_ instances: [Instance], batch: RaggedBatch) -> (rows: [Int], targets: [Int32]) {
        var rows: [Int] = []
        var targets: [Int32] = []
        for (sequence, instance) in instances.enumerated() {
            let range = batch.rows(of: sequence)
            let first = range.upperBound - instance.targets.count
            rows += first..<range.upperBound
            targets += instance.targets
        }
        return (rows, targets)
    }
}
