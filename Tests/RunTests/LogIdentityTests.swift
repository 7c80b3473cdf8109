import ArchiveAccess
import Catalog
import Foundation
import GRDB
import Ingest
import Intake
import PipelineConfig
import TestSupport
import Testing

@testable import Run

/// Logs known by their content: the cases logrotate does not make on its own (`LogRotationTests` runs it).
@Suite struct LogIdentityTests {
    static let now = "2025-10-01T03:00:00Z"

    /// `count` messages of day 2025-09-20, numbered from `from`, each about 130 bytes.
    static func lines(_ from: Int, _ count: Int, tag: String = "m") -> [String] {
        (from..<(from + count)).map {
            #"{"id":"\#(tag)-\#($0)","conversation":"c-\#($0 % 5)","sender":"u-\#($0 % 9)","timestamp":"2025-09-20T10:\#(String(format: "%02d", $0 / 60 % 60)):\#(String(format: "%02d", $0 % 60))Z","body":"hello \#($0)"}"#
        }
    }

    static func text(_ lines: [String]) -> Data { Data(lines.map { $0 + "\n" }.joined().utf8) }

    /// Pipes `data` through a stock compressor (`gzip -c`, `lz4 -c`) and returns its output.
    static func compressed(_ data: Data, with tool: String, in tmp: TemporaryDirectory) throws -> Data {
        let plain = tmp.path("plain-\(UUID().uuidString)")
        try data.write(to: plain)
        let result = try runProcess("/usr/bin/env", [tool, "-c", plain.path])
        try #require(result.status == 0, "\(tool): \(result.stderr)")
        return result.stdout
    }

    @Test(arguments: ["gzip", "lz4", "zstd"])
    func aCompressedLogThatGrowsIsReadOnFromWhereItStopped(tool: String) async throws {
        let fx = try ArchiveFixture()
        defer { fx.tmp.remove() }
        try FileManager.default.createDirectory(at: fx.logs, withIntermediateDirectories: true)
        let log = fx.logs.appendingPathComponent("app.jsonl.\(["gzip": "gz", "lz4": "lz4", "zstd": "zst"][tool]!)")
        try Self.compressed(Self.text(Self.lines(0, 100)), with: tool, in: fx.tmp).write(to: log)
        let first = try await fx.run(now: Self.now)
        #expect(first.counts.recordsArchived == 100)
        // A shipper appends a member (frame) holding the next lines.
        let handle = try FileHandle(forWritingTo: log)
        try handle.seekToEnd()
        try handle.write(contentsOf: try Self.compressed(Self.text(Self.lines(100, 30)), with: tool, in: fx.tmp))
        try handle.close()
        let second = try await fx.run(now: Self.now)
        #expect(second.inputs.grown == 1)
        #expect(second.counts.linesRead == 30)
        #expect(second.counts.recordsArchived == 30)
        #expect(second.counts.duplicatesById == 0)
        let third = try await fx.run(now: Self.now)
        #expect(third.status == .nothingNew)
        #expect(third.inputs.bytesRead == 0)
        #expect(try await fx.export().sorted() == Self.lines(0, 130).sorted())
    }

    @Test func theSameLogTwiceInOneRunIsReadOnce() async throws {
        let fx = try ArchiveFixture()
        defer { fx.tmp.remove() }
        try FileManager.default.createDirectory(at: fx.logs, withIntermediateDirectories: true)
        let lines = Self.lines(0, 200)
        try Self.text(lines).write(to: fx.logs.appendingPathComponent("app.jsonl.1"))
        try Self.compressed(Self.text(lines), with: "gzip", in: fx.tmp)
            .write(to: fx.logs.appendingPathComponent("app.jsonl.1.gz"))
        let first = try await fx.run(now: Self.now)
        #expect(first.inputs.new == 1)
        #expect(first.inputs.copies == 1)
        #expect(first.counts.linesRead == 200)
        #expect(first.counts.duplicatesById == 0)
        // `compress` finishes: the plain copy goes; the .gz is the same log, already read.
        try FileManager.default.removeItem(at: fx.logs.appendingPathComponent("app.jsonl.1"))
        let second = try await fx.run(now: Self.now)
        #expect(second.status == .nothingNew)
        #expect(second.inputs.unchanged == 1)
        #expect(second.inputs.vanished.isEmpty)
        #expect(try await fx.export().sorted() == lines.sorted())
    }

    @Test func logsThatBeginWithTheSameBannerAreDifferentLogs() async throws {
        let fx = try ArchiveFixture()
        defer { fx.tmp.remove() }
        try FileManager.default.createDirectory(at: fx.logs, withIntermediateDirectories: true)
        // Every Mattermost bulk export begins with this line; the fingerprint reaches past it.
        let banner = #"{"type":"version","version":1}"#
        let a = [banner] + Self.lines(0, 60, tag: "a")
        let b = [banner] + Self.lines(0, 60, tag: "b")
        try Self.text(a).write(to: fx.logs.appendingPathComponent("export-1.jsonl"))
        let first = try await fx.run(now: Self.now)
        #expect(first.counts.recordsArchived == 60)
        try Self.text(b).write(to: fx.logs.appendingPathComponent("export-2.jsonl"))
        // A short log beginning with the same banner is a log of its own too.
        try Self.text([banner] + Self.lines(0, 3, tag: "c")).write(to: fx.logs.appendingPathComponent("c.jsonl"))
        let second = try await fx.run(now: Self.now)
        #expect(second.inputs.new == 2)
        #expect(second.inputs.unchanged == 1)
        #expect(second.counts.recordsArchived == 63)
        #expect(second.counts.duplicatesById == 0)
        let expected = Self.lines(0, 60, tag: "a") + Self.lines(0, 60, tag: "b") + Self.lines(0, 3, tag: "c")
        #expect(try await fx.export().sorted() == expected.sorted())
    }

    @Test func aShortLogIsMatchedOnceItGrowsPastTheFingerprintWindow() async throws {
        let fx = try ArchiveFixture()
        defer { fx.tmp.remove() }
        try FileManager.default.createDirectory(at: fx.logs, withIntermediateDirectories: true)
        let app = fx.logs.appendingPathComponent("app.jsonl")
        try Self.text(Self.lines(0, 5)).write(to: app)
        #expect(try await fx.run(now: Self.now).counts.recordsArchived == 5)
        let handle = try FileHandle(forWritingTo: app)
        try handle.seekToEnd()
        try handle.write(contentsOf: Self.text(Self.lines(5, 100)))
        try handle.close()
        // Rotated by renaming and compressed: still the same log, read on from line 6.
        try Self.compressed(try Data(contentsOf: app), with: "gzip", in: fx.tmp)
            .write(to: fx.logs.appendingPathComponent("app.jsonl.1.gz"))
        try FileManager.default.removeItem(at: app)
        let second = try await fx.run(now: Self.now)
        #expect(second.inputs.grown == 1)
        #expect(second.counts.linesRead == 100)
        #expect(second.counts.duplicatesById == 0)
        let catalog = try Catalog(readOnly: fx.archive.appendingPathComponent("catalog.sqlite"))
        #expect(try catalog.logs().logs.map(\.fingerprintLength) == [Int64(LogContent.fingerprintWindow)])
    }

    @Test func aLogJustWrittenWhoseFirstLineFillsTheFingerprintWindowIsRead() async throws {
        let fx = try ArchiveFixture()
        defer { fx.tmp.remove() }
        try FileManager.default.createDirectory(at: fx.logs, withIntermediateDirectories: true)
        // A pasted text makes the first line longer than the window; the file was modified just now.
        let body = String(repeating: "pasted text ", count: LogContent.fingerprintWindow / 8)
        let long =
            #"{"id":"long","conversation":"c-0","sender":"u-0","timestamp":"2025-09-20T09:00:00Z","body":"\#(body)"}"#
        let lines = [long] + Self.lines(0, 20)
        try Self.text(lines).write(to: fx.logs.appendingPathComponent("app.jsonl"))
        let first = try await fx.run(now: Self.now)
        #expect(first.inputs.waiting.isEmpty)
        #expect(first.counts.recordsArchived == 21)
        #expect(try await fx.export().sorted() == lines.sorted())
    }

    @Test func aCatalogThatTrackedLogsByPathIsMigratedWithoutReadingThemAgain() async throws {
        let fx = try ArchiveFixture()
        defer { fx.tmp.remove() }
        let corpus = try LogCorpus.write(
            to: fx.logs, firstDay: 20_340, days: 6, messagesPerDay: 80, conversations: 9, seed: 3, compressEvery: 3)
        _ = try await fx.run(now: Self.now)
        // Turn the catalog into what version 0.1 left: an `inputs` row per path, no `logs`.
        let queue = try DatabaseQueue(path: fx.archive.appendingPathComponent("catalog.sqlite").path)
        try await queue.write { db in
            try db.execute(sql: "DELETE FROM logs")
            for url in corpus.files {
                let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
                let size = (attributes[.size] as! NSNumber).int64Value
                let modified = attributes[.modificationDate] as! Date
                let compressed = url.pathExtension != "jsonl"
                let content = try LineReader(url: url)
                var lines = 0
                while try content.next() != nil { lines += 1 }
                try InputRow(
                    path: url.path, size: size, mtime: Int64(modified.timeIntervalSince1970 * 1e9), consumed: size,
                    lines: Int64(lines), sample: compressed ? "" : try LogContent.sample(of: url, upTo: size).sample!,
                    status: compressed ? "done" : "partial"
                ).insert(db)
            }
        }
        let second = try await fx.run(now: Self.now)
        #expect(second.status == .nothingNew)
        #expect(second.counts.linesRead == 0)
        #expect(second.inputs.unchanged == corpus.files.count)
        let catalog = try Catalog(readOnly: fx.archive.appendingPathComponent("catalog.sqlite"))
        #expect(try catalog.logs().logs.count == corpus.files.count)
        #expect(try catalog.legacyInputs().isEmpty)
    }
}
