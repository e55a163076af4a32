import Foundation

/// How a SASRec model is trained; every field has a default that works on Beauty-sized data.
public struct SASRecTrainingOptions: Sendable, Codable, Equatable {
    /// Which positions of a sequence are trained.
    public enum Objective: String, Sendable, Codable, CaseIterable {
        /// Cross-entropy at every position of each sequence in one pass (the default).
        case allPositions = "all"
        /// One instance per prefix, loss on its last position only (RecBole's setup).
        case lastPosition = "last"
    }

    /// Which softmax the loss uses.
    public enum Loss: Sendable, Codable, Equatable {
        /// Over the whole catalogue.
        case full
        /// Over the target and `negatives` shared items drawn by popularity, with logQ correction.
        case sampled(negatives: Int)

        /// Full softmax up to 100,000 items, 2,048 sampled negatives above.
        public static func automatic(itemCount: Int) -> Loss {
            itemCount <= 100_000 ? .full : .sampled(negatives: 2_048)
        }
    }

    public var objective = Objective.allPositions
    public var loss: Loss?
    public var epochs = 200
    /// Sequences (or prefixes) per step.
    public var batchSize = 64
    public var learningRate: Float = 2e-3
    public var warmupSteps = 200
    public var weightDecay: Float = 0
    public var clipNorm: Float = 5
    /// Epochs without a better validation NDCG@10 before stopping (never before the warm-up is over).
    public var patience = 8
    /// Stop after this much wall time (the best epoch so far is kept).
    public var maxSeconds: Double?
    /// After early stopping, epochs of further training on the sequences extended by their
    /// validation item (train + validation refit; validation figures then no longer apply).
    public var refitEpochs = 0
    /// Logit adjustment τ (Menon et al., ICLR 2021): during training the softmax sees
    /// `score + τ · log p(item)`, p the items' training popularity, while ranking uses the plain
    /// score; the model then carries less of the catalogue's popularity bias (0: off).
    public var logitAdjustment: Float = 0
    /// For a text-aware model: the share of items whose id part is left out of each training
    /// step, so the text projection learns to place an item on its own — as it must for an item
    /// nobody has bought yet (content dropout: DropoutNet, Volkovs et al., NeurIPS 2017).
    public var textOnlyShare: Float = 0.3
    public var seed: UInt64 = 1

    public init() {}

    public func validate() throws(SASRecError) {
        guard (0...4).contains(logitAdjustment) else { throw .invalidConfiguration("logit adjustment τ must be between 0 and 4") }
        guard (0..<1).contains(textOnlyShare) else { throw .invalidConfiguration("the text-only share must be in [0, 1)") }
        guard epochs >= 0, refitEpochs >= 0, batchSize > 0, learningRate > 0, warmupSteps >= 0, weightDecay >= 0, clipNorm > 0, patience > 0 else {
            throw .invalidConfiguration("epochs ≥ 0, batch > 0, lr > 0, warm-up ≥ 0, weight decay ≥ 0, clip > 0 and patience > 0 are required")
        }
        guard learningRate.isFinite, weightDecay.isFinite, clipNorm.isFinite else {
            throw .invalidConfiguration("lr, weight decay and clip must be finite")
        }
        if let maxSeconds, !(maxSeconds > 0 && maxSeconds.isFinite) {
            throw .invalidConfiguration("the time limit must be a positive, finite number of minutes")
        }
        if case .sampled(let negatives) = loss, negatives < 1 {
            throw .invalidConfiguration("sampled softmax needs at least one negative")
        }
    }
}

/// A snapshot of a training run, reported after every step and every validation.
public struct TrainingProgress: Sendable {
    public let epoch: Int
    public let epochs: Int
    public let step: Int
    public let stepsPerEpoch: Int
    /// Mean training loss of the current epoch so far.
    public let loss: Double
    /// Training sequences (or prefixes) processed per second in this run.
    public let instancesPerSecond: Double
    public let elapsed: TimeInterval
    public let lastValidation: Double?
    public let bestValidation: Double?
    /// True for the report made after the epoch's validation.
    public let epochFinished: Bool
}

/// One epoch's figures.
public struct EpochRecord: Sendable, Codable {
    public let epoch: Int
    public let loss: Double
    public let validationNDCG: Double?
    public let seconds: Double
}

/// The result of a training run: the best model and how training went.
public struct TrainingResult: Sendable {
    public let model: SASRec
    public let bestEpoch: Int
    public let bestValidation: Double?
    public let epochs: [EpochRecord]
    public let instancesPerEpoch: Int
}
