import Foundation
import Testing

@testable import Ingest

/// The committed chat-log fixtures and the counts their generator wrote to `EXPECTED.json`.
enum LogFixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../fixtures/logs").standardizedFileURL

    struct FileCounts: Decodable {
        var lines: Int
        var valid: Int
        var quarantined: [String: Int]
    }

    struct Expected: Decodable {
        var files: [String: FileCounts]
    }

    static func expected() throws -> Expected {
        let url = directory.appendingPathComponent("EXPECTED.json")
        return try JSONDecoder().decode(Expected.self, from: Data(contentsOf: url))
    }
}

@Suite struct FixtureScanTests {
    @Test(arguments: [
        "2026-09-05.jsonl", "2026-09-06.jsonl", "2026-09-20.jsonl", "2026-10-10.jsonl", "2026-10-14.jsonl.gz",
        "2026-10-15.jsonl.lz4", "2026-10-16.jsonl", "2026-10-17.jsonl",
    ])
    func classifiesEveryLineAsExpected(file: String) throws {
        let expected = try #require(try LogFixtures.expected().files[file])
        let reader = try LineReader(url: LogFixtures.directory.appendingPathComponent(file))
        let scanner = RecordScanner()
        var lines = 0
        var valid = 0
        var quarantined: [String: Int] = [:]
        while let line = try reader.next() {
            lines += 1
            if line.tooLong {
                quarantined[QuarantineReason.tooLong.rawValue, default: 0] += 1
                continue
            }
            switch scanner.scan(line.bytes) {
            case .success: valid += 1
            case .failure(let detail): quarantined[detail.reason.rawValue, default: 0] += 1
            }
        }
        #expect(lines == expected.lines)
        #expect(valid == expected.valid)
        #expect(quarantined == expected.quarantined.filter { $0.value > 0 })
    }
}
