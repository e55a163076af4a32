import ArgumentParser
import Foundation
import Logging
import NovarecService
import NovarecStore

/// `novarec import`: bulk-loads a dataset into the service's PostgreSQL (events and items with
/// their text) with `COPY`; safe to repeat and to run next to a running `novarec serve`.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Bulk-load a dataset's interactions (as events) and items into the service database.",
        discussion: """
            Every interaction becomes an event of --type with an id derived from (user, position, \
            item): importing again stores nothing twice. Datasets without times get one second per \
            step from 2020-01-01. Items get their title and categories where the dataset has them; \
            items already stored keep their record. A running service sees imported events after a \
            restart or a training run.
            """
    )

    @OptionGroup var data: DatasetOptions
    @OptionGroup var database: DatabaseOptions

    @Option(help: "Event type recorded for every interaction: \(BehaviourEvent.Kind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var type = BehaviourEvent.Kind.view

    func run() throws {
        let logger = Logger(label: "novarec.import") { StreamLogHandler.standardError(label: $0) }
        let dataset = try data.load()
        let db = try database.open(logger: logger)
        defer { db.close(logger: logger) }
        let start = Date()
        let summary: DatasetImport.Summary
        do {
            summary = try DatasetImport.run(dataset, store: EventStore(database: db.connection), kind: type) { progress in
                log("imported \(progress.events) of \(dataset.interactionCount) events")
            }
        } catch {
            throw CommandFailure(description: "import: \(error)")
        }
        let seconds = Date().timeIntervalSince(start)
        print(
            String(
                format: "%d events in %.1f s (%.0f events/s): %d stored, %d already present; %d items (%d with text)",
                summary.events, seconds, Double(summary.events) / max(seconds, 1e-9), summary.stored, summary.duplicates,
                summary.items, summary.itemsWithText))
    }
}

extension BehaviourEvent.Kind: ExpressibleByArgument {}
