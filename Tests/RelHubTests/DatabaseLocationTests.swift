import Foundation
import RelService
import RelStorePostgres
import Testing

@testable import RelHub

/// `--database` and `[storage] url`: libpq's URL forms, a Unix socket directory as the host,
/// and a clear refusal of whatever cannot be used, never echoing a password.
@Suite struct DatabaseLocationTests {
    @Test func tcpAndSocketForms() throws {
        let tcp = try PostgresLocation(url: "postgres://relhub@db.example.org:5433/feed?sslmode=verify-full&sslrootcert=/etc/ca.pem")
        #expect(tcp.endpoint == .tcp(host: "db.example.org", port: 5433))
        #expect((tcp.user, tcp.database, tcp.tls, tcp.rootCertificate) == ("relhub", "feed", .require, "/etc/ca.pem"))
        #expect(try PostgresLocation(url: "postgresql://relhub@[::1]/feed").endpoint == .tcp(host: "::1", port: 5432))
        #expect(try PostgresLocation(url: "postgres://relhub@h/feed").tls == .prefer, "libpq's default")

        let socket = try PostgresLocation(url: "postgres://relhub@/feed?host=/run/postgresql")
        #expect(socket.endpoint == .socket(directory: "/run/postgresql", port: 5432))
        #expect(socket.socketPath == "/run/postgresql/.s.PGSQL.5432")
        #expect(try PostgresLocation(url: "postgres://relhub@%2Ftmp%2Fpg:5499/feed").socketPath == "/tmp/pg/.s.PGSQL.5499")
        #expect(try PostgresLocation(url: "postgres://relhub@").endpoint == .socket(directory: "/var/run/postgresql", port: 5432))
        #expect(try PostgresLocation(url: "postgres://relhub@").database == "relhub", "the role's name, as libpq")
        #expect(try PostgresLocation(url: "postgres://rel%40hub@h/caf%C3%A9").user == "rel@hub")
        #expect(try PostgresLocation(url: "postgres://relhub@h/caf%C3%A9").database == "café")
    }

    @Test func whatCannotBeUsedIsRefusedSayingWhy() {
        func reason(_ url: String) -> String {
            do {
                _ = try PostgresLocation(url: url)
                return "accepted"
            } catch { return error.description }
        }
        #expect(reason("mysql://relhub@h/db") == "database URL \"mysql://relhub@h/db\": the scheme must be postgres://, not mysql://")
        #expect(reason("postgres://h/db").contains("name the role relhub logs in as"))
        #expect(reason("postgres://relhub@h/db?sslmode=sometimes").contains("sslmode sometimes: use disable, prefer, require"))
        #expect(reason("postgres://relhub@h/db?application_name=x").contains("unknown parameter application_name"))
        #expect(reason("postgres://relhub@h:0/db").contains("is not from 1 to 65535"))
        #expect(reason("postgres://relhub@/db?host=/run/postgresql&sslmode=require").contains("a Unix socket is not encrypted"))
        #expect(reason("not a url at all").contains("write postgres://USER@HOST/DATABASE"))
        // A password is refused, and never echoed, however it is written: one that makes no
        // valid URL, under a wrong scheme, or as libpq's parameter.
        for url in [
            "postgres://relhub:hunter2-secret@h/db", "postgres://relhub:hunter2 #sec/ret?@db/relhub",
            "postgresq://relhub:hunter2-secret@db/x", "postgres://relhub@db/relhub?password=hunter2-secret",
            "postgres://relhub@db/relhub?sslmode=require&password=hunter2-secret",
        ] {
            let said = reason(url)
            #expect(said.contains("put it in a file of its own (--database-password-file)"), "\(url): \(said)")
            #expect(!said.contains("hunter2"), "\(url): \(said)")
        }
    }

    @Test func theConfigFileTakesAStorageTable() throws {
        var config = HubConfig(stateDirectory: "/var/lib/relhub")
        try HubConfigFile.apply(
            text:
                "[storage]\nurl = \"postgres://relhub@/feed?host=/run/postgresql\"\npassword_file = \"/etc/relhub/pw\"\nmax_connections = 6\n",
            path: "relhub.toml", to: &config)
        #expect(config.database?.socketPath == "/run/postgresql/.s.PGSQL.5432")
        #expect(config.databasePasswordFile == "/etc/relhub/pw")
        #expect(config.databaseMaxConnections == 6)
        #expect(throws: HubConfigError.self) { try HubConfigFile.apply(text: "[storage]\nuri = \"x\"\n", path: "f", to: &config) }
        #expect(throws: HubConfigError.self) { try HubConfigFile.apply(text: "[storage]\nmax_connections = 5\n", path: "f", to: &config) }
        do {
            try HubConfigFile.apply(text: "[storage]\nurl = \"postgres://u:topsecret@h/db\"\n", path: "f", to: &config)
            Issue.record("a password in the URL was accepted")
        } catch {
            #expect(error.description.hasPrefix("f:2: key \"storage.url\""), "\(error)")
            #expect(!error.description.contains("topsecret"))
        }
    }

    @Test func aPasswordFileGivesItsFirstLineWhateverItsLineEnds() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("relhub-pw-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (text, expected) in [
            ("s3cret pass\n", "s3cret pass"), ("s3cret\r\n", "s3cret"), ("s3cret", "s3cret"), ("s3cret\nsecond line\n", "s3cret"),
        ] {
            let file = dir + "/pw"
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            #expect(try SecretFile.readPassword(file) == expected, "\(text.debugDescription)")
        }
        try "\nhunter2\n".write(toFile: dir + "/pw", atomically: true, encoding: .utf8)
        do {
            _ = try SecretFile.readPassword(dir + "/pw")
            Issue.record("an empty first line was taken as the password")
        } catch {
            #expect(error.description == "password file \(dir)/pw: its first line is empty; put the password on it")
            #expect(!error.description.contains("hunter2"))
        }
    }
}
