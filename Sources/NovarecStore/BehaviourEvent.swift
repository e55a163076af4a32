import Foundation

/// What a shopper did with an item, as stored: the unit of the event log.
public struct BehaviourEvent: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case view, click, addToCart = "add_to_cart", purchase, rating
        /// The frontend showed the item: stored, but never an interaction (not in histories,
        /// popularity or training); it lets successive lists rotate.
        case impression

        /// False for impressions.
        public var isInteraction: Bool { self != .impression }
    }

    /// Client-chosen id that makes delivery idempotent: a repeated id is stored once.
    public let eventID: UUID
    public let userID: String
    public let itemID: String
    public let kind: Kind
    /// The rating (1–5) for `.rating`, nil otherwise.
    public let value: Float?
    public let timestamp: Date

    public init(eventID: UUID, userID: String, itemID: String, kind: Kind, value: Float? = nil, timestamp: Date) {
        self.eventID = eventID
        self.userID = userID
        self.itemID = itemID
        self.kind = kind
        self.value = value
        self.timestamp = timestamp
    }
}
