import Foundation
import NovarecHTTP
import NovarecStore

/// The model lifecycle over HTTP: `POST|GET /v1/admin/train`, `POST /v1/admin/rollback` (admin
/// scope) and `GET /v1/model` (monitoring scope); see `APIKeys`.
extension ModelCoordinator {
    struct ModelAnswer: Encodable {
        let version: String
        let kind: String
        let items: Int
        /// The registry's record of the served model (nil while popularity is served).
        let serving: ModelRecord?
        /// The newest run, whatever became of it: a rejected candidate shows why here.
        let latestRun: ModelRecord?
        /// The default re-ranker and its strengths at served novelty 0, 0.1, …, 1 (the dial
        /// spaced along this model's measured validation frontier).
        let reranker: String
        let dialScale: [Double]

        enum CodingKeys: String, CodingKey {
            case version, kind, items, serving, latestRun = "latest_run", reranker, dialScale = "dial_scale"
        }
    }

    struct RollbackBody: Decodable {
        let reason: String?
    }

    /// `POST /v1/admin/train` may ask for runs up to the policy's longest (`--train-max-minutes`).
    public func routes(_ router: inout Router, service: RecommendationService) {
        router.post("/v1/admin/train", gate: service.gate(.admin)) { [self] request in
            let training = try AdminTrainRequest.parse(request, maxMinutes: policy.maxMinutes)
            guard status.role == .trainer else {
                guard try forward(training) else {
                    throw ProblemDetails(
                        status: HTTPStatus(503), title: "No trainer",
                        detail: "no replica holds the trainer role right now; one takes it within --poll-interval, retry then")
                }
                var answer = status
                answer.state = .forwarded
                return try .json(answer, status: .accepted)
            }
            guard self.request(training) else {
                throw ProblemDetails(status: HTTPStatus(409), title: "Training not started", detail: "one run at a time; see GET /v1/admin/train")
            }
            return try .json(status, status: .accepted)
        }
        router.get("/v1/admin/train", gate: service.gate(.admin)) { [self] _ in
            var answer = status
            answer.recentRuns = try recentRuns()
            return try .json(answer)
        }
        router.post("/v1/admin/rollback", gate: service.gate(.admin)) { [self] request in
            let body = request.body.isEmpty ? RollbackBody(reason: nil) : try? request.decodeJSON(RollbackBody.self)
            guard let body else { throw RequestValidation.invalid("body", "must be a JSON object {reason?}") }
            do {
                return try .json(try rollback(reason: body.reason ?? "rolled back by an operator"))
            } catch let error as ModelRegistryError {
                throw ProblemDetails(status: HTTPStatus(409), title: "Nothing to roll back to", detail: "\(error)")
            }
        }
        router.get("/v1/model", gate: service.gate(.monitoring)) { [self] _ in
            let model = service.engine.model
            let runs = try recentRuns(limit: 10)
            let serving = runs.first { $0.version == model.version }
            return try .json(
                ModelAnswer(
                    version: model.version, kind: model.model?.name ?? "popularity", items: model.items.count,
                    serving: serving, latestRun: runs.first, reranker: model.novelty.reranker.name,
                    dialScale: model.novelty.scale.strengths))
        }
    }
}
