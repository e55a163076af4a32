import Foundation

/// Writes a file so that readers see either the old complete file or the new complete one:
/// a temporary file in the same directory, fsync, rename over the target, fsync the directory.
public enum AtomicFile {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public static func write(_ data: Data, to url: URL) throws(Failure) {
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw Failure(description: "cannot create \(temporary.path): \(errorText())") }
        let written = data.withUnsafeBytes { raw in writeAll(descriptor, raw) }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard written, synced else {
            unlink(temporary.path)
            throw Failure(description: "cannot write \(temporary.path): \(errorText())")
        }
        guard rename(temporary.path, url.path) == 0 else {
            unlink(temporary.path)
            throw Failure(description: "cannot rename to \(url.path): \(errorText())")
        }
        let directoryDescriptor = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }

    private static func writeAll(_ descriptor: Int32, _ raw: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < raw.count {
            let count = Foundation.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return false }
            offset += count
        }
        return true
    }

    private static func errorText() -> String { String(cString: strerror(errno)) }
}
