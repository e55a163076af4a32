import Foundation

/// A private PostgreSQL cluster in a directory of its own: created with `initdb` on first use,
/// started with `pg_ctl` listening on a Unix socket only (no TCP), stopped on request. The
/// default database for a first run, and what the storage tests use.
///
/// As root, the server runs as the unprivileged `postgres` user (PostgreSQL refuses root), and
/// the directory is handed to that user; a directory that user cannot reach stops start-up with
/// a message naming the directory in the way. The cluster is private to this machine's owner of
/// it (`EmbeddedPostgres+Access.swift`): peer authentication only, mapped from this process's
/// user, and a socket in a 0700 directory with 0700 permissions.
public struct EmbeddedPostgres: Sendable {
    public let directory: URL
    public let port: Int
    private let binaries: URL

    public init(directory: URL, port: Int = 5432) throws(PostgresError) {
        self.directory = directory
        self.port = port
        self.binaries = try EmbeddedPostgres.findBinaries()
    }

    var dataDirectory: URL { directory.appendingPathComponent("pgdata") }
    var socketDirectory: URL { directory.appendingPathComponent("socket") }
    var logFile: URL { directory.appendingPathComponent("postgres.log") }

    /// A libpq connection string for `database` on this cluster.
    public func connectionString(database: String = "postgres") -> String {
        "host=\(socketDirectory.path) port=\(port) user=postgres dbname=\(database)"
    }

    /// Initialises the cluster if needed and starts it (waiting until it accepts connections).
    /// A server already running (another process on the same data directory, or one left by a
    /// process that was killed) is reused; returns whether this call started it.
    @discardableResult
    public func start() throws(PostgresError) -> Bool {
        try prepareDirectories()
        if !FileManager.default.fileExists(atPath: dataDirectory.appendingPathComponent("PG_VERSION").path) {
            try run("initdb", ["-D", dataDirectory.path, "--auth-local=peer", "--auth-host=reject", "-U", "postgres", "-E", "UTF8", "--no-sync"])
        }
        if (try? run("pg_ctl", ["-D", dataDirectory.path, "status"])) != nil { return false }
        try writeAccessRules()
        let options = "-k \(socketDirectory.path) -p \(port) -h '' -c fsync=on -c unix_socket_permissions=0700"
        try run("pg_ctl", ["-D", dataDirectory.path, "-l", logFile.path, "-o", options, "-w", "-t", "60", "start"])
        return true
    }

    /// Stops the cluster ("fast": disconnects clients, finishes cleanly).
    public func stop() throws(PostgresError) {
        try run("pg_ctl", ["-D", dataDirectory.path, "-m", "fast", "-w", "stop"])
    }

    /// Creates `name` unless it exists.
    public func createDatabase(_ name: String) throws(PostgresError) {
        let connection = try PostgresConnection(connectionString())
        let exists = try connection.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]).rows.isEmpty == false
        if !exists { try connection.query("CREATE DATABASE \"\(name.replacingOccurrences(of: "\"", with: "\"\""))\"") }
    }

    var runsAsRoot: Bool { getuid() == 0 }

    /// The directories, the socket's at 0700; as root, handed to `postgres`, which must reach them.
    private func prepareDirectories() throws(PostgresError) {
        do {
            try FileManager.default.createDirectory(at: socketDirectory, withIntermediateDirectories: true)
            try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: socketDirectory.path)
        } catch {
            throw PostgresError("cannot create \(socketDirectory.path): \(error.localizedDescription)")
        }
        guard runsAsRoot else { return }
        try execute(URL(fileURLWithPath: "/bin/chown"), ["-R", "postgres:postgres", directory.path])
        try checkServerUserReaches(directory)
    }

    func run(_ tool: String, _ arguments: [String]) throws(PostgresError) {
        let binary = binaries.appendingPathComponent(tool)
        guard runsAsRoot else { return try execute(binary, arguments) }
        try execute(URL(fileURLWithPath: "/sbin/runuser"), ["-u", "postgres", "--", binary.path] + arguments)
    }

    /// Runs a program to completion with `posix_spawn` and `waitpid` (no run loop involved),
    /// its output captured in a temporary file for the error message, no other descriptor inherited.
    func execute(_ executable: URL, _ arguments: [String]) throws(PostgresError) {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("novarec-pg-\(UUID().uuidString).out").path
        defer { unlink(outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        Self.closeOtherDescriptors(&actions)
        let argv = ([executable.path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable.path, &actions, nil, argv, environ)
        guard spawned == 0 else { throw PostgresError("cannot run \(executable.path): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exitCode = (status >> 8) & 0xFF
        guard status & 0x7F == 0, exitCode == 0 else {
            let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
            let tail = output.split(separator: "\n").suffix(3).joined(separator: " | ")
            throw PostgresError("\(executable.lastPathComponent) \(arguments.first ?? "") failed (status \(status)): \(tail)")
        }
    }

    /// PostgreSQL outlives this process, so it must not inherit the descriptors a parent watches
    /// this process by (a supervisor's pipe would never see end-of-file while PostgreSQL runs).
    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+) is a GNU extension the Glibc
    /// module does not import, so it is looked up at run time; without it nothing is closed.
    private static func closeOtherDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return }
        _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
    }

    /// `NOVAREC_PG_BINDIR`, else the newest `/usr/lib/postgresql/*/bin` with `initdb`.
    static func findBinaries() throws(PostgresError) -> URL {
        if let configured = ProcessInfo.processInfo.environment["NOVAREC_PG_BINDIR"] {
            return URL(fileURLWithPath: configured)
        }
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted(by: >)
        for version in versions where FileManager.default.isExecutableFile(atPath: "\(root)/\(version)/bin/initdb") {
            return URL(fileURLWithPath: "\(root)/\(version)/bin")
        }
        throw PostgresError("no PostgreSQL server binaries found (install postgresql, or set NOVAREC_PG_BINDIR)")
    }
}
