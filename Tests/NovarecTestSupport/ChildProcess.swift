import Foundation

/// A program started with `posix_spawn` and reaped with `waitpid`, for tests that kill and
/// watch real processes. Foundation's `Process` can hang in `waitUntilExit` when many tests
/// start and kill processes at once (a corelibs race seen under load); this has no run loop,
/// no handler thread, nothing to race.
public final class ChildProcess: @unchecked Sendable {
    public let pid: pid_t
    private var status: Int32?
    private let lock = NSLock()

    /// Starts `executable` with `arguments`; standard output and error go to the given files
    /// (created or truncated), standard input reads nothing.
    public init(_ executable: String, _ arguments: [String], stdout: String = "/dev/null", stderr: String = "/dev/null") throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard spawned == 0 else { throw ChildProcessError(description: "cannot start \(executable): \(String(cString: strerror(spawned)))") }
        self.pid = pid
    }

    deinit {
        guard isRunning else { return }
        signal(SIGKILL)
        _ = waitForExit()
    }

    public func signal(_ signal: Int32) { kill(pid, signal) }

    /// Whether the process has not exited yet (reaps it when it has).
    public var isRunning: Bool { reap(options: WNOHANG) == nil }

    /// Blocks until the process exits; its exit status, or 128 + the signal that ended it.
    public func waitForExit() -> Int32 { reap(options: 0) ?? -1 }

    private func reap(options: Int32) -> Int32? {
        lock.lock()
        defer { lock.unlock() }
        if let status { return status }
        var raw: Int32 = 0
        var result: pid_t
        repeat { result = waitpid(pid, &raw, options) } while result < 0 && errno == EINTR
        guard result == pid else { return nil }
        let signalled = raw & 0x7F
        status = signalled == 0 ? (raw >> 8) & 0xFF : 128 + signalled
        return status
    }
}

/// A program that could not be started.
public struct ChildProcessError: Error, CustomStringConvertible {
    public let description: String
}
