import Foundation

/// Generates a synthetic e-commerce dataset with the shape of real shop data, for the demo and
/// for tests that must not depend on files outside the repository.
///
/// - Items belong to categories and have Zipf-distributed popularity (a long tail) and titles
///   built from category vocabularies ("Compact Steel Kettle 214").
/// - Items have a few "follow-up" items in the same category (a kettle → its filter), so the next
///   item depends on the previous one and sequential models have something to learn.
/// - Each user favours a few categories and drifts between them over time.
public struct SyntheticShopGenerator: Sendable {
    public struct Configuration: Sendable {
        public var users = 2_000
        public var items = 1_000
        public var categories = 12
        public var meanSequenceLength = 12.0
        /// Zipf exponent of item popularity; higher means a shorter head.
        public var popularitySkew = 1.1
        /// Probability that the next item is a follow-up of the previous one.
        public var followUpProbability = 0.35
        /// Probability of switching to another favourite category between two interactions.
        public var driftProbability = 0.15
        public var seed: UInt64 = 42

        public init() {}
    }

    public let configuration: Configuration

    public init(configuration: Configuration = Configuration()) {
        precondition(configuration.users > 0 && configuration.items >= configuration.categories && configuration.categories > 0)
        self.configuration = configuration
    }

    public func generate() -> Dataset {
        var random = SeededGenerator(seed: configuration.seed)
        let catalogue = SyntheticCatalogue(configuration: configuration, random: &random)
        var accumulator = InteractionAccumulator()
        let startTime = 1_700_000_000.0
        for user in 0..<configuration.users {
            let userID = "u\(user + 1)"
            var time = startTime + random.nextUnit() * 86_400 * 30
            for item in userSequence(catalogue: catalogue, random: &random) {
                accumulator.add(user: userID, item: catalogue.itemIDs[item], time: time, tieBreak: 0)
                time += 60 + random.nextUnit() * 86_400
            }
        }
        return accumulator.build(name: "synthetic-shop", timed: true, metadata: catalogue.metadata)
    }

    private func userSequence(catalogue: SyntheticCatalogue, random: inout SeededGenerator) -> [Int] {
        let favourites = (0..<3).map { _ in catalogue.popularCategory(random: &random) }
        let reachable = Set(favourites).reduce(0) { $0 + catalogue.itemCount(in: $1) }
        let drawn = 3 + Int(-log(1 - random.nextUnit()) * (configuration.meanSequenceLength - 3))
        // Never more than the favourite categories hold (tiny shops would loop forever otherwise).
        let length = min(drawn, max(3, reachable / 2), reachable)
        var category = favourites[0]
        var sequence: [Int] = []
        var seen: Set<Int> = []
        while sequence.count < length {
            if random.nextUnit() < configuration.driftProbability {
                category = favourites[Int(random.next() % 3)]
            }
            var next = catalogue.popularItem(in: category, random: &random)
            if let previous = sequence.last, random.nextUnit() < configuration.followUpProbability {
                next = catalogue.followUps[previous][Int(random.next() % UInt64(catalogue.followUps[previous].count))]
            }
            guard seen.insert(next).inserted else { continue }
            sequence.append(next)
        }
        return sequence
    }
}

/// The items of a synthetic shop: ids, categories, popularity samplers, follow-ups and titles.
private struct SyntheticCatalogue {
    let itemIDs: [String]
    let followUps: [[Int]]
    let metadata: [String: ItemMetadata]
    private let itemsByCategory: [[Int]]
    private let samplers: [WeightedSampler]
    private let categorySampler: WeightedSampler

    init(configuration: SyntheticShopGenerator.Configuration, random: inout SeededGenerator) {
        let n = configuration.items
        itemIDs = (0..<n).map { "p\($0 + 1)" }
        let categoryOf = (0..<n).map { $0 % configuration.categories }
        var byCategory = Array(repeating: [Int](), count: configuration.categories)
        for item in 0..<n { byCategory[categoryOf[item]].append(item) }
        itemsByCategory = byCategory
        let ranks = Array(1...n).shuffled(using: &random)
        let weights = ranks.map { 1.0 / pow(Double($0), configuration.popularitySkew) }
        samplers = byCategory.map { members in WeightedSampler(weights: members.map { weights[$0] }) }
        categorySampler = WeightedSampler(weights: byCategory.map { members in members.reduce(0) { $0 + weights[$1] } })
        followUps = (0..<n).map { item in
            let members = byCategory[categoryOf[item]]
            let position = members.firstIndex(of: item)!
            return (1...3).map { members[(position + $0) % members.count] }.filter { $0 != item }.nilIfEmpty ?? [item]
        }
        var metadata: [String: ItemMetadata] = [:]
        for item in 0..<n {
            let category = SyntheticVocabulary.categories[categoryOf[item] % SyntheticVocabulary.categories.count]
            let title = SyntheticVocabulary.title(category: categoryOf[item], serial: item + 1, random: &random)
            metadata[itemIDs[item]] = ItemMetadata(title: title, categories: [category])
        }
        self.metadata = metadata
    }

    /// A category drawn in proportion to the total popularity of its items.
    func popularCategory(random: inout SeededGenerator) -> Int { categorySampler.sample(using: &random) }

    func itemCount(in category: Int) -> Int { itemsByCategory[category].count }

    func popularItem(in category: Int, random: inout SeededGenerator) -> Int {
        itemsByCategory[category][samplers[category].sample(using: &random)]
    }
}

private extension Array {
    var nilIfEmpty: Self? { isEmpty ? nil : self }
}

/// Word lists for synthetic product titles.
private enum SyntheticVocabulary {
    static let categories = [
        "Kitchen", "Outdoor", "Beauty", "Books", "Toys", "Garden", "Office", "Audio", "Fitness", "Pets",
        "Baby", "Tools"
    ]
    static let nouns = [
        ["Kettle", "Pan", "Knife Set", "Blender", "Teapot"], ["Tent", "Lantern", "Backpack", "Sleeping Bag", "Stove"],
        ["Serum", "Lipstick", "Face Cream", "Shampoo", "Perfume"], ["Novel", "Cookbook", "Atlas", "Biography", "Anthology"],
        ["Puzzle", "Robot Kit", "Plush Bear", "Train Set", "Board Game"], ["Hose", "Planter", "Pruner", "Rake", "Seed Box"],
        ["Stapler", "Notebook", "Desk Lamp", "Pen Set", "Organizer"], ["Headphones", "Speaker", "Turntable", "Microphone", "Amplifier"],
        ["Yoga Mat", "Dumbbell", "Jump Rope", "Kettlebell", "Resistance Band"], ["Dog Bed", "Cat Tree", "Leash", "Bird Feeder", "Aquarium"],
        ["Stroller", "Rattle", "Baby Monitor", "Bib Set", "Crib Mobile"], ["Drill", "Wrench", "Screwdriver Set", "Saw", "Tape Measure"]
    ]
    static let adjectives = ["Compact", "Classic", "Deluxe", "Eco", "Smart", "Vintage", "Pro", "Travel", "Premium", "Mini"]
    static let materials = ["Steel", "Bamboo", "Ceramic", "Cotton", "Glass", "Walnut", "Copper", "Linen"]

    static func title(category: Int, serial: Int, random: inout SeededGenerator) -> String {
        let nounList = nouns[category % nouns.count]
        let adjective = adjectives[Int(random.next() % UInt64(adjectives.count))]
        let material = materials[Int(random.next() % UInt64(materials.count))]
        let noun = nounList[Int(random.next() % UInt64(nounList.count))]
        return "\(adjective) \(material) \(noun) \(serial)"
    }
}
