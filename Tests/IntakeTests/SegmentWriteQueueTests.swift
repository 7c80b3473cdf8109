import Codecs
import Dedup
import Foundation
import Segments
import TestSupport
import Testing

@testable import Ingest
@testable import Intake

/// The background segment writes: results in submission order, errors thrown only once every write in flight
/// has ended, nothing left half-written, and the buffers in flight while reading within the memory given.
@Suite struct SegmentWriteQueueTests {
    /// A buffer of `count` records of one conversation on 2026-05-01.
    private func buffer(_ partition: String, count: Int) -> RecordBuffer {
        var buffer = RecordBuffer(partition: partition)
        for n in 0..<count {
            let id = "\(partition)-\(n)"
            let line = #"{"id":"\#(id)","conversation":"c","timestamp":"2026-05-01T00:00:00Z","body":"\#(n)"}"#
            let record = ScannedRecord(id: id, conversation: "c", sender: "", timestamp: 1_777_593_600_000_000)
            buffer.append(line: ArraySlice(Array(line.utf8)), record: record, digest: IdDigest(id: id))
        }
        return buffer
    }

    private func options(_ partition: String) -> SegmentOptions {
        SegmentOptions(partition: partition, tier: .hot, codec: .zlib, level: 9, blockSize: 4 << 10)
    }

    private func files(in directory: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    }

    @Test func handsSegmentsOnInSubmissionOrderWhenSeveralRunAtOnce() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var done: [String] = []
        let queue = SegmentWriteQueue(memory: 1 << 30) { done.append($0.name) }
        // Largest first, so the later, smaller segments of `finish` end before the first one.
        let sizes = [4000, 10, 2000, 10, 500, 10]
        let names = sizes.indices.map { "p\($0).jsonl.gz" }
        try await queue.writeAll(
            read: {
                try await queue.submit(
                    [buffer("read", count: 50)], to: directory.url.appendingPathComponent("read.jsonl.gz"),
                    options: options("read"), keepDigests: true)
            },
            finish: {
                for (name, size) in zip(names, sizes) {
                    try await queue.submit(
                        [buffer(name, count: size)], to: directory.url.appendingPathComponent(name),
                        options: options(name), keepDigests: false)
                }
            })
        #expect(done == ["read.jsonl.gz"] + names)
        #expect(try files(in: directory.url) == (["read.jsonl.gz"] + names).sorted())
    }

    /// Two segments of about 300 KB of buffers each, read one after the other: with 100 KB for writes the second
    /// waits until the first is written; with room for both, it goes at once (on more than one core).
    @Test(arguments: [(100 << 10, true), (1 << 30, SegmentOptions.cores == 1)])
    func whileReadingTheSegmentsInFlightStayWithinTheirMemory(memory: Int, secondWaits: Bool) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var done: [String] = []
        var doneWhenTheSecondWent: [String] = []
        let queue = SegmentWriteQueue(memory: memory) { done.append($0.name) }
        let names = ["a.jsonl.gz", "b.jsonl.gz"]
        try await queue.writeAll(
            read: {
                for name in names {
                    try await queue.submit(
                        [buffer(name, count: 2000)], to: directory.url.appendingPathComponent(name),
                        options: options(name), keepDigests: false)
                }
                doneWhenTheSecondWent = done
            },
            finish: {})
        #expect(doneWhenTheSecondWent == (secondWaits ? ["a.jsonl.gz"] : []))
        #expect(done == names)
        #expect(try files(in: directory.url) == names)
    }

    @Test func smallSegmentsAreSealedInBatchesAndAllBeforeWriteAllReturns() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let count = SegmentBatch.sealEvery + 44
        let names = (0..<count).map { "s\($0).jsonl.gz" }
        var sealedEarly: [Bool] = []
        let queue = SegmentWriteQueue(memory: 1 << 30) { segment in
            // When the last one is reported, the first batch is in place and the last is not yet.
            if segment.name == names[count - 1] {
                let manager = FileManager.default
                sealedEarly = [names[0], names[count - 1]].map {
                    manager.fileExists(atPath: directory.url.appendingPathComponent($0).path)
                }
            }
        }
        try await queue.writeAll(
            read: {},
            finish: {
                for name in names {
                    try await queue.submit(
                        [buffer(name, count: 3)], to: directory.url.appendingPathComponent(name),
                        options: options(name), keepDigests: false)
                }
            })
        #expect(sealedEarly == [true, false])
        #expect(try files(in: directory.url) == names.sorted())
    }

    @Test func aFailedWriteIsThrownAfterTheOthersInFlightEnd() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var done: [String] = []
        let queue = SegmentWriteQueue(memory: 1 << 30) { done.append($0.name) }
        // A file where the segment's directory should be: it cannot be made.
        let blocker = directory.url.appendingPathComponent("blocker")
        try Data().write(to: blocker)
        let missing = blocker.appendingPathComponent("x.jsonl.gz")
        await #expect(throws: SegmentError.self) {
            try await queue.writeAll(
                read: {},
                finish: {
                    try await queue.submit(
                        [buffer("big", count: 4000)], to: directory.url.appendingPathComponent("big.jsonl.gz"),
                        options: options("big"), keepDigests: false)
                    try await queue.submit(
                        [buffer("x", count: 1)], to: missing, options: options("x"), keepDigests: false)
                })
        }
        // The first segment was written whole before the error came out, and no temporary file is left.
        #expect(done == ["big.jsonl.gz"])
        #expect(try files(in: directory.url) == ["big.jsonl.gz", "blocker"])
    }

    @Test func anErrorWhileReadingWaitsForTheWriteInFlight() async throws {
        struct ReadFailed: Error {}
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let queue = SegmentWriteQueue(memory: 1 << 30) { _ in }
        let url = directory.url.appendingPathComponent("r.jsonl.gz")
        await #expect(throws: ReadFailed.self) {
            try await queue.writeAll(
                read: {
                    try await queue.submit(
                        [buffer("r", count: 4000)], to: url, options: options("r"), keepDigests: false)
                    throw ReadFailed()
                },
                finish: {})
        }
        // The segment in flight ended before writeAll returned: written whole, never a temporary file.
        #expect(try files(in: directory.url) == ["r.jsonl.gz"])
        let reader = try await SegmentReader.open(FileByteSource(url: url))
        try await reader.verify()
        #expect(reader.index.recordCount == 4000)
    }
}
