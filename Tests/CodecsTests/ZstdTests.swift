import Foundation
import TestSupport
import Testing

@testable import Codecs

/// What zstd adds to the codec matrices: checksummed frames, the long-distance window, stream compression.
@Suite struct ZstdTests {
    @Test func framesCarryTheirContentSizeAndChecksum() throws {
        let raw = chatLines(byteCount: 100_000)
        let frame = try FrameCodec.compress(raw, codec: .zstd, level: 3)
        #expect(Array(frame.prefix(4)) == FrameCodec.zstdMagic)
        // Frame header descriptor (RFC 8878 3.1.1.1.1): bit 2 is the content checksum flag, bits 6-7 the size of
        // the frame content size field (0 with the single-segment flag, bit 5, means 1 byte).
        let descriptor = frame[4]
        #expect(descriptor & 0x04 != 0)
        #expect(descriptor & 0xC0 != 0 || descriptor & 0x20 != 0)
    }

    @Test(arguments: [10, 20, 27])
    func longWindowFramesRoundTripAndTheStockToolReadsThem(_ windowLog: Int) throws {
        let raw = chatLines(byteCount: 3 << 20)
        let frame = try FrameCompressor(codec: .zstd, level: 3, longWindowLog: windowLog).compress(raw)
        #expect(try FrameCodec.decompress(frame, codec: .zstd, rawLength: raw.count) == raw)
        let directory = try TemporaryDirectory().url
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("long.jsonl.zst")
        try Data(frame).write(to: file)
        let result = try runProcess("/usr/bin/zstd", ["-dc", file.path])
        #expect(result.status == 0)
        #expect([UInt8](result.stdout) == raw)
    }

    @Test(arguments: [(Codec.zstd, 9), (.zstd, 28), (.zlib, 20), (.lz4, 20)])
    func rejectsWindowsOutsideTheRangeOrForOtherCodecs(_ codec: Codec, _ windowLog: Int) {
        #expect(throws: CodecError.invalidWindow(codec: codec, log: windowLog)) {
            try FrameCompressor(codec: codec, level: codec.defaultLevel, longWindowLog: windowLog)
        }
    }

    @Test func damagedFrameThrowsTheZstdErrorNamingTheCause() throws {
        let raw = chatLines(byteCount: 50_000)
        var frame = try FrameCodec.compress(raw, codec: .zstd, level: 3)
        // The last 4 bytes are the content checksum (XXH64, low 32 bits); damage it alone.
        frame[frame.count - 1] ^= 0xFF
        do {
            _ = try FrameCodec.decompress(frame, codec: .zstd, rawLength: raw.count)
            Issue.record("a frame with a wrong checksum decompressed")
        } catch let error as CodecError {
            guard case .zstd(let function, let name) = error else {
                Issue.record("expected a zstd error, got \(error)")
                return
            }
            #expect(function == "ZSTD_decompressStream")
            #expect(name.contains("checksum"))
            #expect(error.description.contains("damaged"))
        }
    }

    @Test func aSkippableFrameIsNotABlock() throws {
        let skippable: [UInt8] = [0x50, 0x2A, 0x4D, 0x18, 3, 0, 0, 0, 1, 2, 3]
        #expect(throws: CodecError.self) { try FrameCodec.decompress(skippable, codec: .zstd, rawLength: 0) }
    }

    @Test(arguments: [1, 4096, 1 << 20], [nil, 24])
    func streamCompressorWritesOneFrameTheStockToolReads(_ pieceSize: Int, _ windowLog: Int?) throws {
        let raw = chatLines(byteCount: 2 << 20) + randomBytes(10_000)
        let compressor = try StreamCompressor(level: 5, longWindowLog: windowLog, chunkSize: 8192)
        var stream: [UInt8] = []
        var start = 0
        let feed = pieceSize == 1 ? 200_000 : raw.count
        while start < feed {
            let end = min(feed, start + pieceSize)
            try raw[start..<end].withUnsafeBytes { piece in try compressor.compress(piece) { stream += $0 } }
            start = end
        }
        if feed < raw.count {
            try raw[feed...].withUnsafeBytes { piece in try compressor.compress(piece) { stream += $0 } }
        }
        try compressor.finish { stream += $0 }
        #expect(stream.count < raw.count / 3)

        let decompressor = try StreamDecompressor(codec: .zstd, chunkSize: 4096)
        var out: [UInt8] = []
        try stream.withUnsafeBytes { try decompressor.decompress($0) { out += $0 } }
        try decompressor.finish()
        #expect(out == raw)

        let directory = try TemporaryDirectory().url
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("log.jsonl.zst")
        try Data(stream).write(to: file)
        let result = try runProcess("/usr/bin/zstd", ["-dc", file.path])
        #expect(result.status == 0)
        #expect([UInt8](result.stdout) == raw)
    }

    @Test func streamCompressorRejectsBadLevelsAndWindows() {
        #expect(throws: CodecError.invalidLevel(codec: .zstd, level: 20)) { try StreamCompressor(level: 20) }
        #expect(throws: CodecError.invalidWindow(codec: .zstd, log: 31)) {
            try StreamCompressor(level: 3, longWindowLog: 31)
        }
    }

    @Test func fileNamesEndingInZstAreZstd() {
        #expect(Codec(fileName: "2026-10-15.jsonl.zst") == .zstd)
        #expect(Codec.zstd.segmentExtension == "jsonl.zst")
        #expect(Codec.zstd.levels == 1...19)
    }
}
