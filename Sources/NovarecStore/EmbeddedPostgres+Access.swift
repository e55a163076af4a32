import Foundation

/// Who may talk to an embedded cluster: the OS user that runs it — and, when root starts it as
/// `postgres`, root and `postgres` — through the Unix socket and nothing else. Authentication is
/// `peer` (the kernel says who connects; there is no password to leak) with a `pg_ident.conf`
/// map to the `postgres` role, the socket directory is 0700 and the socket itself 0700, so
/// another local user (`nobody`, a web server's account) can neither reach the socket nor log in.
extension EmbeddedPostgres {
    /// The `pg_ident.conf` map `pg_hba.conf` names.
    static let identMap = "novarec"

    /// Writes `pg_hba.conf` and `pg_ident.conf` before every start, so a cluster an older version
    /// created with `trust` is locked down as well.
    func writeAccessRules() throws(PostgresError) {
        let users = runsAsRoot ? ["root", "postgres"] : [Self.currentUserName()]
        let ident =
            "# Written by novarec before every start: OS user, database role.\n"
            + users.map { "\(Self.identMap) \($0) postgres\n" }.joined()
        let hba =
            "# Written by novarec before every start: the Unix socket only, peer authentication mapped by pg_ident.conf.\n"
            + "local all all peer map=\(Self.identMap)\n"
        try writeConfiguration(hba, named: "pg_hba.conf")
        try writeConfiguration(ident, named: "pg_ident.conf")
    }

    /// Stops with a message saying which directory to change when user `postgres` cannot reach
    /// `target` (e.g. a data directory inside a 0700 `mktemp -d` directory of root's).
    func checkServerUserReaches(_ target: URL) throws(PostgresError) {
        let runuser = URL(fileURLWithPath: "/sbin/runuser")
        guard (try? execute(runuser, ["-u", "postgres", "--", "/usr/bin/test", "-x", target.path])) == nil else { return }
        throw PostgresError(Self.unreachableMessage(target.path, user: "postgres"))
    }

    /// What to change so `user` reaches `path`: the first directory on the way that denies it search.
    static func unreachableMessage(_ path: String, user: String) -> String {
        let intro = "PostgreSQL runs as user \(user), which cannot reach \(path)"
        guard let blocking = firstDeniedDirectory(on: path, for: user) else {
            return "\(intro): give user \(user) search (x) permission on every directory above it, or choose a data directory it can reach"
        }
        return "\(intro): \(blocking.path) (mode \(String(format: "%04o", blocking.mode)), owner \(blocking.owner)) denies it; "
            + "run 'chmod o+x \(blocking.path)' or choose a data directory user \(user) can reach"
    }

    /// The first directory from `/` down to `path` that denies `user` search permission, by its
    /// mode bits (ACLs are not read: when they deny, this finds nothing and the message is generic).
    private static func firstDeniedDirectory(on path: String, for user: String) -> (path: String, mode: mode_t, owner: String)? {
        guard let account = getpwnam(user) else { return nil }
        let uid = account.pointee.pw_uid
        let groups = groupIDs(of: user, primary: account.pointee.pw_gid)
        var current = ""
        for component in path.split(separator: "/") {
            current += "/\(component)"
            var info = stat()
            guard stat(current, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else { return nil }
            let bit: mode_t = info.st_uid == uid ? S_IXUSR : groups.contains(info.st_gid) ? S_IXGRP : S_IXOTH
            guard info.st_mode & bit == 0 else { continue }
            let owner = getpwuid(info.st_uid).map { String(cString: $0.pointee.pw_name) } ?? String(info.st_uid)
            return (current, info.st_mode & 0o7777, owner)
        }
        return nil
    }

    private static func groupIDs(of user: String, primary: gid_t) -> Set<gid_t> {
        var count: Int32 = 64
        var groups = [gid_t](repeating: 0, count: Int(count))
        guard getgrouplist(user, primary, &groups, &count) >= 0 else { return [primary] }
        return Set(groups.prefix(Int(count)))
    }

    private static func currentUserName() -> String {
        getpwuid(geteuid()).map { String(cString: $0.pointee.pw_name) } ?? String(geteuid())
    }

    /// Writes a configuration file into the data directory, 0600 and (as root) owned by `postgres`.
    private func writeConfiguration(_ text: String, named name: String) throws(PostgresError) {
        let path = dataDirectory.appendingPathComponent(name).path
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw PostgresError("cannot write \(path)")
        }
        guard runsAsRoot, let account = getpwnam("postgres") else { return }
        guard chown(path, account.pointee.pw_uid, account.pointee.pw_gid) == 0 else {
            throw PostgresError("cannot hand \(path) to user postgres: \(String(cString: strerror(errno)))")
        }
    }
}
