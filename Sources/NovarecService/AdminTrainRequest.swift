import NovarecHTTP
import NovarecML

/// The optional body of `POST /v1/admin/train`: `{epochs?, max_minutes?, patience?}`.
enum AdminTrainRequest {
    struct Body: Decodable {
        let epochs: Int?
        let maxMinutes: Double?
        let patience: Int?

        enum CodingKeys: String, CodingKey {
            case epochs, maxMinutes = "max_minutes", patience
        }
    }

    static func options(_ request: HTTPRequest) throws -> SASRecTrainingOptions {
        var options = SASRecTrainingOptions()
        options.epochs = 50
        options.maxSeconds = 15 * 60
        guard !request.body.isEmpty else { return options }
        let body: Body
        do { body = try request.decodeJSON(Body.self) } catch {
            throw RequestValidation.invalid("body", "must be a JSON object {epochs?, max_minutes?, patience?}")
        }
        if let epochs = body.epochs {
            guard (1...500).contains(epochs) else { throw RequestValidation.invalid("epochs", "must be between 1 and 500") }
            options.epochs = epochs
        }
        if let minutes = body.maxMinutes {
            guard minutes > 0, minutes <= 24 * 60 else { throw RequestValidation.invalid("max_minutes", "must be between 0 and 1440") }
            options.maxSeconds = minutes * 60
        }
        if let patience = body.patience {
            guard (1...100).contains(patience) else { throw RequestValidation.invalid("patience", "must be between 1 and 100") }
            options.patience = patience
        }
        return options
    }
}
