import Codecs
import Foundation
import TestSupport
import Testing

@testable import Segments

@Suite struct SegmentDamageTests {
    /// A small segment of a few blocks, as bytes.
    func smallSegment(_ codec: Codec) async throws -> [UInt8] {
        let directory = try TemporaryDirectory().url
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("seg.\(codec.segmentExtension)")
        let written = try await writeSegment(chatRecords(24), at: url, codec: codec, blockSize: 900)
        #expect(written.index.blocks.count >= 3)
        return [UInt8](try Data(contentsOf: url))
    }

    /// Opens and verifies `bytes`, returning the error, or nil if the segment passed.
    func failure(_ bytes: [UInt8], name: String = "seg") async -> (any Error)? {
        do {
            try await SegmentReader.open(MemorySource(name: name, bytes: bytes)).verify()
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: Codec.allCases)
    func everyFlippedByteIsRejected(_ codec: Codec) async throws {
        let segment = try await smallSegment(codec)
        #expect(await failure(segment) == nil)
        for position in segment.indices {
            for mask: UInt8 in [0x01, 0x80] {
                var damaged = segment
                damaged[position] ^= mask
                let error = await failure(damaged)
                #expect(error is SegmentError, "byte \(position) ^ \(mask) was not caught")
            }
        }
    }

    @Test(arguments: Codec.allCases)
    func everyTruncationIsRejected(_ codec: Codec) async throws {
        let segment = try await smallSegment(codec)
        for length in 0..<segment.count {
            let error = await failure(Array(segment.prefix(length)))
            #expect(error is SegmentError, "a cut at \(length) was not caught")
        }
    }

    @Test(arguments: Codec.allCases, [-1, 1, -200])
    func wrongIndexOffsetIsRejectedAtOpen(_ codec: Codec, _ delta: Int64) async throws {
        let segment = try await smallSegment(codec)
        let damaged = movingIndexOffset(segment, codec: codec, by: delta)
        #expect(damaged.count == segment.count)
        await #expect {
            _ = try await SegmentReader.open(MemorySource(name: "moved.seg", bytes: damaged))
        } throws: { error in
            guard case SegmentError.badIndex(let segment, _) = error else { return false }
            return segment == "moved.seg" && "\(error)".contains("'moved.seg'")
        }
    }

    @Test(arguments: Codec.allCases)
    func damagedBlockIsNamedInTheError(_ codec: Codec) async throws {
        let segment = try await smallSegment(codec)
        let reader = try await SegmentReader.open(MemorySource(name: "good", bytes: segment))
        let entry = reader.index.blocks[1]
        var damaged = segment
        damaged[Int(entry.offset) + Int(entry.storedLength) / 2] ^= 0x10
        let source = MemorySource(name: "warm/2024-05-01/x.\(codec.segmentExtension)", bytes: damaged)
        let opened = try await SegmentReader.open(source)
        _ = try await opened.readBlock(0)
        _ = try await opened.readBlock(2)
        await #expect {
            _ = try await opened.readBlock(1)
        } throws: { error in
            let message = "\(error)"
            return message.contains("'warm/2024-05-01/x.\(codec.segmentExtension)' block 1 ")
                && message.contains("msgarchive verify")
        }
        await #expect(throws: SegmentError.self) { try await opened.verify() }
        await #expect(throws: SegmentError.self) { _ = try await opened.readBlock(99) }
    }

    @Test(arguments: [(Codec.zstd, UInt8(1)), (.lz4, 3), (.zstd, 2), (.zlib, 3)])
    func trailerNamingAnotherCodecIsRejected(_ codec: Codec, _ number: UInt8) async throws {
        // lz4 and zstd share their containers: only the trailer's codec number (and the index) tells them apart.
        var bytes = try await smallSegment(codec)
        let trailerStart =
            bytes.count - SegmentTrailer.size - (codec == .zlib ? SegmentContainer.gzipEmptyBody.count : 0)
        bytes[trailerStart + 10] = number
        let crc = CRC32.checksum(bytes[trailerStart..<trailerStart + 36])
        for k in 0..<4 { bytes[trailerStart + 36 + k] = UInt8(truncatingIfNeeded: crc >> (8 * k)) }
        let error = await failure(bytes, name: "swapped.seg")
        #expect(error is SegmentError)
        #expect("\(String(describing: error))".contains("'swapped.seg'"))
    }

    @Test func notASegmentIsRejected() async {
        let error = await failure(Array("{\"id\":1}\n".utf8), name: "plain.jsonl")
        #expect("\(String(describing: error))".contains("'plain.jsonl'"))
    }
}
