import Foundation
import TestSupport
import Testing

@testable import Codecs

/// The kinds of input each codec and level is tried on.
enum Sample: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case empty, oneByte, oneMiBChat, incompressible

    var bytes: [UInt8] {
        switch self {
        case .empty: []
        case .oneByte: [0x7B]
        case .oneMiBChat: chatLines(byteCount: 1 << 20)
        case .incompressible: randomBytes(300_000)
        }
    }

    var testDescription: String { rawValue }
}

/// Codec and level pairs: the lowest, a middle and the highest level of each codec.
let codecLevels: [(Codec, Int)] = [
    (.lz4, 1), (.lz4, 3), (.lz4, 12), (.zlib, 1), (.zlib, 6), (.zlib, 9), (.zstd, 1), (.zstd, 9), (.zstd, 19),
]

@Suite struct FrameCodecTests {
    @Test(arguments: codecLevels, Sample.allCases)
    func roundTripsOneFrame(_ codecLevel: (Codec, Int), _ sample: Sample) throws {
        let (codec, level) = codecLevel
        let raw = sample.bytes
        let frame = try FrameCodec.compress(raw, codec: codec, level: level)
        #expect(try FrameCodec.decompress(frame, codec: codec, rawLength: raw.count) == raw)
        if sample == .oneMiBChat {
            #expect(frame.count < raw.count / 3)
        }
    }

    @Test(arguments: codecLevels, [Sample.empty, .oneByte, .oneMiBChat])
    func stockToolsReadTheFrame(_ codecLevel: (Codec, Int), _ sample: Sample) throws {
        let (codec, level) = codecLevel
        let raw = sample.bytes
        let directory = try TemporaryDirectory().url
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("frame.\(codec.segmentExtension)")
        try Data(try FrameCodec.compress(raw, codec: codec, level: level)).write(to: file)
        let tool = "/usr/bin/" + codec.stockTool
        let result = try runProcess(tool, ["-dc", file.path])
        #expect(result.status == 0)
        #expect([UInt8](result.stdout) == raw)
    }

    @Test(arguments: Codec.allCases)
    func decompressesWhatTheStockToolWrote(_ codec: Codec) throws {
        let raw = chatLines(byteCount: 100_000)
        let directory = try TemporaryDirectory().url
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("plain.jsonl")
        try Data(raw).write(to: file)
        let tool = "/usr/bin/" + codec.stockTool
        let result = try runProcess(tool, ["-c", file.path])
        #expect(result.status == 0)
        #expect(try FrameCodec.decompress([UInt8](result.stdout), codec: codec, rawLength: raw.count) == raw)
    }

    @Test(arguments: Codec.allCases)
    func rejectsTruncatedFrames(_ codec: Codec) throws {
        let raw = chatLines(byteCount: 50_000)
        let frame = try FrameCodec.compress(raw, codec: codec, level: codec.defaultLevel)
        for cut in [1, 4, frame.count / 2, frame.count - 1] {
            #expect(throws: CodecError.self) {
                try FrameCodec.decompress(Array(frame.prefix(cut)), codec: codec, rawLength: raw.count)
            }
        }
    }

    @Test(arguments: Codec.allCases)
    func rejectsEveryCorruptedRegion(_ codec: Codec) throws {
        let raw = chatLines(byteCount: 50_000)
        let frame = try FrameCodec.compress(raw, codec: codec, level: codec.defaultLevel)
        // Positions in the header, the body and the trailing checksum. gzip's MTIME/XFL/OS bytes (4-9) are not
        // covered by any checksum; the segment reader checks those itself.
        for position in [0, 3, frame.count / 3, frame.count / 2, frame.count - 6, frame.count - 1] {
            var damaged = frame
            damaged[position] ^= 0x20
            #expect(throws: CodecError.self, "flipped byte at \(position)") {
                try FrameCodec.decompress(damaged, codec: codec, rawLength: raw.count)
            }
        }
    }

    @Test(arguments: Codec.allCases)
    func rejectsWrongLengthsAndTrailingBytes(_ codec: Codec) throws {
        let raw = chatLines(byteCount: 10_000)
        let frame = try FrameCodec.compress(raw, codec: codec, level: codec.defaultLevel)
        #expect(throws: CodecError.lengthMismatch(codec: codec, expected: raw.count - 1, found: raw.count)) {
            try FrameCodec.decompress(frame, codec: codec, rawLength: raw.count - 1)
        }
        #expect(throws: CodecError.lengthMismatch(codec: codec, expected: raw.count + 1, found: raw.count)) {
            try FrameCodec.decompress(frame, codec: codec, rawLength: raw.count + 1)
        }
        #expect(throws: CodecError.trailingData(codec: codec, count: 3)) {
            try FrameCodec.decompress(frame + [1, 2, 3], codec: codec, rawLength: raw.count)
        }
    }

    @Test(arguments: [(Codec.lz4, 0), (.lz4, 13), (.zlib, 0), (.zlib, 10), (.zstd, 0), (.zstd, 20), (.zstd, 22)])
    func rejectsLevelsOutsideTheCodecsRange(_ codec: Codec, _ level: Int) {
        #expect(throws: CodecError.invalidLevel(codec: codec, level: level)) {
            try FrameCodec.compress([1, 2, 3], codec: codec, level: level)
        }
    }

    @Test(arguments: Codec.allCases)
    func reusedCompressorWritesIndependentFrames(_ codec: Codec) throws {
        let compressor = try FrameCompressor(codec: codec, level: codec.defaultLevel)
        let blocks = [chatLines(byteCount: 70_000), randomBytes(5000, seed: 7), [], chatLines(byteCount: 300)]
        for block in blocks {
            let frame = try compressor.compress(block)
            #expect(try FrameCodec.decompress(frame, codec: codec, rawLength: block.count) == block)
        }
    }

    @Test func gzipHeaderCarriesNoLevelOrPlatformBytes() throws {
        for level in [1, 6, 9] {
            let frame = try FrameCodec.compress([1, 2, 3], codec: .zlib, level: level)
            #expect(Array(frame.prefix(10)) == [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 255])
        }
    }

    @Test func crc32MatchesTheCheckValue() {
        // The CRC-32/ISO-HDLC check value of "123456789".
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        let bytes = chatLines(byteCount: 10_000)
        #expect(CRC32.checksum(bytes[5000...], seed: CRC32.checksum(bytes[..<5000])) == CRC32.checksum(bytes))
        #expect(CRC32.checksum([UInt8]()) == 0)
    }
}
