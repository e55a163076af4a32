/// Cosine similarities among one request's candidates, for the redundancy penalty of greedy
/// selection: a row (every candidate against one of them) is computed when a pass first picks
/// that candidate, then kept for the request. The dial grid (`DialGrid`) runs a greedy pass for
/// every grid dial up to the request's (up to 21), and the passes mostly pick the same items,
/// so each row is computed once per request instead of once per pass.
final class CandidateSimilarities {
    private let candidates: [Candidate]
    private let space: ItemSpace
    private var rows: [Int: [Double]] = [:]

    /// Rows computed so far.
    var computedRows: Int { rows.count }

    init(_ candidates: [Candidate], in space: ItemSpace) {
        self.candidates = candidates
        self.space = space
    }

    /// Every candidate's cosine similarity to candidate `index` (positions in `candidates`).
    func row(_ index: Int) -> [Double] {
        if let row = rows[index] { return row }
        let item = candidates[index].item
        let row = candidates.map { space.similarity.cosine($0.item, item) }
        rows[index] = row
        return row
    }

    /// MMR's redundancy after candidate `picked` is taken: each of `remaining`'s raised to its
    /// similarity to `picked` (set to it for the first pick, as similarities can be negative).
    func updateRedundancy(_ redundancy: inout [Double], of remaining: [Int], afterPicking picked: Int, first: Bool) {
        let similarity = row(picked)
        for other in remaining { redundancy[other] = first ? similarity[other] : max(redundancy[other], similarity[other]) }
    }
}
