import NovarecHTTP

/// `DELETE /v1/users/{user_id}`: erases a shopper (right to erasure). Answers 202 with what was
/// removed once the deletion committed; every replica drops the shopper's live state when it
/// hears of it. Erasing an unknown or already erased shopper is not an error (0 events).
struct ErasureEndpoint: Sendable {
    struct Answer: Encodable {
        let userID: String
        let eventsDeleted: Int
        let status = "erased"

        enum CodingKeys: String, CodingKey {
            case userID = "user_id", eventsDeleted = "events_deleted", status
        }
    }

    func respond(_ request: HTTPRequest, engine: RecommendationEngine) throws -> HTTPResponse {
        let user = try IdentifierRule.requireID(request.pathParameters["user_id"] ?? "", field: "user_id")
        do {
            let result = try engine.erase(user: user)
            return try .json(Answer(userID: user, eventsDeleted: result.eventsDeleted), status: .accepted)
        } catch let error as RecommendationError {
            throw error.problem
        }
    }
}
