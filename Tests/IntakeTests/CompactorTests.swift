import ArchiveAccess
import ArchiveRead
import Codecs
import Foundation
import Logging
import PipelineConfig
import Segments
import TestSupport
import Testing

@testable import Intake

@Suite struct CompactorTests {
    let logger = Logger(label: "test")

    /// Exports every segment under `dir` into a file and returns its lines.
    func exportLines(_ dir: URL, filter: Exporter.Filter = .init()) async throws -> [String] {
        let out = dir.appendingPathComponent("export.out")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        let handle = try FileHandle(forWritingTo: out)
        var counts = Exporter.Counts()
        let sources = SegmentLocator.segmentFiles(under: dir).map { FileByteSource(url: $0) as any ByteSource }
        try await Exporter(filter: filter).export(sources, to: OutputSink(fd: handle.fileDescriptor), counts: &counts)
        try handle.close()
        let text = try String(contentsOf: out, encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    @Test(arguments: Codec.allCases)
    func compactThenExportYieldsExactlyTheDistinctValidLines(codec: Codec) async throws {
        let tmp = try TemporaryDirectory()
        defer { tmp.remove() }
        let corpus = try LogCorpus.write(
            to: tmp.path("logs"), firstDay: 20_300, days: 12, messagesPerDay: 400, conversations: 2_000, seed: 7,
            compressEvery: 4)
        var options = Compactor.Options(inputs: corpus.files.map(\.path), output: tmp.path("out"))
        options.codec = codec
        options.level = codec == .lz4 ? 1 : 6  // zlib 6, zstd 6
        options.blockSize = 16 << 10
        options.memoryBudget = 256 << 10  // forces several segments per partition
        let summary = try await Compactor.run(options, logger: logger)

        #expect(summary.counts.conserves)
        #expect(summary.counts.linesRead == corpus.totalLines)
        #expect(summary.counts.quarantined == corpus.tornLines)
        #expect(summary.counts.duplicatesById == corpus.redeliveries)
        #expect(summary.counts.recordsArchived == corpus.distinctLines.count)
        #expect(summary.partitions == corpus.partitions.count)
        #expect(try await exportLines(tmp.path("out")).sorted() == corpus.sortedDistinctLines)
    }

    @Test func aPartitionTheLastLogLeftAloneIsWrittenAndALateRecordStillDedupsAgainstIt() async throws {
        let tmp = try TemporaryDirectory()
        defer { tmp.remove() }
        func line(_ id: String, _ day: Int) -> String {
            #"{"id":"\#(id)","conversation":"c","sender":"s","timestamp":"2026-09-0\#(day)T10:00:00Z","body":"b"}"#
        }
        let logs = [
            ["a1", "a2"].map { line($0, 1) },
            ["b1", "b2"].map { line($0, 2) },
            [line("c1", 3), line("a1", 1), line("a3", 1)],  // a redelivery and a late record of day 1
        ]
        var files: [URL] = []
        for (n, lines) in logs.enumerated() {
            let url = tmp.path("log\(n).jsonl")
            try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
            files.append(url)
        }
        let summary = try await Compactor.run(
            Compactor.Options(inputs: files.map(\.path), output: tmp.path("out")), logger: logger)
        #expect(summary.counts.duplicatesById == 1)
        #expect(summary.counts.recordsArchived == 6)
        let dayOne = SegmentLocator.segmentFiles(under: tmp.path("out/2026-09-01"))
        #expect(dayOne.count == 2, "day 1 was written once the second log left it alone, and again for a3")
        #expect(summary.segments == 4)
        let exported = try await exportLines(tmp.path("out"))
        #expect(exported.count == 6)
        #expect(Set(exported) == Set(logs.joined()))
    }

    @Test(arguments: Codec.allCases)
    func stockToolsPrintTheSameLinesAsOurReader(codec: Codec) async throws {
        let tmp = try TemporaryDirectory()
        defer { tmp.remove() }
        let corpus = try LogCorpus.write(
            to: tmp.path("logs"), firstDay: 20_300, days: 3, messagesPerDay: 300, conversations: 50, seed: 11)
        var options = Compactor.Options(inputs: corpus.files.map(\.path), output: tmp.path("out"))
        options.codec = codec
        options.blockSize = 8 << 10
        _ = try await Compactor.run(options, logger: logger)
        for segment in SegmentLocator.segmentFiles(under: tmp.path("out")) {
            let tool = "/usr/bin/" + codec.stockTool
            let stock = try run(tool, ["-dc", segment.path])
            let reader = try await SegmentReader.open(FileByteSource(url: segment))
            var ours: [UInt8] = []
            for i in reader.index.blocks.indices { ours += try await reader.readBlock(i) }
            #expect(Array(stock) == ours, "\(segment.lastPathComponent)")
            #expect(reader.index.blocks.count > 1)
        }
    }

    @Test func exportSkipsBlocksOutsideTheFilter() async throws {
        let tmp = try TemporaryDirectory()
        defer { tmp.remove() }
        let corpus = try LogCorpus.write(
            to: tmp.path("logs"), firstDay: 20_300, days: 2, messagesPerDay: 2_000, conversations: 200, seed: 3)
        var options = Compactor.Options(inputs: corpus.files.map(\.path), output: tmp.path("out"))
        options.blockSize = 4 << 10
        _ = try await Compactor.run(options, logger: logger)

        let wanted = corpus.distinctLines.filter { $0.contains(#""conversation":"c-17""#) }.sorted()
        #expect(try await exportLines(tmp.path("out"), filter: .init(conversation: "c-17")).sorted() == wanted)

        var counts = Exporter.Counts()
        let sources = SegmentLocator.segmentFiles(under: tmp.path("out")).map {
            FileByteSource(url: $0) as any ByteSource
        }
        let sink = OutputSink(fd: open("/dev/null", O_WRONLY))
        try await Exporter(filter: .init(conversation: "c-17")).export(sources, to: sink, counts: &counts)
        #expect(counts.records == wanted.count)
        #expect(counts.blocksSkipped > counts.blocksRead * 10)
    }

    @Test func refusesAnOutputDirectoryThatHoldsSegments() async throws {
        let tmp = try TemporaryDirectory()
        defer { tmp.remove() }
        let corpus = try LogCorpus.write(
            to: tmp.path("logs"), firstDay: 20_300, days: 1, messagesPerDay: 10, conversations: 2, seed: 1)
        let options = Compactor.Options(inputs: corpus.files.map(\.path), output: tmp.path("out"))
        _ = try await Compactor.run(options, logger: logger)
        await #expect(throws: IntakeError.self) { try await Compactor.run(options, logger: logger) }
    }

    @Test func contentDedupDropsEchoesWithinTheWindowOnly() async throws {
        let tmp = try TemporaryDirectory()
        defer { tmp.remove() }
        let lines = [
            #"{"id":"1","conversation":"c","sender":"u","timestamp":"2026-01-01T00:00:00Z","body":"hi"}"#,
            #"{"id":"2","conversation":"c","sender":"u","timestamp":"2026-01-01T00:00:01Z","body":"hi"}"#,
            #"{"id":"3","conversation":"c","sender":"u","timestamp":"2026-01-01T00:00:09Z","body":"hi"}"#,
            #"{"id":"4","conversation":"c","sender":"v","timestamp":"2026-01-01T00:00:01Z","body":"hi"}"#,
            #"{"id":"1","conversation":"c","sender":"u","timestamp":"2026-01-01T00:00:00Z","body":"hi"}"#,
        ]
        let log = tmp.path("a.jsonl")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: log)
        var options = Compactor.Options(inputs: [log.path], output: tmp.path("out"))
        options.dedup = .content
        let summary = try await Compactor.run(options, logger: logger)
        #expect(summary.counts.duplicatesById == 1)
        #expect(summary.counts.duplicatesByContent == 1)
        #expect(try await exportLines(tmp.path("out")).sorted() == [lines[0], lines[2], lines[3]].sorted())
    }
}
