import Foundation
import NovarecCore
import NovarecML

/// `novarec train --tune MINUTES`: a small, seeded search for the Transformer settings that fit
/// one shop's data, within a time budget. One hand-picked setting cannot suit every catalogue,
/// and a full grid costs hours; so a few settings — the defaults first, then seeded draws from a
/// grid of dropout, width, depth and logit adjustment — each train for an equal share of
/// `screenShare` of the budget, and the best on validation NDCG@10 (prior added back, as served)
/// keeps training from where it stopped for the rest, refit included.
public struct TransformerSearch: Sendable {
    /// One setting tried.
    public struct Setting: Sendable, Equatable, Codable, CustomStringConvertible {
        public var dropout: Float
        public var dimension: Int
        public var layers: Int
        public var logitAdjustment: Float

        public var description: String {
            String(format: "dropout %.1f, dim %d, layers %d, logit adjustment %.1f", dropout, dimension, layers, logitAdjustment)
        }
    }

    /// A setting and the validation NDCG@10 it reached in its screening run.
    public struct Trial: Sendable, Codable {
        public let setting: Setting
        public let validationNDCG: Double
    }

    public static let dropouts: [Float] = [0.2, 0.3, 0.5]
    public static let dimensions = [64, 128]
    public static let depths = [1, 2, 3]
    public static let logitAdjustments: [Float] = [0, 0.5, 1, 2]

    public var budgetSeconds: Double
    /// Settings screened, the defaults included.
    public var settingCount = 4
    /// Share of the budget spent screening.
    public var screenShare = 0.4
    public var seed: UInt64 = 1

    public init(budgetSeconds: Double) { self.budgetSeconds = budgetSeconds }

    /// The defaults, then `settingCount − 1` distinct seeded draws from the grid.
    public func settings(defaults: Setting) -> [Setting] {
        var random = SeededGenerator(seed: seed)
        var settings = [defaults]
        var attempts = 0
        while settings.count < settingCount, attempts < 1_000 {
            attempts += 1
            let drawn = Setting(
                dropout: Self.pick(Self.dropouts, &random), dimension: Self.pick(Self.dimensions, &random),
                layers: Self.pick(Self.depths, &random), logitAdjustment: Self.pick(Self.logitAdjustments, &random))
            if !settings.contains(drawn) { settings.append(drawn) }
        }
        return settings
    }

    /// Screens the settings on `trainer` (whose configuration and options are the defaults),
    /// continues the best, and returns it with every screening trial and the chosen setting.
    public func run(_ trainer: ModelTrainer, log: (String) -> Void = { _ in }) throws -> (model: TrainedModel, setting: Setting, trials: [Trial]) {
        let started = Date()
        let defaults = Setting(
            dropout: trainer.sasrecConfiguration.dropout, dimension: trainer.sasrecConfiguration.dimension,
            layers: trainer.sasrecConfiguration.layers, logitAdjustment: trainer.sasrecOptions.logitAdjustment)
        let candidates = settings(defaults: defaults)
        let screenSeconds = budgetSeconds * screenShare / Double(candidates.count)
        var best: (model: TrainedModel, setting: Setting)?
        var trials: [Trial] = []
        for setting in candidates {
            var screening = Self.apply(setting, to: trainer)
            screening.sasrecOptions.maxSeconds = screenSeconds
            screening.sasrecOptions.refitEpochs = 0
            let trained = try screening.train(.sasrec)
            trials.append(Trial(setting: setting, validationNDCG: trained.validationNDCG))
            log(String(format: "tune: %@ → valid NDCG@10 %.4f", setting.description, trained.validationNDCG))
            if best == nil || trained.validationNDCG > best!.model.validationNDCG { best = (trained, setting) }
        }
        guard let best, let model = best.model.recommender.unadjusted as? SASRec else { throw SASRecError.invalidConfiguration("no setting trained") }
        var final = Self.apply(best.setting, to: trainer)
        final.sasrecInitial = model
        final.sasrecOptions.maxSeconds = max(budgetSeconds - Date().timeIntervalSince(started), 1)
        log("tune: continuing \(best.setting) for the rest of the budget")
        let continued = try final.train(.sasrec)
        let chosen = continued.validationNDCG >= best.model.validationNDCG ? continued : best.model
        return (chosen, best.setting, trials)
    }

    static func apply(_ setting: Setting, to trainer: ModelTrainer) -> ModelTrainer {
        var copy = trainer
        copy.sasrecConfiguration.dropout = setting.dropout
        copy.sasrecConfiguration.dimension = setting.dimension
        copy.sasrecConfiguration.innerDimension = 4 * setting.dimension
        copy.sasrecConfiguration.layers = setting.layers
        copy.sasrecOptions.logitAdjustment = setting.logitAdjustment
        return copy
    }

    private static func pick<T>(_ values: [T], _ random: inout SeededGenerator) -> T {
        values[Int(random.next() % UInt64(values.count))]
    }
}
