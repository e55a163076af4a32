import ArgumentParser
import Foundation
import NovarecCore
import NovarecEval
import NovarecML
import NovarecService

/// `novarec train`: trains the sequential Transformer on a dataset's training part, stops early
/// on validation NDCG@10, and writes the best model as a safetensors checkpoint — or, with
/// `--model pop|itemknn|ease`, tunes that baseline on validation NDCG@10 and writes its
/// checkpoint (`BaselineCheckpoint`), which `novarec serve --checkpoint` serves alike.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train the SASRec Transformer (or a baseline) and write a safetensors checkpoint.",
        discussion: """
            Trains on all but the last two items of each user; the second-to-last item picks the best epoch \
            (for a baseline, the best hyper-parameters).
            """
    )

    @OptionGroup var data: DatasetOptions
    @Option(name: .customLong("model"), help: "Model to train: \(ModelKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var modelKind: ModelKind = .sasrec
    @Option(help: "Checkpoint file to write.") var out: String
    @Option(help: "Checkpoint to continue training from (warm start; same items and shape).") var initial: String?
    @Option(
        help:
            "Search dropout, width, depth and logit adjustment on validation NDCG@10 within this many minutes, starting from the flags' settings, and keep the best."
    )
    var tune: Double?
    @OptionGroup var transformer: TransformerOptions

    func validate() throws {
        guard modelKind == .sasrec || initial == nil else { throw ValidationError("--initial warm-starts SASRec only") }
        guard modelKind == .sasrec || tune == nil else { throw ValidationError("--tune searches the Transformer's settings; baselines are always tuned") }
        guard tune.map({ $0 > 0 }) ?? true else { throw ValidationError("--tune must be a positive number of minutes") }
        guard tune == nil || initial == nil else { throw ValidationError("--tune trains from scratch; drop --initial") }
        guard modelKind == .sasrec || transformer.itemText == nil else { throw ValidationError("--item-text feeds the Transformer; baselines read no text") }
    }

    func run() throws {
        log("OpenBLAS kernel: \(OpenBLASRuntime.coreName), \(OpenBLASRuntime.threadCount) thread(s)")
        let dataset = try data.load()
        let context = try EvaluationContext.checked(dataset)
        guard modelKind == .sasrec else { return try trainBaseline(dataset: dataset, context: context) }
        var trainer = ModelTrainer(context: context)
        try transformer.configure(&trainer, for: dataset)
        if let initial {
            let checkpoint = try SASRecCheckpoint.read(from: URL(fileURLWithPath: initial))
            guard checkpoint.itemIDs == dataset.items.ids, checkpoint.model.configuration == trainer.sasrecConfiguration else {
                throw CommandFailure(description: "\(initial): its items or model shape differ from this dataset and these flags")
            }
            trainer.sasrecInitial = checkpoint.model
        }
        let display = TrainingDisplay()
        trainer.trainingProgress = { display.show($0) }
        var tau = trainer.sasrecOptions.logitAdjustment
        let trained: TrainedModel
        if let tune {
            let search = try TransformerSearch(budgetSeconds: tune * 60).run(trainer, log: log)
            log("tune: chose \(search.setting)")
            (trained, tau) = (search.model, search.setting.logitAdjustment)
        } else {
            trained = try trainer.train(.sasrec)
        }
        let best = trained.trials.filter { $0.hyperparameters["epoch"] != nil }.max { $0.validationNDCG < $1.validationNDCG }
        var metadata = [
            "novarec.dataset": dataset.name,
            "novarec.validation_ndcg10": String(trained.validationNDCG),
            "novarec.best_epoch": best.map { String(Int($0.hyperparameters["epoch"] ?? 0)) } ?? "0",
            "novarec.training_seconds": String(format: "%.1f", trained.trainingSeconds),
            "novarec.refit_epochs": String(trainer.sasrecOptions.refitEpochs)
        ]
        metadata.merge(
            SASRecCheckpoint.logitAdjustmentMetadata(
                tau: tau,
                counts: context.popularity.interactionCounts.map(Double.init))
        ) { $1 }
        guard let trainedCheckpoint = SASRecCheckpoint(served: trained.recommender, itemIDs: dataset.items.ids, metadata: metadata) else {
            throw CommandFailure(description: "training produced no model")
        }
        let calibration = DialCalibration.calibrate(OfflineEngine.make(checkpoint: trainedCheckpoint, context: context).model, context: context)
        log(
            "dial scale (validation novelty \(calibration.frontier.map { String(format: "%.3f", $0.servedNovelty) }.joined(separator: " → "))): "
                + calibration.scale.strengths.map { String(format: "%.2f", $0) }.joined(separator: " "))
        try trainedCheckpoint.adding(metadata: calibration.metadata).write(to: URL(fileURLWithPath: out))
        print(
            String(
                format: "best valid NDCG@10 %.4f at epoch %@, neighbour weight %g, after %.0fs; wrote %@",
                trained.validationNDCG, metadata["novarec.best_epoch"]!, Double(trainedCheckpoint.neighbours?.weight ?? 0), trained.trainingSeconds, out))
    }

    /// Tunes a baseline's hyper-parameters on the validation targets and writes its checkpoint.
    private func trainBaseline(dataset: Dataset, context: EvaluationContext) throws {
        let trained = try ModelTrainer(context: context).train(modelKind)
        guard let model = trained.recommender as? any CheckpointableRecommender else {
            throw CommandFailure(description: "a \(modelKind.rawValue) model cannot be stored in a checkpoint")
        }
        let metadata = [
            "novarec.dataset": dataset.name,
            "novarec.validation_ndcg10": String(trained.validationNDCG),
            "novarec.training_seconds": String(format: "%.1f", trained.trainingSeconds)
        ]
        try BaselineCheckpoint(model: model, itemIDs: dataset.items.ids, metadata: metadata).write(to: URL(fileURLWithPath: out))
        let settings = model.hyperparameters.sorted { $0.key < $1.key }.map { "\($0.key) " + String(format: "%g", $0.value) }.joined(separator: ", ")
        print(
            String(
                format: "%@: best valid NDCG@10 %.4f (%@) after %.0fs; wrote %@",
                model.name, trained.validationNDCG, settings.isEmpty ? "no hyper-parameters" : settings, trained.trainingSeconds, out))
    }
}
