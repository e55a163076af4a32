/// Where a model version stands in the registry, so callers never compare raw state strings:
/// a run is `training` until it ends `accepted` (passed the validation gate, may be served),
/// `rejected` (failed the gate), or `failed` (crashed or was interrupted); an accepted model
/// that was taken back out of service is `rolledBack`.
public enum ModelState: String, Sendable, Codable, CaseIterable {
    case training, accepted, rejected, failed
    case rolledBack = "rolled_back"
}
