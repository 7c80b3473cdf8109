import Foundation
import Testing

@testable import Dedup

@Suite struct DigestSpillTests {
    @Test func findsEveryDigestOfEveryRunAndNoOther() throws {
        let spill = try DigestSpill()
        // Runs of several sizes, around the 256-digest page: one digest, a page exactly, pages plus a tail.
        let sizes = [1, 256, 257, 5_000]
        var runs: [(DigestSpill.Run, [IdDigest])] = []
        for (r, size) in sizes.enumerated() {
            let digests = (0..<size).map { IdDigest(id: "run\(r)-\($0)") }.sorted()
            runs.append((try spill.append(sorted: digests), digests))
        }
        for (r, (run, digests)) in runs.enumerated() {
            #expect(run.count == digests.count)
            for d in digests { #expect(try spill.contains(d, in: run), "run \(r) lost a digest") }
            // Members of other runs and strangers are absent, including ones the Bloom filter lets through.
            let others =
                (0..<20_000).map { IdDigest(id: "stranger-\($0)") }
                + runs.enumerated().filter { $0.offset != r }.flatMap { $0.element.1 }
            #expect(try others.allSatisfy { try !spill.contains($0, in: run) })
        }
    }

    /// A run that dropped its filter still answers exactly, reading pages, and gets the same filter back.
    @Test func aRunWithoutItsFilterAnswersTheSameAndReadsItBack() throws {
        let spill = try DigestSpill()
        _ = try spill.append(sorted: (0..<300).map { IdDigest(id: "before-\($0)") }.sorted())
        let digests = (0..<5_000).map { IdDigest(id: "member-\($0)") }.sorted()
        let run = try spill.append(sorted: digests)
        let strangers = (0..<5_000).map { IdDigest(id: "stranger-\($0)") }
        let idle = run.withoutFilter()
        #expect(idle.filter == nil)
        #expect(try digests.allSatisfy { try spill.contains($0, in: idle) })
        #expect(try strangers.allSatisfy { try !spill.contains($0, in: idle) })
        let back = try spill.withFilter(idle)
        #expect(back.filter?.serialized() == run.filter?.serialized())
        #expect(try digests.allSatisfy { try spill.contains($0, in: back) })
    }

    @Test func leavesNoFileBehind() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spill-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let spill = try DigestSpill(directory: dir)
        _ = try spill.append(sorted: [IdDigest(id: "a")])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }
}
