import Foundation
import GRDB
import Segments
import Testing

@testable import Catalog

/// A catalog file in a fresh directory, removed with the directory.
private func withCatalog(_ body: (Catalog, URL) throws -> Void) throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("msgarchive-catalog-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = dir.appendingPathComponent("catalog.sqlite")
    try body(try Catalog(url: url), url)
}

private func segment(_ name: String, partition: String = "2026-10-01") -> SegmentRow {
    SegmentRow(
        name: name, partition: partition, tier: .hot, codec: .lz4, level: 1, records: 3, rawBytes: 300,
        storedBytes: 120, rawSHA256: String(repeating: "a", count: 64), storedSHA256: String(repeating: "b", count: 64),
        minTimestamp: 1, maxTimestamp: 2)
}

private func log(_ path: String, consumed: Int64, id: Int64? = nil) -> LogUpdate {
    LogUpdate(
        row: LogRow(
            id: id, fingerprint: "f-\(path)", fingerprintLength: min(consumed, 4096), consumed: consumed, lines: 2,
            sample: "s", firstPath: path, lastPath: path),
        copies: [LogCopy(log: 0, size: consumed, mtime: 7, contentBytes: consumed)])
}

private struct DigestsUnavailable: Error {}

@Suite struct CatalogTests {
    @Test func committedSegmentsInputsAndRunsSurviveReopening() throws {
        try withCatalog { catalog, url in
            let digests = [UInt8](repeating: 7, count: 32)
            try catalog.commit(
                added: [.init(row: segment("a"), digests: digests)], logs: [log("/logs/1.jsonl", consumed: 40)],
                run: .init(id: "run1", counts: Data("{}".utf8)))
            let reopened = try Catalog(url: url)
            #expect(try reopened.segments() == [segment("a")])
            let (logs, copies) = try reopened.logs()
            #expect(logs == [log("/logs/1.jsonl", consumed: 40, id: 1).row])
            #expect(copies[1] == [LogCopy(log: 1, size: 40, mtime: 7, contentBytes: 40)])
            #expect(try reopened.idBlobs(partition: "2026-10-01").map(\.bytes) == [digests])
            #expect(try reopened.unledgeredRuns().map(\.id) == ["run1"])
            try reopened.markLedgered(runId: "run1")
            #expect(try Catalog(url: url).unledgeredRuns().isEmpty)
        }
    }

    @Test func failedDigestsLeaveTheCatalogAsBefore() throws {
        try withCatalog { catalog, _ in
            try catalog.commit(added: [.init(row: segment("old"), digests: [])], logs: [log("/l", consumed: 10)])
            // The second segment's digests cannot be read: nothing of this commit may land, not even the first.
            #expect(throws: CatalogError.self) {
                try catalog.commit(
                    added: [segment("new1"), segment("new2")],
                    digests: { i in
                        guard i == 0 else { throw DigestsUnavailable() }
                        return ([1], .exact)
                    },
                    retired: ["old"], logs: [log("/l", consumed: 99, id: 1)], run: .init(id: "r", counts: Data()))
            }
            #expect(try catalog.segments().map(\.name) == ["old"])
            #expect(try catalog.logs().logs.map(\.consumed) == [10])
            #expect(try catalog.unledgeredRuns().isEmpty)
        }
    }

    @Test func lazyDigestsAreAskedOncePerSegmentInOrder() throws {
        try withCatalog { catalog, _ in
            var asked: [Int] = []
            try catalog.commit(
                added: [segment("s0"), segment("s1"), segment("s2", partition: "2026-10-02")],
                digests: { i in
                    asked.append(i)
                    return ([UInt8](repeating: UInt8(i), count: 16), .exact)
                })
            #expect(asked == [0, 1, 2])
            let blobs = try catalog.idBlobs(partition: "2026-10-01").sorted { $0.segment < $1.segment }
            #expect(blobs.map(\.segment) == ["s0", "s1"])
            #expect(blobs.map(\.bytes) == [[UInt8](repeating: 0, count: 16), [UInt8](repeating: 1, count: 16)])
        }
    }

    @Test func objectKeysPastRetentionAreThoseNoOtherSegmentRefersTo() throws {
        try withCatalog { catalog, _ in
            try catalog.commit(added: ["p1", "p2", "q"].map { .init(row: segment($0), digests: []) })
            try catalog.markRemote(["p1": 0, "p2": 100], objectKey: "pack-1")
            try catalog.markRemote(["q": 0], objectKey: "pack-2")
            #expect(try catalog.objectKeys(heldOnlyBy: ["p1"]).isEmpty)
            #expect(try catalog.objectKeys(heldOnlyBy: ["p2", "q"]) == ["pack-2"])
            #expect(try catalog.objectKeys(heldOnlyBy: ["p1", "p2", "q"]) == ["pack-1", "pack-2"])
            // Asking drops nothing: the rows stay until their objects are deleted.
            #expect(try catalog.segments().count == 3)
            try catalog.remove(segments: ["p1"])
            #expect(try catalog.objectKeys(heldOnlyBy: ["p2", "q"]) == ["pack-1", "pack-2"])
            try catalog.remove(segments: ["p2", "q"])
            #expect(try catalog.segments().isEmpty)
        }
    }

    /// 64 segments of 16 KiB digests each: a megabyte of blobs, as a partition of ~65 k records holds.
    private static let bigSegments = (0..<64).map { i in
        Catalog.NewSegment(
            row: segment("s\(i)", partition: "2026-09-\(10 + i % 20)"),
            digests: [UInt8](repeating: UInt8(i), count: 16 << 10))
    }

    private static func fileSize(_ url: URL) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int)
    }

    @Test func newCatalogsUseIncrementalAutoVacuum() throws {
        try withCatalog { catalog, _ in
            let pages = try catalog.pages()
            #expect(pages.autoVacuum == Catalog.incrementalAutoVacuum)
        }
    }

    @Test func shrinkingDigestsGivesTheFileItsPagesBack() throws {
        try withCatalog { catalog, url in
            try catalog.commit(added: Self.bigSegments)
            let before = try Self.fileSize(url)
            #expect(before > 1 << 20)
            #expect(try catalog.shrinkIdBlobs(before: "2026-10-01") { _ in [UInt8](repeating: 9, count: 100) } == 64)
            let after = try Self.fileSize(url)
            let pages = try catalog.pages()
            #expect(pages.free == 0)
            #expect(after == pages.count * pages.size)
            #expect(after < before / 8, "\(before) bytes before shrinking, \(after) after")
            #expect(try catalog.idBlobs(partition: "2026-09-10").map(\.kind) == [.bloom, .bloom, .bloom, .bloom])
        }
    }

    @Test func removingSegmentsGivesTheFileItsPagesBack() throws {
        try withCatalog { catalog, url in
            try catalog.commit(added: Self.bigSegments)
            let before = try Self.fileSize(url)
            try catalog.remove(segments: Self.bigSegments.map(\.row.name))
            let after = try Self.fileSize(url)
            #expect(try catalog.pages().free == 0)
            #expect(after < before / 8, "\(before) bytes before removing, \(after) after")
        }
    }

    @Test func compactionRetiringSegmentsGivesTheFileItsPagesBack() throws {
        try withCatalog { catalog, url in
            try catalog.commit(added: Self.bigSegments)
            let before = try Self.fileSize(url)
            try catalog.commit(
                added: [.init(row: segment("merged"), digests: [1])], retired: Self.bigSegments.map(\.row.name))
            #expect(try catalog.pages().free == 0)
            #expect(try Self.fileSize(url) < before / 8)
        }
    }

    @Test func aCatalogMadeWithoutAutoVacuumIsSwitchedOnceOnOpenAndKeepsItsRows() throws {
        try withCatalog { catalog, url in
            try catalog.commit(added: Self.bigSegments)
            try catalog.remove(segments: Self.bigSegments.dropFirst().map(\.row.name))
            // Turn the file into one as catalogs were made before: no auto-vacuum, free pages kept.
            let old = try DatabaseQueue(path: url.path)
            try old.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA auto_vacuum = NONE")
                try db.execute(sql: "VACUUM")
                try db.execute(sql: "CREATE TABLE padding (b BLOB)")
                try db.execute(sql: "INSERT INTO padding VALUES (zeroblob(2000000))")
                try db.execute(sql: "DROP TABLE padding")
            }
            #expect(try old.read { try Int.fetchOne($0, sql: "PRAGMA auto_vacuum") } == 0)
            #expect(try old.read { try Int.fetchOne($0, sql: "PRAGMA freelist_count") } ?? 0 > 100)
            try old.close()
            let before = try Self.fileSize(url)

            let reopened = try Catalog(url: url)
            let pages = try reopened.pages()
            #expect(pages.autoVacuum == Catalog.incrementalAutoVacuum)
            #expect(pages.free == 0)
            #expect(try Self.fileSize(url) < before / 4)
            #expect(try reopened.segments().map(\.name) == ["s0"])
            #expect(try reopened.idBlobs(partition: "2026-09-10").map(\.bytes) == [Self.bigSegments[0].digests])
        }
    }

    @Test func shrinkTurnsOnlyOlderExactDigestsIntoFilters() throws {
        try withCatalog { catalog, _ in
            try catalog.commit(added: [
                .init(row: segment("old", partition: "2026-09-01"), digests: [1, 2]),
                .init(row: segment("new", partition: "2026-10-01"), digests: [3, 4]),
            ])
            #expect(try catalog.shrinkIdBlobs(before: "2026-10-01") { _ in [9] } == 1)
            #expect(try catalog.shrinkIdBlobs(before: "2026-10-01") { _ in [9] } == 0)
            let old = try #require(try catalog.idBlobs(partition: "2026-09-01").first)
            #expect(old.kind == .bloom && old.bytes == [9])
            let new = try #require(try catalog.idBlobs(partition: "2026-10-01").first)
            #expect(new.kind == .exact && new.bytes == [3, 4])
        }
    }

    @Test func aFileThatIsNotADatabaseIsAnErrorThatSaysHowToRebuild() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "msgarchive-catalog-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("catalog.sqlite")
        try Data(repeating: 0x41, count: 4096).write(to: url)
        let error = #expect(throws: CatalogError.self) { try Catalog(url: url) }
        #expect(error.map { "\($0)".contains("msgarchive catalog rebuild") } == true)
    }
}
