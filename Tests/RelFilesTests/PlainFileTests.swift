import Foundation
import RelFiles
import Testing

/// Every way a named file can fail is said in plain words, never as a Foundation error number.
/// A class, so that each test's directory is removed when the test ends (`deinit`).
@Suite final class PlainFileTests {
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "plainfile-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    @Test func readsAndWritesAtomically() throws {
        let path = directory + "/out.json"
        try PlainFile.writeAtomically(Data("[1]".utf8), to: path)
        try PlainFile.writeAtomically(Data("[2]".utf8), to: path)
        #expect(try PlainFile.readText(path) == "[2]")
        // Nothing is left beside it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["out.json"])
    }

    @Test func readingADirectorySaysSo() {
        let error = #expect(throws: FileProblem.self) { _ = try PlainFile.read(directory) }
        #expect(error?.words == "is a directory; give a file")
    }

    @Test func readingAMissingFileOrDirectoryNamesWhatIsMissing() {
        let file = #expect(throws: FileProblem.self) { _ = try PlainFile.read(directory + "/nope.json") }
        #expect(file?.words == "no such file")
        let dir = #expect(throws: FileProblem.self) { _ = try PlainFile.read(directory + "/missing/deeper/f.json") }
        #expect(dir?.words == "no such directory \(directory)/missing")
    }

    @Test func writingIntoAMissingDirectoryNamesIt() {
        let error = #expect(throws: FileProblem.self) {
            try PlainFile.writeAtomically(Data(), to: directory + "/missing-dir/f.json")
        }
        #expect(error?.description == "\(directory)/missing-dir/f.json: no such directory \(directory)/missing-dir")
    }

    @Test func writingOverADirectorySaysSo() {
        let error = #expect(throws: FileProblem.self) { try PlainFile.writeAtomically(Data(), to: directory) }
        #expect(error?.words == "is a directory; give a file")
    }

    @Test func writingWhereAFileStandsForADirectorySaysSo() throws {
        try PlainFile.writeAtomically(Data(), to: directory + "/plain")
        let error = #expect(throws: FileProblem.self) { try PlainFile.writeAtomically(Data(), to: directory + "/plain/f.json") }
        #expect(error?.words == "a part of the path is not a directory")
    }

    @Test func anEmptyPathIsSaidToBeEmpty() {
        let read = #expect(throws: FileProblem.self) { _ = try PlainFile.read("") }
        #expect(read?.words == "the path is empty; give a file")
        let write = #expect(throws: FileProblem.self) { try PlainFile.writeAtomically(Data(), to: "") }
        #expect(write?.words == "the path is empty; give a file")
    }

    @Test func errnoValuesInPlainWords() {
        #expect(FileProblem.words(errno: EACCES, path: "/x") == "permission denied")
        #expect(FileProblem.words(errno: ENOSPC, path: "/x") == "disk full (or over quota)")
        #expect(FileProblem.words(errno: EROFS, path: "/x") == "read-only file system")
    }

    @Test func foundationErrorsBecomePlainWords() throws {
        // Foundation fails to read a directory with an error that may carry no POSIX code (error 256).
        var thrown: (any Error)?
        do { _ = try String(contentsOfFile: directory, encoding: .utf8) } catch { thrown = error }
        let problem = FileProblem(path: directory, error: try #require(thrown))
        #expect(problem.words == "is a directory; give a file")
        #expect(!problem.description.contains("NSCocoaErrorDomain"))
    }
}
