import Foundation

/// Where an accepted model's checkpoint travels to the other replicas: its bytes in the
/// registry row (replicas need share nothing but the database), or a file in a directory every
/// replica mounts (the row keeps its path), which keeps large checkpoints out of the database.
public enum StoredCheckpoint: Sendable, Equatable {
    case bytes(Data)
    case file(path: String)
}
