import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A small push must not freeze relhub: list fields are bounded and checked in linear time, so
/// a push of 80,000 tags is refused at once, and /v1/health keeps answering while two large
/// valid batches are applied. Real relhub, curl as the client, loopback only.
@Suite("Hub bounded work", .serialized)
struct HubBoundedWorkTests {
    static func hlc() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) << 16 }

    static func change(node: String, seq: Int, id: String, field: String, value: String) -> String {
        #"{"node":"\#(node)","node_seq":\#(seq),"record_id":"\#(id)","field":"\#(field)","value":\#(value),"hlc":\#(hlc()),"bases":[]}"#
    }

    /// A relhub with a fresh token: the process, the token a request carries, and its URL.
    static func startHub(_ dir: TempDir) throws -> (hub: ServerProcess, token: String, feed: String) {
        let tokenFile = try Hub.makeToken(in: dir)
        let hub = try Hub.start(dir: dir, tokenFile: tokenFile)
        return (hub, try Hub.tokenText(tokenFile), "http://127.0.0.1:\(hub.port)")
    }

    static func tags(_ n: Int, prefix: String = "tag-") -> String {
        "[" + (0..<n).map { "\"\(prefix)\($0)\"" }.joined(separator: ",") + "]"
    }

    static func curl(_ url: String, token: String, body: String? = nil, maxTime: Int = 60) throws -> (status: Int, text: String) {
        var args = ["curl", "-s", "--max-time", "\(maxTime)", "-w", "\n%{http_code}", "-H", "Authorization: Bearer \(token)"]
        if let body { args += ["-H", "Content-Type: application/json", "--data-binary", "@\(body)"] }
        let out = try run("/usr/bin/env", args + [url], timeout: TimeInterval(maxTime + 10))
        let lines = out.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? -1, lines.dropLast().joined(separator: "\n"))
    }

    @Test func aPushOf80000TagsIsRefusedNamingTheBound() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let (hub, token, feed) = try Self.startHub(dir)
        defer { hub.stop(SIGKILL) }
        let body = dir.file("tags.json")
        try "{\"changes\":[\(Self.change(node: "big-tags", seq: 1, id: "t1", field: "tags", value: Self.tags(80_000)))]}"
            .write(toFile: body, atomically: true, encoding: .utf8)
        let start = Date()
        let answer = try Self.curl(feed + "/v1/changes", token: token, body: body)
        let seconds = Date().timeIntervalSince(start)
        #expect(answer.status == 422, "\(answer)")
        #expect(answer.text.contains("tags: has 80000 items; at most 1000 are allowed"), "\(answer.text)")
        print("80000-tag push refused in \(String(format: "%.2f", seconds)) s")
        // A title of one character and a million combining marks (NFC makes the first "á"): refused by its bytes.
        let flood = "a" + String(repeating: "\\u0301", count: 1_000_000)
        try "{\"changes\":[\(Self.change(node: "big-tags", seq: 1, id: "t1", field: "title", value: "\"\(flood)\""))]}"
            .write(toFile: body, atomically: true, encoding: .utf8)
        let title = try Self.curl(feed + "/v1/changes", token: token, body: body)
        #expect(title.status == 422, "\(title)")
        #expect(title.text.contains("title: is 2000000 bytes of UTF-8; at most 2000 are allowed"), "\(title.text)")
        #expect(try Self.curl(feed + "/v1/health", token: token).status == 200, "the hub is still there")
    }

    @Test func healthAnswersWhileTwoLargeBatchesAreApplied() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let (hub, token, feed) = try Self.startHub(dir)
        defer { hub.stop(SIGKILL) }
        // Two valid batches of about 2 MB: 200 records with 1,000 tags each, the most allowed.
        var bodies: [String] = []
        for node in ["load-a", "load-b"] {
            let list = Self.tags(1_000, prefix: "\(node)-")
            let changes = (1...200).map { Self.change(node: node, seq: $0, id: "\(node)-\($0)", field: "tags", value: list) }
            let body = dir.file("\(node).json")
            try "{\"changes\":[\(changes.joined(separator: ","))]}".write(toFile: body, atomically: true, encoding: .utf8)
            bodies.append(body)
        }
        nonisolated(unsafe) var statuses: [Int] = [0, 0]
        let group = DispatchGroup()
        for (i, body) in bodies.enumerated() {
            DispatchQueue.global().async(group: group) {
                statuses[i] = (try? Self.curl(feed + "/v1/changes", token: token, body: body, maxTime: 120).status) ?? -1
            }
        }
        var slowest = 0.0
        var polls = 0
        // Bounded: at most 200 polls, each given 10 s (the freeze this guards against was 48 s).
        while group.wait(timeout: .now()) == .timedOut, polls < 200 {
            let start = Date()
            let health = try Self.curl(feed + "/v1/health", token: token, maxTime: 10)
            slowest = max(slowest, Date().timeIntervalSince(start))
            polls += 1
            #expect(health.status == 200, "health answers during the pushes: \(health)")
            usleep(50_000)  // pacing between polls, not a readiness wait
        }
        _ = group.wait(timeout: .now() + 120)
        #expect(statuses == [200, 200], "both batches are applied")
        print("health: \(polls) polls during two 2 MB pushes, slowest \(String(format: "%.3f", slowest)) s")
    }

    /// Snapshots are written a few at a time, each a page at a time: several followers asking
    /// at once all get the whole, same document.
    @Test func concurrentSnapshotsAreAllAnsweredWhole() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let (hub, token, feed) = try Self.startHub(dir)
        defer { hub.stop(SIGKILL) }
        let changes = (1...300).map {
            Self.change(node: "snap-a", seq: $0, id: "s-\($0)", field: "tags", value: Self.tags(20, prefix: "t\($0)-"))
        }
        let body = dir.file("batch.json")
        try "{\"changes\":[\(changes.joined(separator: ","))]}".write(toFile: body, atomically: true, encoding: .utf8)
        #expect(try Self.curl(feed + "/v1/changes", token: token, body: body).status == 200)
        nonisolated(unsafe) var answers = [(status: Int, text: String)](repeating: (0, ""), count: 4)
        let group = DispatchGroup()
        for i in answers.indices {
            DispatchQueue.global().async(group: group) {
                answers[i] = (try? Self.curl(feed + "/v1/snapshot", token: token)) ?? (-1, "")
            }
        }
        #expect(group.wait(timeout: .now() + 120) == .success)
        #expect(answers.allSatisfy { $0.status == 200 }, "\(answers.map(\.status))")
        #expect(Set(answers.map(\.text)).count == 1, "every follower got the same document")
        #expect(answers[0].text.contains("\"t300-19\""), "the document holds the last change")
    }
}
