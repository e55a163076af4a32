import NovarecCore
import NovarecRank

/// Rotation: an item the shopper has been shown `n` times without acting on it loses
/// `penalty · n` of the candidates' relevance span (so the first showing already moves it
/// well down a 200-item pool), and the candidates are re-sorted. Re-rankers then see those items
/// as less relevant, at every dial, and successive lists move on to the next relevant items.
enum Rotation {
    /// Share of the candidates' relevance span lost per showing.
    static let penalty: Float = 0.25

    static func demote(_ candidates: [Candidate], shown: [String: Int], items: Vocabulary) -> [Candidate] {
        guard !shown.isEmpty, let top = candidates.first?.relevance, let bottom = candidates.last?.relevance else { return candidates }
        let span = max(top - bottom, 1e-6)
        let demoted = candidates.map { candidate in
            let count = shown[items.id(at: candidate.item)] ?? 0
            return count == 0 ? candidate : Candidate(item: candidate.item, relevance: candidate.relevance - penalty * span * Float(count))
        }
        return demoted.enumerated().sorted { ($0.element.relevance, -$0.offset) > ($1.element.relevance, -$1.offset) }.map(\.element)
    }
}
