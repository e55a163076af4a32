import Foundation

/// A failed socket call while setting up the listener, with the system's reason
/// (e.g. `bind 127.0.0.1:8080: Address already in use`).
public struct SocketError: Error, CustomStringConvertible, Sendable {
    public let description: String

    init(_ operation: String, errno code: Int32 = errno) {
        description = "\(operation): \(String(cString: strerror(code)))"
    }

    init(description: String) {
        self.description = description
    }
}
