import Foundation
import NovarecHTTP
import NovarecStore

/// `POST /v1/events` with `{"events": [{event_id, user_id, item_id, type, value?, timestamp?}]}`:
/// validates every event (a bad one rejects the batch with a per-event error list), stores the
/// batch through the engine (one transaction) and answers 202 only after the commit. An
/// `event_id` repeated inside one batch is an error naming both positions: the database would
/// store the first while memory took both, and a client that repeats an id in one batch has a bug.
struct EventsEndpoint: Sendable {
    static let maxBatch = 1_000

    struct FieldError: Encodable, Sendable {
        let index: Int
        let field: String
        let detail: String
        /// For a repeated `event_id`: the position of its first occurrence.
        var duplicateOf: Int?

        enum CodingKeys: String, CodingKey {
            case index, field, detail, duplicateOf = "duplicate_of"
        }
    }

    struct Answer: Encodable {
        let stored: Int
        let duplicates: Int
    }

    func respond(_ request: HTTPRequest, engine: RecommendationEngine) throws -> HTTPResponse {
        let result = try engine.ingest(try Self.parse(request.body))
        return try .json(Answer(stored: result.stored, duplicates: result.duplicates), status: .accepted)
    }

    static func parse(_ body: [UInt8]) throws -> [BehaviourEvent] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
            let list = object["events"] as? [Any]
        else {
            throw RequestValidation.invalid("events", "the body must be a JSON object with an 'events' array")
        }
        guard (1...maxBatch).contains(list.count) else {
            throw RequestValidation.invalid("events", "must hold 1 to \(maxBatch) events, got \(list.count)")
        }
        var events: [BehaviourEvent] = []
        var errors: [FieldError] = []
        var positions: [UUID: Int] = [:]
        let now = Date()
        for (index, element) in list.enumerated() {
            switch parseEvent(element, now: now) {
            case .success(let event):
                if let first = positions[event.eventID] {
                    errors.append(
                        FieldError(
                            index: index, field: "event_id", detail: "repeats events[\(first)].event_id; an id may appear once per batch",
                            duplicateOf: first))
                }
                positions[event.eventID] = positions[event.eventID] ?? index
                events.append(event)
            case .failure(let error): errors.append(FieldError(index: index, field: error.field, detail: error.detail))
            }
        }
        if let first = errors.first {
            throw ProblemDetails(
                status: HTTPStatus(422), title: "Invalid events",
                detail: "\(errors.count) of \(list.count) events are invalid; nothing was stored",
                extensions: ["errors": errors, "field": "events[\(first.index)].\(first.field)"])
        }
        return events
    }

    private struct EventError: Error {
        let field: String
        let detail: String
    }

    private static func parseEvent(_ element: Any, now: Date) -> Result<BehaviourEvent, EventError> {
        guard let fields = element as? [String: Any] else { return .failure(EventError(field: "event", detail: "must be an object")) }
        guard let idText = fields["event_id"] as? String, let id = UUID(uuidString: idText) else {
            return .failure(EventError(field: "event_id", detail: "must be a UUID string"))
        }
        let user: String
        let item: String
        do throws(EventError) {
            user = try identifier(fields, "user_id").get()
            item = try identifier(fields, "item_id").get()
        } catch {
            return .failure(error)
        }
        guard let typeText = fields["type"] as? String, let kind = BehaviourEvent.Kind(rawValue: typeText) else {
            let allowed = BehaviourEvent.Kind.allCases.map(\.rawValue).joined(separator: ", ")
            return .failure(EventError(field: "type", detail: "must be one of \(allowed)"))
        }
        // JSONSerialization hands `true` over as a number 1: a JSON boolean is no rating.
        let value = fields["value"].flatMap { type(of: $0) == Self.jsonBoolean ? nil : $0 as? Double }
        if kind == .rating, !(value.map { (1...5).contains($0) } ?? false) {
            return .failure(EventError(field: "value", detail: "a rating needs a value between 1 and 5"))
        }
        if kind != .rating, fields["value"] != nil {
            return .failure(EventError(field: "value", detail: "only rating events carry a value"))
        }
        var timestamp = now
        if let text = fields["timestamp"] {
            switch (text as? String).map({ RFC3339Timestamp.parse($0, now: now) }) {
            case .success(let parsed)?: timestamp = parsed
            case .failure(.outOfRange)?:
                return .failure(EventError(field: "timestamp", detail: "must lie between 1970-01-01 and a day after the server's time"))
            case .failure(.malformed)?, nil:
                return .failure(EventError(field: "timestamp", detail: "must be an RFC 3339 date-time, e.g. 2026-11-29T12:00:00Z"))
            }
        }
        return .success(BehaviourEvent(eventID: id, userID: user, itemID: item, kind: kind, value: value.map(Float.init), timestamp: timestamp))
    }

    /// The type JSONSerialization gives JSON's `true` and `false`.
    private static let jsonBoolean = type(of: NSNumber(value: true))

    /// The id in `fields[name]`, checked by `IdentifierRule`.
    private static func identifier(_ fields: [String: Any], _ name: String) -> Result<String, EventError> {
        guard let text = fields[name] as? String else { return .failure(EventError(field: name, detail: "must be a string")) }
        if let violation = IdentifierRule.idViolation(text) { return .failure(EventError(field: name, detail: violation)) }
        return .success(text)
    }
}
