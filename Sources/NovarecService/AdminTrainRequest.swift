import NovarecHTTP

/// The optional body of `POST /v1/admin/train`: `{epochs?, max_minutes?, patience?, full?}`
/// (null means the policy's value; `full: true` skips the warm start). `max_minutes` may not
/// exceed the server's `--train-max-minutes`: a request beyond it is a 422 rather than a silent
/// clamp, so the caller learns the run is shorter than asked for the deployment's reason.
enum AdminTrainRequest {
    struct Body: Decodable {
        let epochs: Int?
        let maxMinutes: Double?
        let patience: Int?
        let full: Bool?

        enum CodingKeys: String, CodingKey {
            case epochs, maxMinutes = "max_minutes", patience, full
        }
    }

    static func parse(_ request: HTTPRequest, maxMinutes limit: Double) throws -> TrainingRequest {
        var training = TrainingRequest(trigger: "admin")
        guard !request.body.isEmpty else { return training }
        let body: Body
        do { body = try request.decodeJSON(Body.self) } catch {
            throw RequestValidation.invalid("body", "must be a JSON object {epochs?, max_minutes?, patience?, full?}")
        }
        if let epochs = body.epochs {
            guard (0...500).contains(epochs) else { throw RequestValidation.invalid("epochs", "must be between 0 and 500") }
            training.options.epochs = epochs
        }
        if let minutes = body.maxMinutes {
            guard minutes > 0, minutes <= 24 * 60 else { throw RequestValidation.invalid("max_minutes", "must be between 0 and 1440") }
            guard minutes <= limit else {
                throw RequestValidation.unacceptable(
                    "max_minutes", "must be at most \(limit.formatted()) (this server's --train-max-minutes), got \(minutes.formatted())")
            }
            training.options.maxSeconds = minutes * 60
        }
        if let patience = body.patience {
            guard (1...100).contains(patience) else { throw RequestValidation.invalid("patience", "must be between 1 and 100") }
            training.options.patience = patience
        }
        training.full = body.full ?? false
        return training
    }
}
