import Foundation

/// Any checkpoint `novarec train` writes, told apart by its `novarec.kind` metadata (a file
/// without one is SASRec, as every checkpoint was before baselines could be stored): what
/// `novarec serve --checkpoint` loads.
public enum ModelCheckpoint: Sendable {
    case sasrec(SASRecCheckpoint)
    case baseline(BaselineCheckpoint)

    /// Reads and verifies a checkpoint of any kind; refuses unreadable, truncated, corrupted or
    /// inconsistent files and unknown kinds.
    public static func read(from url: URL) throws -> ModelCheckpoint {
        let (tensors, metadata) = try CheckpointFile.read(url, invalid: CheckpointError.init)
        switch metadata[CheckpointFile.kindKey] ?? SASRecCheckpoint.kind {
        case SASRecCheckpoint.kind: return .sasrec(try SASRecCheckpoint.make(tensors: tensors, metadata: metadata, source: url.path))
        default: return .baseline(try BaselineCheckpoint.make(tensors: tensors, metadata: metadata, source: url.path))
        }
    }

    /// The model as served at novelty 0: a logit-adjusted SASRec with its popularity prior
    /// added back (`SASRecCheckpoint.servedModel`), any other model as stored.
    public var recommender: any Recommender {
        switch self {
        case .sasrec(let checkpoint): checkpoint.servedModel()
        case .baseline(let checkpoint): checkpoint.model
        }
    }

    /// Original item ids, indexed by the model's dense item indices.
    public var itemIDs: [String] {
        switch self {
        case .sasrec(let checkpoint): checkpoint.itemIDs
        case .baseline(let checkpoint): checkpoint.itemIDs
        }
    }

    public var metadata: [String: String] {
        switch self {
        case .sasrec(let checkpoint): checkpoint.metadata
        case .baseline(let checkpoint): checkpoint.metadata
        }
    }
}
