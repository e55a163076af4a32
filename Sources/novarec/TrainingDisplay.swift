import Foundation
import NovarecML
import Synchronization

/// Shows SASRec training progress on standard error: a live line on a terminal (epoch, step,
/// loss, sequences/s, ETA of the epoch, last validation NDCG@10) and, in logs, one line per
/// epoch plus one every 30 seconds.
final class TrainingDisplay: Sendable {
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private let lastPrinted = Mutex(Date.distantPast)

    func show(_ progress: TrainingProgress) {
        let epochDone = progress.epochFinished
        let now = Date()
        let due = lastPrinted.withLock { last in
            guard epochDone || now.timeIntervalSince(last) >= (isTerminal ? 0.2 : 30) else { return false }
            last = now
            return true
        }
        guard due else { return }
        let line = TrainingDisplay.describe(progress)
        let text = isTerminal ? "\r\u{1B}[2K" + line + (epochDone ? "\n" : "") : line + "\n"
        FileHandle.standardError.write(Data(text.utf8))
    }

    static func describe(_ p: TrainingProgress) -> String {
        let remainingSteps = Double(p.stepsPerEpoch - p.step)
        let stepsPerSecond = Double(p.step) / max(p.elapsed, 1e-9)
        var line = String(format: "epoch %d/%d step %d/%d loss %.4f %.0f seq/s", p.epoch, p.epochs, p.step, p.stepsPerEpoch, p.loss, p.instancesPerSecond)
        if p.step < p.stepsPerEpoch, stepsPerSecond > 0 {
            line += String(format: " epoch ETA %.0fs", remainingSteps / stepsPerSecond)
        }
        if let valid = p.lastValidation { line += String(format: " valid NDCG@10 %.4f", valid) }
        if let best = p.bestValidation { line += String(format: " (best %.4f)", best) }
        line += String(format: " [%.0fs]", p.elapsed)
        return line
    }
}
