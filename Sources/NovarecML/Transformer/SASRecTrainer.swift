import CBLAS
import Foundation
import NovarecCore

/// Trains a SASRec model: batches of packed sequences, cross-entropy over the catalogue,
/// AdamW with linear warm-up and gradient clipping, validation after every epoch, early stopping
/// with the best weights kept. Seeded: the same inputs give the same model.
public struct SASRecTrainer: Sendable {
    public let configuration: SASRecConfiguration
    public let options: SASRecTrainingOptions

    public init(configuration: SASRecConfiguration, options: SASRecTrainingOptions) throws(SASRecError) {
        try configuration.validate()
        try options.validate()
        self.configuration = configuration
        self.options = options
    }

    /// - Parameters:
    ///   - sequences: training sequences (oldest first); each yields next-item targets.
    ///   - itemWeights: per-item sampling weights for the sampled softmax (e.g. training counts).
    ///   - itemText: a text-aware model's frozen item text vectors (`itemCount × textWidth`);
    ///     nil for an id-only configuration. Items with no weight (never in the training data)
    ///     keep no id part in the trained model: they are scored by their text alone.
    ///   - initial: weights to continue from (warm start); a fresh model when nil.
    ///   - validate: returns validation NDCG@10 of a candidate model (nil: no early stopping).
    ///   - isCancelled: asked before every step; true stops training with `SASRecError.cancelled`.
    public func train(
        sequences: [ArraySlice<Int32>], itemWeights: [Double]? = nil, itemText: [Float]? = nil, initial: SASRec? = nil,
        validate: ((SASRec) -> Double)? = nil, progress: (TrainingProgress) -> Void = { _ in }, isCancelled: () -> Bool = { false }
    ) throws(SASRecError) -> TrainingResult {
        let template: SASRec
        if let initial { template = initial } else { template = try SASRec(configuration: configuration, seed: options.seed, itemText: itemText) }
        let untrained = configuration.textWidth > 0 ? itemWeights.map { weights in weights.indices.filter { weights[$0] <= 0 } } ?? [] : []
        let instances = TrainingInstances(sequences: sequences, objective: options.objective, maxLength: configuration.maxLength)
        let loss = makeLoss(itemWeights: itemWeights)
        // The trainer parallelises over rows itself; a multi-threaded BLAS underneath would only
        // spin against it.
        let blasThreads = OpenBLASRuntime.threadCount
        OpenBLASRuntime.threadCount = 1
        defer { OpenBLASRuntime.threadCount = blasThreads }
        var values = template.parameters.values
        var optimizer = AdamW(parameters: template.parameters, weightDecay: options.weightDecay)
        var random = SeededGenerator(seed: options.seed ^ 0x5A5A)
        let start = Date()
        var records: [EpochRecord] = []
        var best: (model: SASRec, epoch: Int, score: Double)?
        let stepsPerEpoch = (instances.count + options.batchSize - 1) / options.batchSize
        var processed = 0
        for epoch in 1...max(options.epochs, 1) where options.epochs > 0 {
            let epochStart = Date()
            var lossSum = 0.0
            for (step, batch) in instances.batches(size: options.batchSize, random: &random).enumerated() {
                guard !isCancelled() else { throw .cancelled }
                let rate = learningRate(step: optimizer.step)
                lossSum += trainStep(batch, model: template, loss: loss, values: &values, optimizer: &optimizer, learningRate: rate, seed: random.next())
                processed += batch.count
                let elapsed = Date().timeIntervalSince(start)
                progress(
                    TrainingProgress(
                        epoch: epoch, epochs: options.epochs, step: step + 1, stepsPerEpoch: stepsPerEpoch, loss: lossSum / Double(step + 1),
                        instancesPerSecond: Double(processed) / elapsed, elapsed: elapsed, lastValidation: records.last?.validationNDCG,
                        bestValidation: best?.score, epochFinished: false))
            }
            let model = try trainedModel(template, values, clearing: untrained)
            let score = validate?(model)
            records.append(
                EpochRecord(epoch: epoch, loss: lossSum / Double(max(stepsPerEpoch, 1)), validationNDCG: score, seconds: Date().timeIntervalSince(epochStart)))
            if let score, score > (best?.score ?? -1) { best = (model, epoch, score) }
            progress(
                TrainingProgress(
                    epoch: epoch, epochs: options.epochs, step: stepsPerEpoch, stepsPerEpoch: stepsPerEpoch, loss: records.last!.loss,
                    instancesPerSecond: Double(processed) / Date().timeIntervalSince(start), elapsed: Date().timeIntervalSince(start),
                    lastValidation: score, bestValidation: best?.score, epochFinished: true))
            // Not before the warm-up is over: on small data (few steps per epoch) early epochs say little.
            if let best, epoch - best.epoch >= options.patience, optimizer.step >= options.warmupSteps { break }
            if let limit = options.maxSeconds, Date().timeIntervalSince(start) >= limit { break }
        }
        let last = try trainedModel(template, values, clearing: untrained)
        return TrainingResult(
            model: best?.model ?? last, bestEpoch: best?.epoch ?? records.count, bestValidation: best?.score,
            epochs: records, instancesPerEpoch: instances.count)
    }

    /// `template` with `values`, the id part of the `untrained` items' embeddings set to 0.
    private func trainedModel(_ template: SASRec, _ values: [Float], clearing untrained: [Int]) throws(SASRecError) -> SASRec {
        let values = clearingIDs(of: untrained, in: values, layout: template.layout)
        return try SASRec(configuration: configuration, parameters: template.parameters.replacingValues(values), itemText: template.itemText)
    }

    /// `values` (laid out as the model's parameters) with the id-embedding rows of `items` zeroed.
    private func clearingIDs(of items: [Int], in values: [Float], layout: SASRecLayout) -> [Float] {
        guard !items.isEmpty else { return values }
        var values = values
        let d = configuration.dimension
        for item in items {
            let start = layout.itemEmbedding + item * d
            values.replaceSubrange(start..<(start + d), with: repeatElement(0, count: d))
        }
        return values
    }

    /// The items a training step sees by their text alone (none for an id-only model).
    private func textOnlyItems(seed: UInt64) -> [Int] {
        guard configuration.textWidth > 0, options.textOnlyShare > 0 else { return [] }
        var random = SeededGenerator(seed: seed ^ 0x7E47)
        return (0..<configuration.itemCount).filter { _ in random.nextUnit() < Double(options.textOnlyShare) }
    }

    /// Linear warm-up to the configured rate, then constant.
    func learningRate(step: Int) -> Float {
        guard options.warmupSteps > 0 else { return options.learningRate }
        return options.learningRate * min(1, Float(step + 1) / Float(options.warmupSteps))
    }

    private func makeLoss(itemWeights: [Double]?) -> any NextItemLoss {
        let bias = logitBias(itemWeights: itemWeights)
        switch options.loss ?? .automatic(itemCount: configuration.itemCount) {
        case .full:
            return FullSoftmaxLoss(itemCount: configuration.itemCount, width: configuration.dimension, logitBias: bias)
        case .sampled(let negatives):
            let weights = itemWeights ?? [Double](repeating: 1, count: configuration.itemCount)
            return SampledSoftmaxLoss(
                itemCount: configuration.itemCount, width: configuration.dimension, negatives: negatives,
                itemWeights: weights, logitBias: bias)
        }
    }

    /// `τ · log p(item)` with `p` the add-one smoothed share of `itemWeights` (training counts);
    /// nil when logit adjustment is off or no weights are given.
    func logitBias(itemWeights: [Double]?) -> [Float]? {
        guard options.logitAdjustment > 0, let itemWeights else { return nil }
        return LogitAdjustedRecommender.prior(counts: itemWeights, tau: options.logitAdjustment)
    }

    /// Every step is cut into this many shards of about equal token count, run on their own
    /// threads (forward, loss, backward into their own gradient), so both cores of a small
    /// machine work through the whole step. A constant, not the core count: the seeded result
    /// must not depend on the machine.
    static let shardCount = 2

    /// One optimisation step on `values` (laid out as `model`'s parameters); returns the batch's
    /// mean loss. The shards' mean gradients are combined weighted by their loss rows, which is
    /// the gradient of the whole batch's mean loss.
    private func trainStep(
        _ instances: [TrainingInstances.Instance], model: SASRec, loss: any NextItemLoss, values: inout [Float],
        optimizer: inout AdamW, learningRate: Float, seed: UInt64
    ) -> Double {
        let textOnly = textOnlyItems(seed: seed)
        let runtime = SASRec.runtimeValues(
            clearingIDs(of: textOnly, in: values, layout: model.layout), layout: model.layout, configuration: configuration, itemText: model.itemText)
        let shards = TrainingInstances.shards(instances, count: Self.shardCount)
        let results = runtime.withUnsafeBufferPointer { p in
            let parameters = UnsafeSendable(p.baseAddress!)
            return Parallel.mapChunks(count: shards.count, chunks: shards.count) { range in
                shardGradient(shards[range.lowerBound], model: model, loss: loss, parameters: parameters.value, seed: seed &+ UInt64(range.lowerBound))
            }
        }
        let rows = Float(results.reduce(0) { $0 + $1.rows })
        var gradients = results[0].gradients
        cblas_sscal(Int32(gradients.count), Float(results[0].rows) / rows, &gradients, 1)
        for result in results.dropFirst() {
            cblas_saxpy(Int32(gradients.count), Float(result.rows) / rows, result.gradients, 1, &gradients, 1)
        }
        gradients.withUnsafeMutableBufferPointer { projectTextGradient(model, gradients: $0.baseAddress!) }
        gradients = clearingIDs(of: textOnly, in: gradients, layout: model.layout)
        _ = AdamW.clip(&gradients, maxNorm: options.clipNorm)
        optimizer.update(&values, gradients: gradients, learningRate: learningRate)
        return results.reduce(0) { $0 + $1.loss * Double($1.rows) } / Double(rows)
    }

    /// Forward, loss and backward of one shard: its mean loss, its loss-row count and the
    /// gradient of its mean loss.
    private func shardGradient(
        _ instances: [TrainingInstances.Instance], model: SASRec, loss: any NextItemLoss, parameters p: UnsafePointer<Float>, seed: UInt64
    ) -> (loss: Double, rows: Int, gradients: [Float]) {
        let batch = RaggedBatch(sequences: instances.map(\.input), maxLength: configuration.maxLength)
        let (rows, targets) = TrainingInstances.lossRows(instances, batch: batch)
        let encoder = model.encoder
        let d = configuration.dimension
        var gradients = model.parameters.zeros()
        let activations = encoder.forward(batch, parameters: p, dropout: (configuration.dropout, seed))
        var selected = [Float](repeating: 0, count: rows.count * d)
        for (index, row) in rows.enumerated() { selected[(index * d)..<((index + 1) * d)] = activations.output[(row * d)..<((row + 1) * d)] }
        var dSelected = [Float](repeating: 0, count: rows.count * d)
        let value = gradients.withUnsafeMutableBufferPointer { g in
            loss.evaluate(
                states: selected, targets: targets, embeddings: p + model.layout.itemEmbedding,
                dStates: &dSelected, dEmbeddings: g.baseAddress! + model.layout.itemEmbedding, random: seed)
        }
        var dOutput = [Float](repeating: 0, count: batch.tokenCount * d)
        for (index, row) in rows.enumerated() { dOutput[(row * d)..<((row + 1) * d)] = dSelected[(index * d)..<((index + 1) * d)] }
        gradients.withUnsafeMutableBufferPointer { g in encoder.backward(activations, dOutput: dOutput, parameters: p, gradients: g.baseAddress!) }
        return (value, rows.count, gradients)
    }
}

extension SASRecTrainer {
    /// The text projection's gradient from the item embeddings' (`∂L/∂P = Tᵀ · ∂L/∂E`, since
    /// every embedding the model runs on is `E + T · P`); nothing for an id-only model.
    func projectTextGradient(_ model: SASRec, gradients: UnsafeMutablePointer<Float>) {
        guard let projection = model.layout.textProjection, let text = model.itemText else { return }
        let (items, width, d) = (configuration.itemCount, configuration.textWidth, configuration.dimension)
        BLAS.gemm(
            true, false, m: width, n: d, k: items, text, lda: width, gradients + model.layout.itemEmbedding, ldb: d, beta: 0,
            gradients + projection, ldc: d)
    }
}

extension ParameterSet {
    /// The same layout with other values (same count).
    func replacingValues(_ values: [Float]) -> ParameterSet {
        precondition(values.count == self.values.count)
        var copy = self
        copy.values = values
        return copy
    }
}
