import Foundation
import Testing

/// Config files that fuzz/ targets FuzzReldConfig and FuzzHubConfig found to crash the parser,
/// under Fuzz/ beside this file: `reld-*` are for reld, `relhub-*` for relhub, `toml-*` for both.
/// Each must be refused like any bad config file: exit status 78 and a message naming the file.
///
/// What they found: TOMLKit's bundled toml++ asserts (`toml.hpp:15481`, `parse_key`) when a table
/// header starts with a character that is not a bare-key character or a quote (`[é]`, `[:]`), and
/// both programs aborted with SIGABRT. `ConfigText.unparsableTableHeader` now refuses such a line
/// before TOMLKit sees it.
@Suite struct FuzzConfigRegressionTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fuzz")

    static func inputs(_ program: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".toml") && ($0.hasPrefix(program + "-") || $0.hasPrefix("toml-")) }.sorted()
    }

    func refuses(_ binary: String, _ name: String) throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let config = Self.directory.appendingPathComponent(name).path
        // A state directory of its own, so a config that did start could touch nothing shared.
        let out = try run(binary, ["--config", config, "--state-dir", dir.file("state")], timeout: 30)
        #expect(out.status == 78, "\(name): status \(out.status)\n\(out.stderr.prefix(500))")
        #expect(out.stderr.contains(config), "\(name): \(out.stderr.prefix(500))")
    }

    @Test(arguments: inputs("reld")) func reldRefuses(_ name: String) throws {
        try refuses(Binaries.reld, name)
    }

    @Test(arguments: inputs("relhub")) func relhubRefuses(_ name: String) throws {
        try refuses(Binaries.relhub, name)
    }
}
