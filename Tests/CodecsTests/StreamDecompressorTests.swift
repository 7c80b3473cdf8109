import Foundation
import TestSupport
import Testing

@testable import Codecs

@Suite struct StreamDecompressorTests {
    /// Decompresses `stream` fed in pieces of `pieceSize` bytes, then calls `finish()`.
    func decompressAll(_ stream: [UInt8], codec: Codec, pieceSize: Int, chunkSize: Int = 4096) throws -> [UInt8] {
        let decompressor = try StreamDecompressor(codec: codec, chunkSize: chunkSize)
        var out: [UInt8] = []
        var start = 0
        while start < stream.count {
            let end = min(stream.count, start + pieceSize)
            try stream[start..<end].withUnsafeBytes { piece in
                try decompressor.decompress(piece) { out.append(contentsOf: $0) }
            }
            start = end
        }
        try decompressor.finish()
        return out
    }

    /// An LZ4 or zstd skippable frame (magic 0x184D2A5n, little-endian size, payload) as stock tools skip it.
    func skippableFrame(_ payload: [UInt8]) -> [UInt8] {
        [0x53, 0x2A, 0x4D, 0x18] + withUnsafeBytes(of: UInt32(payload.count).littleEndian, Array.init) + payload
    }

    @Test(arguments: Codec.allCases, [1, 7, 4096, 1 << 20])
    func decompressesManyFramesFedInAnyPieces(_ codec: Codec, _ pieceSize: Int) throws {
        let parts = [chatLines(byteCount: 30_000), [], randomBytes(9000), chatLines(byteCount: 123)]
        var stream: [UInt8] = []
        for (i, part) in parts.enumerated() {
            stream += try FrameCodec.compress(part, codec: codec, level: codec.defaultLevel)
            // lz4 and zstd share skippable frames; a reader of either skips them.
            if codec != .zlib && i == 1 { stream += skippableFrame([9, 9, 9, 9, 9]) }
        }
        #expect(try decompressAll(stream, codec: codec, pieceSize: pieceSize) == parts.flatMap { $0 })
    }

    @Test(arguments: Codec.allCases)
    func readsWhatTheStockToolWroteConcatenated(_ codec: Codec) throws {
        let directory = try TemporaryDirectory().url
        defer { try? FileManager.default.removeItem(at: directory) }
        let tool = "/usr/bin/" + codec.stockTool
        var stream: [UInt8] = []
        var expected: [UInt8] = []
        for i in 0..<3 {
            let raw = chatLines(byteCount: 40_000 + i)
            let file = directory.appendingPathComponent("part\(i).jsonl")
            try Data(raw).write(to: file)
            let result = try runProcess(tool, ["-c", file.path])
            #expect(result.status == 0)
            stream += result.stdout
            expected += raw
        }
        #expect(try decompressAll(stream, codec: codec, pieceSize: 10_000, chunkSize: 65_536) == expected)
    }

    @Test(arguments: Codec.allCases)
    func finishThrowsWhenTheLogIsTruncated(_ codec: Codec) throws {
        let first = try FrameCodec.compress(chatLines(byteCount: 20_000), codec: codec, level: 1)
        let second = try FrameCodec.compress(chatLines(byteCount: 20_000), codec: codec, level: 1)
        for cut in [1, 10, second.count / 2, second.count - 1] {
            let stream = first + second.prefix(cut)
            #expect(throws: CodecError.truncated(codec: codec), "cut at \(cut)") {
                try decompressAll(stream, codec: codec, pieceSize: 5000)
            }
        }
        #expect(try decompressAll([], codec: codec, pieceSize: 1).isEmpty)
    }

    @Test(arguments: Codec.allCases)
    func throwsOnCorruptedData(_ codec: Codec) throws {
        var stream = try FrameCodec.compress(chatLines(byteCount: 20_000), codec: codec, level: 1)
        stream[stream.count / 2] ^= 0x01
        #expect(throws: CodecError.self) { try decompressAll(stream, codec: codec, pieceSize: 4096) }
        #expect(throws: CodecError.self) {
            try decompressAll(Array("not compressed at all\n".utf8), codec: codec, pieceSize: 4096)
        }
    }
}
