import ArgumentParser
import Foundation
import NovarecCore
import NovarecEval
import NovarecML
import NovarecText

extension SASRecTrainingOptions.Objective: ExpressibleByArgument {}

/// Model shape and training flags of the sequential Transformer, shared by `train` and `eval`.
struct TransformerOptions: ParsableArguments {
    enum LossChoice: String, ExpressibleByArgument, CaseIterable {
        case auto, full, sampled
    }

    @Option(help: "Embedding and hidden width.") var dim = 64
    @Option(help: "Transformer blocks.") var layers = 2
    @Option(help: "Attention heads (must divide --dim).") var heads = 2
    @Option(name: .customLong("max-len"), help: "Longest history read, in items.") var maxLength = 50
    @Option(help: "Feed-forward width (default: 4 × dim).") var inner: Int?
    @Option(help: "Dropout rate in [0, 1).") var dropout: Float = 0.3
    @Option(help: "Peak learning rate (AdamW).") var lr: Float = 2e-3
    @Option(help: "Linear warm-up steps.") var warmup = 200
    @Option(name: .customLong("weight-decay"), help: "AdamW decoupled weight decay.") var weightDecay: Float = 0
    @Option(help: "Sequences (or prefixes) per step.") var batch = 64
    @Option(help: "Maximum epochs.") var epochs = 200
    @Option(help: "Stop after this many epochs without a better validation NDCG@10.") var patience = 8
    @Option(name: .customLong("max-minutes"), help: "Stop after this much training time (best epoch kept).") var maxMinutes: Double?
    @Option(name: .customLong("refit-epochs"), help: "After early stopping, epochs on the sequences extended by their validation item.") var refitEpochs = 2
    @Option(help: "Loss: auto (full up to 100k items), full, or sampled.") var loss = LossChoice.auto
    @Option(help: "Shared negatives of the sampled softmax.") var negatives = 2_048
    @Option(help: "Training objective: all (every position) or last (one target per prefix).") var objective = SASRecTrainingOptions.Objective.allPositions
    @Option(name: .customLong("logit-adjust"), help: "Logit adjustment τ: train with τ·log(popularity) added to the softmax, rank without it (0: off).")
    var logitAdjust: Float = 1
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(
        help:
            "Weights of item-neighbour evidence added to the Transformer's scores, tried on validation NDCG@10 (comma-separated; 0 adds none)."
    )
    var neighbourWeights = "0,5,10,20,40"
    @Option(
        help:
            "With --item-text: weights of text evidence (cosine between an item's text and the shopper's latest items) added to the scores, tried on validation NDCG@10 (0 adds none)."
    )
    var textWeights = "0,2,4,8,16,32"
    @Option(
        help:
            "Item text vectors (novarec embed's output) for a text-aware Transformer: each item's embedding adds a learned projection of its text vector."
    )
    var itemText: String?
    @Option(help: "With --item-text: share of items trained by their text alone in each step (content dropout; cold-start items depend on it).")
    var textOnlyShare: Float = 0.3
    @OptionGroup var newItems: NewItemOptions

    /// Checks the shape and training flags before any work starts (usage error on a bad value).
    func validate() throws {
        _ = try configuration(itemCount: 1)
        _ = try options
        _ = try Self.weights(neighbourWeights, flag: "--neighbour-weights")
        _ = try Self.weights(textWeights, flag: "--text-weights")
    }

    /// Sets up `trainer`'s Transformer for `dataset`: shape, training options, neighbour weights
    /// and, with `--item-text`, the items' text vectors (a zero vector for an item without one).
    func configure(_ trainer: inout ModelTrainer, for dataset: Dataset) throws {
        trainer.sasrecConfiguration = try configuration(itemCount: dataset.items.count)
        trainer.sasrecOptions = try options
        trainer.neighbourWeights = try Self.weights(neighbourWeights, flag: "--neighbour-weights")
        trainer.textWeights = try Self.weights(textWeights, flag: "--text-weights")
        trainer.newItemPlacement = try newItems.placement()
        guard let itemText else { return }
        let embeddings = try ItemTextEmbeddings.read(from: URL(fileURLWithPath: itemText))
        let (vectors, covered) = embeddings.aligned(to: dataset.items)
        log("item text: \(covered) of \(dataset.items.count) items have a \(embeddings.dimension)-dimensional vector (\(embeddings.model))")
        trainer.sasrecConfiguration.textWidth = embeddings.dimension
        trainer.sasrecItemText = vectors
    }

    /// A comma-separated weight list as numbers: finite, 0 or more.
    private static func weights(_ text: String, flag: String) throws -> [Float] {
        let weights = text.split(separator: ",", omittingEmptySubsequences: false).map { Float($0.trimmingCharacters(in: .whitespaces)) }
        guard !weights.isEmpty, weights.allSatisfy({ $0.map { $0.isFinite && $0 >= 0 } ?? false }) else {
            throw ValidationError("\(flag) must be comma-separated finite numbers ≥ 0, e.g. 0,5,10,20,40 (0 adds none)")
        }
        return weights.compactMap { $0 }
    }

    func configuration(itemCount: Int) throws -> SASRecConfiguration {
        var configuration = SASRecConfiguration(itemCount: itemCount)
        configuration.dimension = dim
        configuration.layers = layers
        configuration.heads = heads
        configuration.maxLength = maxLength
        // (`min`: a `--dim` too large to validate must not overflow here first.)
        configuration.innerDimension = inner ?? 4 * min(dim, 1 << 20)
        configuration.dropout = dropout
        do { try configuration.validate() } catch { throw ValidationError(error.description) }
        return configuration
    }

    var options: SASRecTrainingOptions {
        get throws {
            var options = SASRecTrainingOptions()
            options.objective = objective
            options.epochs = epochs
            options.batchSize = batch
            options.learningRate = lr
            options.warmupSteps = warmup
            options.weightDecay = weightDecay
            options.patience = patience
            options.maxSeconds = maxMinutes.map { $0 * 60 }
            options.seed = seed
            options.refitEpochs = refitEpochs
            options.textOnlyShare = textOnlyShare
            options.logitAdjustment = logitAdjust
            options.loss =
                switch loss {
                case .auto: nil
                case .full: .full
                case .sampled: .sampled(negatives: negatives)
                }
            do { try options.validate() } catch { throw ValidationError(error.description) }
            return options
        }
    }
}
