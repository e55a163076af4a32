import Testing
import NovarecRank

/// The contract of `Reranker`, checked for every re-ranker in the catalog on seeded random shops.
struct RerankerContract {
    static let seeds: [UInt64] = [1, 2, 3]
    /// The dials 0, 0.05, …, 1.
    static let dials = (0...20).map { Double($0) / 20 }

    static func reranker(_ name: String) throws -> any Reranker {
        try #require(RerankerCatalog.make(name, users: RandomFixture.users))
    }

    @Test(arguments: RerankerCatalog.names)
    func catalogMakesTheNamedReranker(name: String) throws {
        #expect(try Self.reranker(name).name == name)
    }

    @Test func catalogNamesAreDistinctAndUnknownNamesAreRefused() {
        #expect(Set(RerankerCatalog.names).count == RerankerCatalog.names.count)
        #expect(RerankerCatalog.all(users: 10).map(\.name) == RerankerCatalog.names)
        #expect(RerankerCatalog.make("novelty", users: 10) == nil)
    }

    @Test(arguments: RerankerCatalog.names, seeds)
    func picksKDistinctCandidatesDeterministically(name: String, seed: UInt64) throws {
        let reranker = try Self.reranker(name)
        let shop = RandomFixture(seed: seed)
        let pool = Set(shop.candidates.map(\.item))
        for dial in [0, 0.35, 1] {
            for diversity in [0, 0.3] {
                let request = shop.request(k: 10, novelty: dial, diversity: diversity)
                let ranking = reranker.rerank(shop.candidates, for: request, in: shop.space)
                let items = ranking.items.map(\.item)
                #expect(items.count == 10, "dial \(dial) diversity \(diversity)")
                #expect(Set(items).count == items.count && Set(items).isSubset(of: pool))
                #expect(reranker.rerank(shop.candidates, for: request, in: shop.space) == ranking)
            }
        }
    }

    @Test(arguments: RerankerCatalog.names, seeds)
    func zeroDialsKeepTheModelOrder(name: String, seed: UInt64) throws {
        let reranker = try Self.reranker(name)
        let shop = RandomFixture(seed: seed)
        let ranking = reranker.rerank(shop.candidates, for: shop.request(k: 10), in: shop.space)
        #expect(ranking.items.map(\.item) == shop.candidates.prefix(10).map(\.item))
        #expect(ranking.items.first?.relevance == 1)
    }

    /// Up to rounding: the same items in another order can sum an ulp apart.
    @Test(arguments: RerankerCatalog.names, seeds)
    func higherNoveltyNeverLowersMeanNovelty(name: String, seed: UInt64) throws {
        let reranker = try Self.reranker(name)
        let shop = RandomFixture(seed: seed)
        for diversity in [0, 0.3] {
            let means = Self.dials.map {
                reranker.rerank(shop.candidates, for: shop.request(novelty: $0, diversity: diversity), in: shop.space).meanNovelty
            }
            for step in means.indices.dropFirst() {
                #expect(means[step] >= means[step - 1] - 1e-12, "dial \(Self.dials[step]) diversity \(diversity)")
            }
        }
    }

    /// Between grid points too: dials 0, 0.01, …, 0.6 with a strong diversity penalty.
    @Test(arguments: RerankerCatalog.names)
    func monotoneBetweenGridPoints(name: String) throws {
        let reranker = try Self.reranker(name)
        for seed: UInt64 in [1, 4] {
            let shop = RandomFixture(seed: seed)
            let means = (0...60).map {
                reranker.rerank(shop.candidates, for: shop.request(novelty: Double($0) / 100, diversity: 0.5), in: shop.space).meanNovelty
            }
            for step in means.indices.dropFirst() {
                #expect(means[step] >= means[step - 1] - 1e-12, "seed \(seed) dial \(Double(step) / 100)")
            }
        }
    }

    @Test(arguments: RerankerCatalog.names)
    func emptyPoolsAndShortPools(name: String) throws {
        let reranker = try Self.reranker(name)
        let shop = RandomFixture(seed: 7)
        let request = shop.request(k: 10, novelty: 0.6, diversity: 0.3)
        #expect(reranker.rerank([], for: request, in: shop.space).items.isEmpty)
        let short = Array(shop.candidates.prefix(4))
        let ranking = reranker.rerank(short, for: request, in: shop.space)
        #expect(ranking.items.map(\.item).sorted() == short.map(\.item).sorted())
    }
}
