import Foundation
import NovarecCore
import NovarecRank

/// A seeded random shop for the contract suite: skewed popularity (so a head and a tail),
/// random item vectors, one or two of six categories per item (some none), a random history and
/// a pool of distinct candidates, best first.
struct RandomFixture {
    static let users = 500
    let space: ItemSpace
    let candidates: [Candidate]
    let history: [Int32]

    init(seed: UInt64, items: Int = 300, pool: Int = 60, dimensions: Int = 8) {
        var g = SeededGenerator(seed: seed)
        let counts = (0..<items).map { _ in Int(Double(Self.users) * pow(g.nextUnit(), 4)) }
        let embeddings = (0..<(items * dimensions)).map { _ in g.normal() }
        let categories = (0..<items).map { _ -> [Int32] in
            let count = Int(g.nextUnit() * 3)
            return (0..<count).map { _ in Int32(g.nextUnit() * 6) }
        }
        space = ItemSpace(userCounts: counts, users: Self.users, embeddings: embeddings, categories: categories)
        history = (0..<15).map { _ in Int32(g.nextUnit() * Double(items)) }
        var chosen: [Int32] = []
        while chosen.count < pool {
            let item = Int32(g.nextUnit() * Double(items))
            if !chosen.contains(item) { chosen.append(item) }
        }
        candidates = chosen.map { Candidate(item: $0, relevance: Float(g.nextUnit() * 10)) }
            .sorted { $0.relevance > $1.relevance }
    }

    func request(k: Int = 10, novelty: Double = 0, diversity: Double = 0) -> RerankRequest {
        RerankRequest(k: k, novelty: novelty, diversity: diversity, history: history)
    }
}
