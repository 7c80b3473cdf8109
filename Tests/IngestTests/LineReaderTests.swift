import Foundation
import Testing

@testable import Ingest

/// A unique temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("ingest-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ bytes: [UInt8]) throws -> URL {
        let file = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(
            at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: file)
        return file
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}

func readAll(_ url: URL, offset: UInt64 = 0, firstLine: Int = 1, max: Int = 1 << 20) throws -> [LogLine] {
    let reader = try LineReader(url: url, offset: offset, firstLineNumber: firstLine, maxLineBytes: max)
    var lines: [LogLine] = []
    while let line = try reader.next() {
        var copy = line
        copy.bytes = ArraySlice(Array(line.bytes))
        lines.append(copy)
    }
    return lines
}

/// Runs a stock CLI (`gzip`, `lz4`, `zstd`) with `input` on stdin and returns its stdout.
func runTool(_ path: String, _ arguments: [String], input: [UInt8]) throws -> [UInt8] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let stdin = Pipe()
    let stdout = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    try process.run()
    let writer = Thread {
        stdin.fileHandleForWriting.write(Data(input))
        try? stdin.fileHandleForWriting.close()
    }
    writer.start()
    let output = stdout.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Array(output)
}

@Suite struct LineReaderTests {
    @Test func splitsLinesKeepsCarriageReturnsAndFlagsTheUnterminatedLast() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let file = try dir.write("a.jsonl", Array("one\r\n\ntwo\nlast".utf8))
        let lines = try readAll(file)
        #expect(lines.map { String(decoding: $0.bytes, as: UTF8.self) } == ["one\r", "", "two", "last"])
        #expect(lines.map(\.number) == [1, 2, 3, 4])
        #expect(lines.map(\.terminated) == [true, true, true, false])
        #expect(lines.map(\.endOffset) == [5, 6, 10, 14])
    }

    /// Batches hold the lines `next()` returns, in order, a line past their byte count at most, in plain and
    /// compressed logs with a cut line and an unterminated last one.
    @Test(arguments: [0, 100, 64 << 10])
    func batchesHoldTheLinesNextReturns(bytes: Int) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let text =
            (0..<30_000).map { #"{"id":"m-\#($0)"}"# }.joined(separator: "\n") + "\n"
            + String(repeating: "x", count: 3000) + "\nlast"
        let plain = try dir.write("log.jsonl", Array(text.utf8))
        let gzip = try dir.write("log.jsonl.gz", try runTool("/usr/bin/gzip", ["-c"], input: Array(text.utf8)))
        for file in [plain, gzip] {
            let expected = try readAll(file, max: 1000)
            let reader = try LineReader(url: file, maxLineBytes: 1000)
            var lines: [LogLine] = []
            while let batch = try reader.nextBatch(bytes: bytes) {
                let beforeLast = batch.spans.dropLast().reduce(0) { $0 + $1.range.count + 1 }
                #expect(beforeLast < max(bytes, 1))
                lines += batch.spans.indices.map { batch.line($0) }
            }
            #expect(lines.map { Array($0.bytes) } == expected.map { Array($0.bytes) })
            #expect(lines.map(\.number) == expected.map(\.number))
            #expect(lines.map(\.endOffset) == expected.map(\.endOffset))
            #expect(lines.map(\.tooLong) == expected.map(\.tooLong))
            #expect(lines.map(\.terminated) == expected.map(\.terminated))
            #expect(lines.last?.terminated == false)
        }
    }

    @Test func resumesAtAnOffsetWithTheGivenLineNumber() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let file = try dir.write("a.jsonl", Array("one\ntwo\nthree\n".utf8))
        let lines = try readAll(file, offset: 4, firstLine: 2)
        #expect(lines.map { String(decoding: $0.bytes, as: UTF8.self) } == ["two", "three"])
        #expect(lines.map(\.number) == [2, 3])
        #expect(lines.last?.endOffset == 14)
    }

    @Test(arguments: [1, 7, 64, 1000])
    func cutsLongLinesAndKeepsOffsetsExact(max: Int) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let lengths = [0, 1, max - 1, max, max + 1, 3 * max + 5, 2_500_000, 5, max + 2]
        var content: [UInt8] = []
        for (k, length) in lengths.enumerated() {
            content += [UInt8](repeating: UInt8(ascii: "a") + UInt8(k), count: length)
            content.append(0x0A)
        }
        content.removeLast()  // the last (too-long) line has no newline
        let file = try dir.write("long.jsonl", content)
        let lines = try readAll(file, max: max)
        #expect(lines.count == lengths.count)
        var offset: UInt64 = 0
        for (line, length) in zip(lines, lengths) {
            offset += UInt64(length) + (line.terminated ? 1 : 0)
            #expect(line.fullLength == length)
            #expect(line.tooLong == (length > max))
            #expect(line.bytes.count == min(length, max))
            #expect(line.endOffset == offset)
        }
        #expect(lines.last?.terminated == false)
        #expect(lines.last?.tooLong == true)
    }

    @Test func streamsAGigabyteSizedLineWithoutBufferingIt() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        // 64 MiB without a newline, then a short line: only the first 1 KiB of the long one is kept.
        let file = dir.url.appendingPathComponent("huge.jsonl")
        _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        let handle = try FileHandle(forWritingTo: file)
        let chunk = Data(repeating: UInt8(ascii: "z"), count: 1 << 20)
        for _ in 0..<64 { handle.write(chunk) }
        handle.write(Data("\n{}\n".utf8))
        try handle.close()
        let lines = try readAll(file, max: 1024)
        #expect(lines.map(\.fullLength) == [64 << 20, 2])
        #expect(lines[0].bytes.count == 1024)
        #expect(lines[1].endOffset == UInt64(64 << 20) + 4)
    }

    @Test func namesAMissingFile() throws {
        let missing = URL(fileURLWithPath: "/nonexistent/dir/log.jsonl")
        #expect {
            _ = try LineReader(url: missing)
        } throws: { error in
            "\(error)".contains("'/nonexistent/dir/log.jsonl'")
        }
    }

    /// lz4 with 64 KiB blocks (-B4), so that a cut frame still holds whole blocks before the damage; zstd as
    /// logrotate's `compresscmd zstd` writes it.
    static let compressors: [(String, String, [String])] = [
        ("log.jsonl.gz", "/usr/bin/gzip", ["-c"]), ("log.jsonl.lz4", "/usr/bin/lz4", ["-q", "-B4", "-c"]),
        ("log.jsonl.zst", "/usr/bin/zstd", ["-q", "-c"]),
    ]

    @Test(arguments: compressors)
    func decompressesLogsWrittenByTheStockTools(name: String, tool: String, arguments: [String]) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let text = (0..<50_000).map { #"{"id":"m-\#($0)","timestamp":\#($0)}"# }.joined(separator: "\n") + "\n"
        var compressed = try runTool(tool, arguments, input: Array(text.utf8))
        // A second member or frame appended: multi-member gzip and concatenated LZ4 frames must both be read.
        compressed += try runTool(tool, arguments, input: Array("tail\n".utf8))
        let file = try dir.write(name, compressed)
        let lines = try readAll(file)
        #expect(lines.count == 50_001)
        #expect(String(decoding: lines[49_999].bytes, as: UTF8.self) == #"{"id":"m-49999","timestamp":49999}"#)
        #expect(String(decoding: lines[50_000].bytes, as: UTF8.self) == "tail")
        #expect(lines[50_000].endOffset == UInt64(text.utf8.count + 5))
    }

    @Test(arguments: compressors)
    func skipsDecompressedBytesUpToTheOffset(name: String, tool: String, arguments: [String]) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let file = try dir.write(name, try runTool(tool, arguments, input: Array("one\ntwo\nthree\n".utf8)))
        let lines = try readAll(file, offset: 4, firstLine: 2)
        #expect(lines.map { String(decoding: $0.bytes, as: UTF8.self) } == ["two", "three"])
        #expect(lines.map(\.endOffset) == [8, 14])
    }

    @Test func bodyOfARecordIsTheRawValueInTheLine() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let file = try dir.write("a.jsonl", Array("{}\n{\"id\":\"a\",\"timestamp\":1,\"body\":\"h\\u0069\"}\n".utf8))
        let reader = try LineReader(url: file)
        _ = try reader.next()
        let line = try #require(try reader.next())
        let record = try RecordScanner().scan(line.bytes).get()
        #expect(line.body(of: record).map { String(decoding: $0, as: UTF8.self) } == #""h\u0069""#)
    }

    @Test(arguments: compressors)
    func deliversTheLinesBeforeATruncationThenThrows(name: String, tool: String, arguments: [String]) throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        var generator = SystemRandomNumberGenerator()
        let text =
            (0..<20_000).map { k in "\(k) \(UInt64.random(in: 0...UInt64.max, using: &generator))" }
            .joined(separator: "\n") + "\n"
        let compressed = try runTool(tool, arguments, input: Array(text.utf8))
        let file = try dir.write(name, Array(compressed.prefix(compressed.count * 2 / 3)))
        let reader = try LineReader(url: file)
        var count = 0
        var failure: (any Error)?
        do {
            while let line = try reader.next() {
                #expect(line.terminated)
                #expect(String(decoding: line.bytes, as: UTF8.self).hasPrefix("\(count) "))
                count += 1
            }
        } catch {
            failure = error
        }
        #expect(count > 0)
        #expect(count < 20_000)
        #expect(failure.map { "\($0)".contains(file.path) } == true)
    }
}
