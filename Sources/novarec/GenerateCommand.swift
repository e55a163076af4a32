import ArgumentParser
import Foundation
import NovarecCore

/// `novarec generate`: writes a synthetic shop dataset (events and item text) for demos and tests.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate a synthetic e-commerce dataset (long-tailed items, categories, titles, drifting users).",
        discussion: "Writes DIR/events.tsv (user<TAB>item<TAB>unix time) and DIR/items.tsv (item<TAB>title<TAB>categories)."
    )

    @Option(help: "Output directory.")
    var out: String

    @Option(help: "Number of users.")
    var users: Int = 5_000

    @Option(help: "Number of items.")
    var items: Int = 2_000

    @Option(help: "Number of categories.")
    var categories: Int = 12

    @Option(help: "Random seed.")
    var seed: UInt64 = 42

    func validate() throws {
        guard users > 0 else { throw ValidationError("--users must be positive") }
        guard categories > 0 else { throw ValidationError("--categories must be positive") }
        guard items >= categories else { throw ValidationError("--items must be at least --categories (\(categories))") }
    }

    func run() throws {
        var configuration = SyntheticShopGenerator.Configuration()
        configuration.users = users
        configuration.items = items
        configuration.categories = categories
        configuration.seed = seed
        let dataset = SyntheticShopGenerator(configuration: configuration).generate()
        let directory = URL(fileURLWithPath: out, isDirectory: true)
        try DatasetWriter.write(dataset, to: directory)
        print("wrote \(dataset.interactionCount) events of \(dataset.users.count) users over \(dataset.items.count) items to \(directory.path)")
    }
}
