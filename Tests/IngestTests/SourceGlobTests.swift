import Foundation
import Testing

@testable import Ingest

@Suite struct SourceGlobTests {
    @Test func expandsStarsClassesAndDoubleStars() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        for name in [
            "logs/2026-10-01.jsonl", "logs/2026-10-02.jsonl.gz", "logs/.hidden.jsonl", "logs/a/b/deep.jsonl",
            "logs/a/x.txt", "other/2026-10-01.jsonl",
        ] {
            _ = try dir.write(name, [0x0A])
        }
        let matches = try SourceGlob.expand(
            [
                "logs/*.jsonl*", "logs/2026-10-0[!1].jsonl.gz", "logs/**/*.jsonl", "/nowhere/*.jsonl",
                "logs/2026-10-0?.jsonl", "\(dir.url.path)/other/*",
            ], relativeTo: dir.url)
        let names = matches.map { $0.files.map { $0.path.replacingOccurrences(of: dir.url.path + "/", with: "") } }
        #expect(names[0] == ["logs/2026-10-01.jsonl", "logs/2026-10-02.jsonl.gz"])
        #expect(names[1] == ["logs/2026-10-02.jsonl.gz"])
        #expect(names[2] == ["logs/2026-10-01.jsonl", "logs/a/b/deep.jsonl"])
        #expect(names[3].isEmpty)
        #expect(names[4] == ["logs/2026-10-01.jsonl"])
        #expect(names[5] == ["other/2026-10-01.jsonl"])
        #expect(matches[3].pattern == "/nowhere/*.jsonl")
    }

    @Test func rejectsAnUnclosedClass() {
        #expect(throws: IngestError.self) {
            _ = try SourceGlob.expand(["logs/[abc.jsonl"], relativeTo: URL(fileURLWithPath: "/"))
        }
    }

    @Test(arguments: [
        ("*.jsonl", "a.jsonl", true), ("*.jsonl", ".a.jsonl", false), ("a?c", "abc", true), ("a?c", "ac", false),
        ("[a-c]x", "bx", true), ("[^a-c]x", "bx", false), ("[]]", "]", true), ("a*b*c", "aXbYbZc", true),
        ("a*b*c", "aXbYbZ", false), ("\\*", "*", true), ("\\*", "x", false),
    ])
    func matchesComponents(pattern: String, name: String, expected: Bool) {
        #expect(SourceGlob.matches(pattern, name) == expected)
    }
}
