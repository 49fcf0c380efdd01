import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A throwaway PostgreSQL cluster for one test: initdb in a fresh `/tmp/reld-pg-XXXXXX`, the
/// server started directly (not through pg_ctl, which daemonizes) so the test holds its pid,
/// and an app role `relhub` with a password and a database `relhub` it owns.
///
/// initdb and postgres refuse to run as root, so when the tests do, both run as an unprivileged
/// account (see ``PostgresInstallation/account``) through `setpriv`, which changes user and
/// then execs in place: the pid the test holds is the postmaster's own, and signals reach it
/// directly. (`runuser` and `su` fork and stay as the parent, so the test would hold theirs.)
///
/// By default the server listens only on its Unix socket, `.s.PGSQL.5432` in
/// ``socketDirectory``; the name cannot clash with the system cluster Debian's package makes
/// (also port 5432), whose socket is in `/var/run/postgresql`. With `tcp: true` it also listens
/// on a free loopback port.
///
/// Keep a reference until the test is done (``withPostgresCluster(tcp:_:)`` does): the
/// cluster is stopped and its directory removed in `deinit`, and ARC may end an object's life
/// after its last use rather than at the end of the scope.
final class PostgresCluster: @unchecked Sendable {
    /// The cluster's own directory, owned by the account postgres runs as (mode 0700): the data
    /// directory, the socket, the logs and the password file are all in it.
    let dir: TempDir
    let dataDirectory: String
    /// Whether the server also listens on loopback TCP (on ``port``).
    let tcp: Bool
    /// The app role; it logs in with the password in ``passwordFile`` (scram-sha-256).
    let user = "relhub"
    /// A file holding the app role's password alone (64 hex digits and a newline), mode 0600.
    let passwordFile: String
    /// The database the app role owns.
    let database = "relhub"
    /// The bootstrap superuser: it may log in without a password, but only over the socket,
    /// whose directory (mode 0700) only the account postgres runs as and root can reach: the
    /// tests' own user, either way.
    let superuser = "postgres"
    /// The port: it names the socket file (`.s.PGSQL.PORT`) and, with `tcp`, is the TCP port.
    private(set) var port: Int

    private let binDirectory: String
    private let account: PostgresInstallation.Account?
    /// The running postmaster, if any.
    private var process: Process?
    /// One log per start, so a restart keeps what the server said before it.
    private var logFiles: [String] = []

    /// Makes the cluster, starts it and creates the app role and database; waits (bounded
    /// polls, not sleeps) up to `timeout` for each step.
    init(tcp: Bool = false, timeout: TimeInterval = 60) throws {
        binDirectory = try PostgresInstallation.binDirectory()
        account = try PostgresInstallation.account.get()
        self.tcp = tcp
        port = try tcp ? Self.freeLoopbackPort() : 5432
        dir = try TempDir(postgresCluster: ())
        dataDirectory = dir.file("data")
        passwordFile = dir.file("password")
        do {
            if let account {
                // The data directory's parent must be theirs: initdb creates the data directory
                // and postgres its socket and lock file here.
                guard chown(dir.path, account.uid, account.gid) == 0 else {
                    throw HarnessError("chown \(dir.path) to \(account.name) failed: \(String(cString: strerror(errno)))")
                }
            }
            chmod(dir.path, 0o700)
            try initdb(timeout: timeout)
            try configure()
            try start(timeout: timeout)
            try createAppRole()
        } catch {
            stop()
            dir.remove()
            throw error
        }
    }

    /// The directory holding the server's socket: what libpq calls `host` (a path, not a name).
    var socketDirectory: String { dir.path }
    /// The socket file itself, for clients that want the full path rather than the directory.
    var socketPath: String { socketDirectory + "/.s.PGSQL.\(port)" }
    /// The app role's password, as read back from ``passwordFile``.
    var password: String { (try? Hub.tokenText(passwordFile)) ?? "" }

    /// The app's connection URL in libpq's form, without the password (it is in
    /// ``passwordFile``, so the URL can be logged):
    /// `postgres://relhub@localhost:5432/relhub?host=/tmp/reld-pg-XXXXXX` for the socket, where
    /// the `host` parameter, being a directory, overrides `localhost` and names the socket
    /// directory, and the port names the socket file; with `tcp`,
    /// `postgres://relhub@127.0.0.1:PORT/relhub`. Temp paths need no percent-encoding.
    var url: String {
        tcp
            ? "postgres://\(user)@127.0.0.1:\(port)/\(database)"
            : "postgres://\(user)@localhost:\(port)/\(database)?host=\(socketDirectory)"
    }

    /// The postmaster's pid while it runs.
    var pid: Int32? { process.flatMap { $0.isRunning ? $0.processIdentifier : nil } }
    var isRunning: Bool { process?.isRunning ?? false }
    /// initdb's output and what the server logged, start after start.
    var log: String {
        ([dir.file("initdb.log")] + logFiles).map { (try? String(contentsOfFile: $0, encoding: .utf8)) ?? "" }
            .joined(separator: "\n")
    }

    /// Runs `sql` with psql over the socket, as the app role with its password or, with
    /// `asSuperuser`, as the bootstrap superuser; stops at the first error. Rows come out
    /// unaligned (`|` between fields), without headers.
    func psql(_ sql: String, asSuperuser: Bool = false, timeout: TimeInterval = 60) throws -> Output {
        var environment = Self.environmentWithoutLibpqVariables()
        if !asSuperuser { environment["PGPASSWORD"] = password }
        return try run(
            binDirectory + "/psql",
            [
                "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", socketDirectory, "-p", "\(port)",
                "-U", asSuperuser ? superuser : user, "-d", asSuperuser ? "postgres" : database, "-f", "-",
            ],
            stdin: Data(sql.utf8), environment: environment, timeout: timeout)
    }

    /// Fast shutdown (SIGINT: sessions are ended, a checkpoint is written, the socket and shared
    /// memory are removed), then waits for the postmaster to exit; SIGKILL if it has not within
    /// `timeout`. Does nothing if the server is not running.
    func stop(timeout: TimeInterval = 30) {
        guard let process, process.isRunning else { return }
        let pid = process.processIdentifier
        let children = Self.children(of: pid)
        kill(pid, SIGINT)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(pid, SIGKILL) }
        process.waitUntilExit()
        // After a clean shutdown they are long gone; after the SIGKILL they may not be yet.
        Self.waitUntilGone(children)
    }

    /// Stops the server and starts it again on the same data directory, socket and port.
    func restart(timeout: TimeInterval = 60) throws {
        stop()
        try start(timeout: timeout)
    }

    /// Kills the postmaster with SIGKILL, as a crash would; ``restart(timeout:)`` then makes
    /// PostgreSQL recover from its WAL. Returns once its children (backends and helpers, which
    /// notice the postmaster's death at once) have exited too: a start while one of them is
    /// still attached to the old shared memory would be refused.
    func kill9() {
        guard let process, process.isRunning else { return }
        let children = Self.children(of: process.processIdentifier)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        Self.waitUntilGone(children)
    }

    deinit {
        stop()
        // After kill9() with no restart, the server could not remove its shared memory.
        Self.releaseSharedMemory(Self.postmasterPIDLines(in: dataDirectory))
        dir.remove()
    }

    // MARK: Making and starting the cluster

    /// `executable arguments` as the cluster's account when the tests run as root.
    private func asAccount(_ executable: String, _ arguments: [String]) -> (String, [String]) {
        guard let account else { return (executable, arguments) }
        // --clear-groups: root's supplementary groups are not the account's to keep.
        return (
            PostgresInstallation.setpriv,
            ["--reuid=\(account.uid)", "--regid=\(account.gid)", "--clear-groups", "--", executable] + arguments
        )
    }

    private func initdb(timeout: TimeInterval) throws {
        let (executable, arguments) = asAccount(
            binDirectory + "/initdb",
            [
                "-D", dataDirectory, "-U", superuser,
                // pg_hba.conf is replaced below; this only spares a warning.
                "--auth=trust",
                // The same collation on every machine, whatever locales it has generated (a
                // fresh Debian image has only C, C.UTF-8 and POSIX); UTF8 so any text fits.
                "--encoding=UTF8", "--locale=C",
                // The cluster lives for one test: no fsync of the files initdb writes.
                "--no-sync",
            ])
        // spawn, not run: it sets the working directory (the account may not be able to enter
        // the tests' own, and initdb says so) and keeps initdb's output in a file.
        let logFile = dir.file("initdb.log")
        let initdb = try spawn(executable, arguments, logFile: logFile, directory: dir.path)
        let deadline = Date().addingTimeInterval(timeout)
        while initdb.isRunning, Date() < deadline { usleep(20_000) }
        if initdb.isRunning {
            kill(initdb.processIdentifier, SIGKILL)
            initdb.waitUntilExit()
            throw HarnessError("initdb did not finish within \(timeout)s:\n\(log)")
        }
        guard initdb.terminationStatus == 0 else {
            throw HarnessError("initdb failed (\(initdb.terminationStatus)):\n\(log)")
        }
    }

    /// Settings for a small, fast test server, and who may log in how.
    private func configure() throws {
        let settings = """

            # Added by the test harness (PostgresCluster). Port and socket directory are given on
            # the command line (-p, -k): Debian's default socket directory, /var/run/postgresql,
            # belongs to the system cluster.
            # Socket only unless the test asks for TCP: the system cluster may hold localhost:5432.
            listen_addresses = '\(tcp ? "127.0.0.1" : "")'
            # Not durable against a crash of the machine, which these tests do not simulate; a
            # postgres killed with SIGKILL loses nothing by it, its writes are in the kernel.
            fsync = off
            shared_buffers = 16MB
            # Room for ~60 app clients, plus the 3 slots kept for superusers.
            max_connections = 80
            # Parallel queries' shared memory as files in the data directory, not in /dev/shm,
            # where a killed server would leave them behind.
            dynamic_shared_memory_type = mmap
            # The default from PostgreSQL 14 on, written out because pg_hba.conf asks for it.
            password_encryption = 'scram-sha-256'

            """
        // Both files are initdb's, the account's and mode 0600; rewritten in place (not
        // atomically, which would make a new file, root's when the tests run as root), they
        // stay so.
        let conf = dataDirectory + "/postgresql.conf"
        try (String(contentsOfFile: conf, encoding: .utf8) + settings).write(toFile: conf, atomically: false, encoding: .utf8)
        let hba = """
            # The bootstrap superuser without a password, over the socket only: its directory is
            # mode 0700, so only the account postgres runs as and root can reach it.
            local all \(superuser) trust
            # Everyone else, the app role included, with a password, as in production.
            local all all scram-sha-256
            host all all 127.0.0.1/32 scram-sha-256
            host all all ::1/128 scram-sha-256

            """
        try hba.write(toFile: dataDirectory + "/pg_hba.conf", atomically: false, encoding: .utf8)
    }

    /// Starts postgres and waits (a bounded poll) until it accepts connections.
    private func start(timeout: TimeInterval) throws {
        let (executable, arguments) = asAccount(
            binDirectory + "/postgres", ["-D", dataDirectory, "-k", socketDirectory, "-p", "\(port)"])
        let logFile = dir.file("postgres-\(logFiles.count + 1).log")
        logFiles.append(logFile)
        let process = try spawn(executable, arguments, logFile: logFile, directory: dir.path)
        self.process = process
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            // pg_ctl's own test, without a connection: postmaster.pid names this postmaster and
            // its status line says "ready" (it says "starting" through crash recovery, while the
            // socket already accepts connections only to refuse them). A file left by a killed
            // postmaster names another pid.
            let lines = Self.postmasterPIDLines(in: dataDirectory)
            if lines.count > 7, Int32(lines[0]) == process.processIdentifier,
                lines[7].trimmingCharacters(in: .whitespaces) == "ready"
            {
                return
            }
            guard process.isRunning else {
                throw HarnessError("postgres exited (\(process.terminationStatus)) before it was ready:\n\(log)")
            }
            usleep(20_000)
        }
        kill9()
        throw HarnessError("postgres not ready within \(timeout)s:\n\(log)")
    }

    private func createAppRole() throws {
        // The password goes through psql's stdin, not its arguments, which any local user can
        // read in /proc. Hex digits need no quoting.
        let password = try Hub.tokenText(Hub.makeToken(in: dir, name: "password"))
        let result = try psql(
            """
            CREATE ROLE \(user) LOGIN PASSWORD '\(password)';
            CREATE DATABASE \(database) OWNER \(user);
            """, asSuperuser: true)
        guard result.status == 0 else {
            throw HarnessError("creating role and database failed (\(result.status)): \(result.stderr)\n\(log)")
        }
    }

    // MARK: Processes and leftovers

    /// The tests' environment without libpq's variables (PGHOST, PGPASSWORD, PGSERVICE, ...),
    /// so that a developer's settings cannot send the harness's psql elsewhere.
    private static func environmentWithoutLibpqVariables() -> [String: String] {
        ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PG") }
    }

    /// A loopback TCP port nothing listens on now (the kernel's pick for port 0). Another
    /// program could still take it before postgres binds it; the start would then fail, saying so.
    private static func freeLoopbackPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                guard bind(fd, pointer, length) == 0 else { return false }
                return getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw HarnessError("no free loopback port: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// The lines of `data/postmaster.pid` (empty if there is none): 1 the pid, 7 the System V
    /// shared memory "key id", 8 the status. Line 6 (listen address) may be empty, so empty
    /// lines are kept to keep the numbering.
    static func postmasterPIDLines(in dataDirectory: String) -> [String] {
        guard let text = try? String(contentsOfFile: dataDirectory + "/postmaster.pid", encoding: .utf8) else { return [] }
        return text.components(separatedBy: "\n")
    }

    /// Removes the small System V segment that every postmaster makes (as an interlock) and
    /// that one killed with SIGKILL leaves behind: a clean or an immediate shutdown removes it,
    /// as would the next start on the same data directory. Only if nothing is attached, so
    /// that even a stale id can never take memory from a running server.
    static func releaseSharedMemory(_ postmasterPIDLines: [String]) {
        guard postmasterPIDLines.count > 6, let text = postmasterPIDLines[6].split(separator: " ").last,
            let id = Int32(text)
        else { return }
        var info = shmid_ds()
        if shmctl(id, IPC_STAT, &info) == 0, info.shm_nattch == 0 { shmctl(id, IPC_RMID, nil) }
    }

    /// The state letter and parent of `pid`, from /proc/PID/stat (nil once it is gone).
    private static func processStat(_ pid: Int32) -> (state: Character, parent: Int32)? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        // After the command name (which may hold spaces and parentheses): state, parent pid.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 1, let state = fields[0].first, let parent = Int32(fields[1]) else { return nil }
        return (state, parent)
    }

    /// Whether `pid` is a live process. A zombie has exited; only its parent has not collected
    /// it (when that is the container's init, that can take seconds). EPERM: it exists, but
    /// belongs to another user.
    static func isAlive(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        return processStat(pid)?.state != "Z"
    }

    /// The processes `pid` has started (a postmaster's backends and helpers).
    private static func children(of pid: Int32) -> [Int32] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { Int32($0) }
            .filter { processStat($0)?.parent == pid }
    }

    /// Waits (bounded) until a dead postmaster's children have exited; they notice its death at
    /// once and go within milliseconds, but one busy in a long computation may not look until it
    /// is done, so after `grace` the rest are killed. Only processes still titled as
    /// PostgreSQL's, in case a pid has been reused meanwhile.
    private static func waitUntilGone(_ children: [Int32], grace: TimeInterval = 5) {
        var deadline = Date().addingTimeInterval(grace)
        var killed = false
        while true {
            let alive = children.filter(isAlive)
            if alive.isEmpty { return }
            if Date() >= deadline {
                if killed { return }
                for pid in alive {
                    if let title = try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8),
                        title.hasPrefix("postgres")
                    {
                        kill(pid, SIGKILL)
                    }
                }
                killed = true
                deadline = Date().addingTimeInterval(grace)
            }
            usleep(5_000)
        }
    }
}

/// Runs `body` with a fresh cluster, kept alive until `body` returns, then stopped and removed.
func withPostgresCluster<T>(tcp: Bool = false, _ body: (PostgresCluster) throws -> T) throws -> T {
    let cluster = try PostgresCluster(tcp: tcp)
    defer { withExtendedLifetime(cluster) {} }
    return try body(cluster)
}

/// Where PostgreSQL's programs are, and whom the server runs as.
enum PostgresInstallation {
    /// The `bin` directory of the newest PostgreSQL installed the Debian way
    /// (`/usr/lib/postgresql/VERSION/bin`), or `RELD_PG_BIN_DIR` if set.
    static func binDirectory() throws -> String {
        let fm = FileManager.default
        if let dir = ProcessInfo.processInfo.environment["RELD_PG_BIN_DIR"] {
            guard fm.isExecutableFile(atPath: dir + "/postgres") else {
                throw HarnessError("RELD_PG_BIN_DIR=\(dir) has no postgres program")
            }
            return dir
        }
        let root = "/usr/lib/postgresql"
        // Debian names the directories by major version: 15, 16, ... (9.6 and older are too
        // old anyway: no scram-sha-256, no status line in postmaster.pid).
        let versions = ((try? fm.contentsOfDirectory(atPath: root)) ?? []).compactMap { Int($0) }
            .filter { fm.isExecutableFile(atPath: "\(root)/\($0)/bin/postgres") }
        guard let newest = versions.max() else {
            throw HarnessError(
                "PostgreSQL's server programs are not installed (no \(root)/*/bin/postgres): "
                    + "install them with `apt-get install -y postgresql`"
            )
        }
        return "\(root)/\(newest)/bin"
    }

    /// util-linux's setpriv, part of every Debian system.
    static let setpriv = "/usr/bin/setpriv"

    struct Account {
        let name: String
        let uid: uid_t
        let gid: gid_t
    }

    /// The account initdb and postgres run as when the tests run as root (both refuse root):
    /// `RELD_PG_USER` if set, else `postgres` (made by the package that brings the programs;
    /// what they are meant to run as), else `nobody`, which every system has. Nil when the
    /// tests do not run as root: the programs then run as the tests' own user. Looked up once
    /// (getpwnam is not safe to call from tests running in parallel).
    static let account: Result<Account?, HarnessError> = {
        guard geteuid() == 0 else { return .success(nil) }
        guard FileManager.default.isExecutableFile(atPath: PostgresInstallation.setpriv) else {
            let missing = "\(PostgresInstallation.setpriv) is missing: install util-linux (`apt-get install -y util-linux`)"
            return .failure(HarnessError(missing))
        }
        let wanted = ProcessInfo.processInfo.environment["RELD_PG_USER"]
        for name in wanted.map({ [$0] }) ?? ["postgres", "nobody"] {
            guard let entry = getpwnam(name) else { continue }
            guard entry.pointee.pw_uid != 0 else { continue }
            return .success(Account(name: name, uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid))
        }
        return .failure(HarnessError("no unprivileged account to run postgres as (tried \(wanted ?? "postgres, nobody"))"))
    }()
}

extension TempDir {
    /// A fresh `/tmp/reld-pg-XXXXXX` recording the test process's pid (`owner.pid`), like
    /// ``TempDir/init()`` but with its own prefix: ``StaleRuns`` would SIGKILL a killed run's
    /// postmaster and leave its shared memory, ``StaleClusters`` shuts it down.
    fileprivate init(postgresCluster: Void) throws {
        StaleClusters.cleaned
        var template = Array("/tmp/reld-pg-XXXXXX".utf8CString)
        guard let p = mkdtemp(&template) else { throw HarnessError("mkdtemp failed") }
        path = String(cString: p)
        try "\(getpid())\n".write(toFile: path + "/owner.pid", atomically: true, encoding: .utf8)
    }
}

/// Shuts down clusters left behind by an earlier test run that was itself killed (its
/// `deinit`s never ran, and postgres outlives the process that started it): for each
/// `/tmp/reld-pg-*` whose `owner.pid` names a process no longer alive, the postmaster that
/// `data/postmaster.pid` names, if its command line names that directory (not a reused pid),
/// gets SIGQUIT, an immediate shutdown that ends its children and removes its shared memory;
/// SIGKILL if it has not exited within 10 s. Then the directory goes. A run whose pid has been
/// reused still looks alive, and is left for a later run.
enum StaleClusters {
    static let cleaned: Void = {
        let fm = FileManager.default
        for name in (try? fm.contentsOfDirectory(atPath: "/tmp")) ?? [] where name.hasPrefix("reld-pg-") {
            let dir = "/tmp/" + name
            guard let owner = try? String(contentsOfFile: dir + "/owner.pid", encoding: .utf8),
                let ownerPID = Int32(owner.trimmingCharacters(in: .whitespacesAndNewlines)),
                !PostgresCluster.isAlive(ownerPID)
            else { continue }  // its test run is still alive, or the directory is not ours to read
            let lines = PostgresCluster.postmasterPIDLines(in: dir + "/data")
            if let first = lines.first, let pid = Int32(first), PostgresCluster.isAlive(pid),
                let cmdline = try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8),
                cmdline.contains(dir + "/")
            {
                kill(pid, SIGQUIT)
                var deadline = Date().addingTimeInterval(10)
                while PostgresCluster.isAlive(pid), Date() < deadline { usleep(10_000) }
                if PostgresCluster.isAlive(pid) {
                    kill(pid, SIGKILL)
                    deadline = Date().addingTimeInterval(5)
                    while PostgresCluster.isAlive(pid), Date() < deadline { usleep(10_000) }
                }
            }
            PostgresCluster.releaseSharedMemory(lines)
            try? fm.removeItem(atPath: dir)
        }
    }()
}

/// Where a test's relhub keeps its feed: the same tests run against both.
enum HubStore: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite
    case postgres

    var description: String { rawValue }
}

/// Runs `body` with the `database` argument of ``Hub/start(dir:port:tokenFile:stateDir:settings:database:)``
/// for `store`: none (SQLite in the state directory), or a fresh cluster, stopped after.
func withHubStore<T>(_ store: HubStore, _ body: (PostgresCluster?) throws -> T) throws -> T {
    switch store {
    case .sqlite: try body(nil)
    case .postgres: try withPostgresCluster { try body($0) }
    }
}
