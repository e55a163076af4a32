import Foundation
import NovarecCore
import NovarecML
import NovarecStore

/// Loads a dataset file into the service's database (`novarec import`): every interaction as an
/// event and every item into the catalogue, with its title and categories where the dataset
/// has them. Bulk `COPY` in chunks, each its own transaction.
///
/// Event ids are derived from (user, position in the user's sequence, item), so importing the
/// same data again, or again after an interrupted run, stores nothing twice. Datasets without
/// times get one second per step from 2020-01-01T00:00:00Z, which keeps each user's order.
/// Items already in the catalogue keep their stored record.
public enum DatasetImport {
    /// What one import did.
    public struct Summary: Sendable, Equatable {
        public var events = 0
        public var stored = 0
        public var duplicates = 0
        public var items = 0
        public var itemsWithText = 0
    }

    static let untimedEpoch = 1_577_836_800.0

    public static func run(
        _ dataset: Dataset, store: EventStore, kind: BehaviourEvent.Kind = .view, chunkSize: Int = 100_000,
        progress: (Summary) -> Void = { _ in }
    ) throws -> Summary {
        var summary = Summary()
        let items = (0..<dataset.items.count).map { index in
            let metadata = dataset.itemMetadata[Int32(index)]
            return ItemRecord(itemID: dataset.items.id(at: Int32(index)), title: metadata?.title ?? "", categories: metadata?.categories ?? [])
        }
        try ItemStore(database: store.database).bulkUpsert(items, keepExisting: true)
        summary.items = items.count
        summary.itemsWithText = dataset.itemMetadata.count
        var chunk: [BehaviourEvent] = []
        chunk.reserveCapacity(chunkSize)
        func flush() throws {
            let result = try store.bulkInsert(chunk)
            summary.events += chunk.count
            summary.stored += result.stored
            summary.duplicates += result.duplicates
            chunk.removeAll(keepingCapacity: true)
            progress(summary)
        }
        for (user, sequence) in dataset.sequences.enumerated() {
            let userID = dataset.users.id(at: Int32(user))
            for (position, item) in sequence.enumerated() {
                let itemID = dataset.items.id(at: item)
                let time = dataset.timestamps?[user][position] ?? untimedEpoch + Double(position)
                chunk.append(
                    BehaviourEvent(
                        eventID: eventID(user: userID, position: position, item: itemID), userID: userID, itemID: itemID,
                        kind: kind, timestamp: Date(timeIntervalSince1970: time)))
                if chunk.count == chunkSize { try flush() }
            }
        }
        if !chunk.isEmpty { try flush() }
        return summary
    }

    /// A name-based UUID (version 8 layout) from SHA-256 of the interaction's identity.
    static func eventID(user: String, position: Int, item: String) -> UUID {
        let name = Data("novarec-import\u{1F}\(user)\u{1F}\(position)\u{1F}\(item)".utf8)
        var bytes = name.withUnsafeBytes { SHA256.digest($0) }
        bytes[6] = (bytes[6] & 0x0F) | 0x80
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            ))
    }
}
