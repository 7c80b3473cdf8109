import Codecs
import Crypto
import FileIO
import Foundation
import Synchronization

/// How a segment is written.
package struct SegmentOptions: Sendable {
    /// UTC day of the records, `YYYY-MM-DD`, recorded in the index; the first day of a segment of several.
    package var partition: String
    /// The last day of a segment of several small days (written in format version 2), or nil for one day.
    package var lastPartition: String?
    /// The tier the segment is written for, recorded in the index.
    package var tier: Tier
    /// The codec of every block.
    package var codec: Codec
    /// The compression level, within `codec.levels`.
    package var level: Int
    /// Raw bytes per block before a new block starts (whole lines only).
    package var blockSize: Int
    /// Blocks compressed at once; one more waits ready (together they bound memory in flight).
    package var parallelism: Int
    /// Whether the writer hashes the bytes it writes, for a catalog to record; without it (a one-off compaction,
    /// which has no catalog) `withSegmentWriter` returns an empty `storedSHA256`, and 3% of the CPU is spared.
    package var hashesStoredBytes = true

    /// The cores this process may use, read once: Foundation opens two cgroup files at every
    /// `activeProcessorCount`, and asking once a segment and once a log made 4,000 opens of 1,000 small days.
    package static let cores = ProcessInfo.processInfo.activeProcessorCount

    /// Options with 1 MiB blocks compressed on every core by default.
    package init(
        partition: String, lastPartition: String? = nil, tier: Tier, codec: Codec, level: Int,
        blockSize: Int = 1 << 20, parallelism: Int = cores
    ) {
        self.partition = partition
        self.lastPartition = lastPartition
        self.tier = tier
        self.codec = codec
        self.level = level
        self.blockSize = blockSize
        self.parallelism = parallelism
    }
}

/// Writes one segment; lines must be appended in (conversation, timestamp, id) order, in a segment of several
/// days ordered by day first.
///
/// `@unchecked Sendable` because a caller on an actor hands it to `withSegmentWriter`'s body across an isolation
/// boundary. It is safe: the contract is that only that body calls `append`, one call at a time, and a call
/// that overlaps another throws (`busy` is checked atomically) instead of racing. The compression tasks receive
/// copies of block bytes and a compressor of their own, never the writer's state.
package final class SegmentWriter: @unchecked Sendable {
    /// A block whose compression is in flight, with what its index entry needs.
    private struct Pending {
        var rawLength: UInt32
        var recordCount: UInt32
        var minTimestamp: Int64
        var maxTimestamp: Int64
        var firstConversation: String
        var lastConversation: String
        var task: Task<(frame: [UInt8], crc32: UInt32, storedCRC32: UInt32), any Error>
    }

    private let options: SegmentOptions
    private let segment: String
    private let descriptor: Int32
    private let busy = Atomic<Bool>(false)
    private var closed = false

    /// Compressors, one per slot in flight: block k uses slot k % slots, whose previous block (k - slots) has
    /// been written before block k starts, so no compressor is ever used by two tasks at once. There is one slot
    /// more than `parallelism`, so a block waits ready for the next free core while this writer fills another.
    private let compressors: [FrameCompressor]
    private var blockNumber = 0
    private var pending: [Pending] = []

    /// The lines of a block being filled, with what its index entry needs.
    private struct OpenBlock {
        /// The first block's grows as lines come (a small day's segment holds far less than a block); those after
        /// it are reserved whole in `closeBlock`.
        var bytes: [UInt8] = []
        var records: UInt32 = 0
        var minTimestamp: Int64 = 0
        var maxTimestamp: Int64 = 0
        var firstConversation = ""
        var lastConversation = ""

        mutating func add(_ line: ArraySlice<UInt8>, conversation: String, timestamp: Int64) {
            bytes.append(contentsOf: line)
            bytes.append(0x0A)
            if records == 0 {
                (minTimestamp, maxTimestamp, firstConversation) = (timestamp, timestamp, conversation)
            } else {
                minTimestamp = min(minTimestamp, timestamp)
                maxTimestamp = max(maxTimestamp, timestamp)
            }
            lastConversation = conversation
            records += 1
        }
    }

    private var block = OpenBlock()

    private var entries: [BlockEntry] = []
    private var fileOffset: UInt64 = 0
    private var hasher = SHA256()
    /// Of the bytes written to the file, so that no one reads a new segment back to learn its checksum.
    private var storedHasher: SHA256?

    fileprivate init(descriptor: Int32, segment: String, options: SegmentOptions) throws {
        guard options.blockSize > 0, options.parallelism > 0 else {
            throw SegmentError.invalidOptions(segment: segment, reason: "blockSize and parallelism must be positive")
        }
        do {
            compressors = try (0...options.parallelism).map { _ in
                try FrameCompressor(codec: options.codec, level: options.level)
            }
        } catch let error as CodecError {
            throw SegmentError.invalidOptions(segment: segment, reason: error.description)
        }
        self.descriptor = descriptor
        self.segment = segment
        self.options = options
        storedHasher = options.hashesStoredBytes ? SHA256() : nil
    }

    /// Appends one line (without its newline); it is copied, so the caller may reuse its buffer. It runs on the
    /// caller's actor (`isolation`), so a line costs no executor hop.
    /// - Throws: `SegmentError` when a block cannot be compressed or written, or the writer is misused.
    package func append(
        _ line: ArraySlice<UInt8>, conversation: String, timestamp: Int64,
        isolation: isolated (any Actor)? = #isolation
    ) async throws {
        try await append(count: 1) { _ in (line, conversation, timestamp) }
    }

    /// Appends `count` lines in order, the nth as `line(n)` gives it, as `append` does each, in one call: a call
    /// for every line cost about 1% of a compaction in async frames and executor checks.
    /// - Throws: `SegmentError` when a block cannot be compressed or written, or the writer is misused.
    package func append(
        count: Int, _ line: (Int) -> (bytes: ArraySlice<UInt8>, conversation: String, timestamp: Int64),
        isolation: isolated (any Actor)? = #isolation
    ) async throws {
        guard busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            throw SegmentError.writerMisuse(segment: segment, reason: "append was called from two tasks at once")
        }
        defer { busy.store(false, ordering: .releasing) }
        guard !closed else {
            throw SegmentError.writerMisuse(segment: segment, reason: "append was called after the segment closed")
        }
        for n in 0..<count {
            let (line, conversation, timestamp) = line(n)
            let length = line.count + 1
            guard length < Int(UInt32.max) else { throw SegmentError.lineTooLong(segment: segment, length: length) }
            let filled = block.bytes.count + length
            if block.records > 0 && (filled > options.blockSize || filled >= Int(UInt32.max)) {
                try await closeBlock()
            }
            block.add(line, conversation: conversation, timestamp: timestamp)
        }
    }

    /// Hands the current block to a compression task, first writing the oldest one if every slot is in flight.
    private func closeBlock() async throws {
        let closing = block
        let raw = closing.bytes
        block = OpenBlock()
        block.bytes.reserveCapacity(options.blockSize)
        hasher.update(data: raw)
        if pending.count >= compressors.count {
            try await writeOldest()
        }
        let compressor = compressors[blockNumber % compressors.count]
        blockNumber += 1
        let task = Task { () throws -> (frame: [UInt8], crc32: UInt32, storedCRC32: UInt32) in
            let frame = try raw.withUnsafeBytes { try compressor.compress($0) }
            return (frame, CRC32.checksum(raw), CRC32.checksum(frame))
        }
        pending.append(
            Pending(
                rawLength: UInt32(raw.count), recordCount: closing.records, minTimestamp: closing.minTimestamp,
                maxTimestamp: closing.maxTimestamp, firstConversation: closing.firstConversation,
                lastConversation: closing.lastConversation, task: task))
    }

    /// Waits for the oldest block in flight and writes its frame, keeping blocks in file order.
    private func writeOldest() async throws {
        let oldest = pending.removeFirst()
        let result: (frame: [UInt8], crc32: UInt32, storedCRC32: UInt32)
        do {
            result = try await oldest.task.value
        } catch let error as CodecError {
            throw SegmentError.compression(segment: segment, cause: error)
        }
        try write(result.frame)
        entries.append(
            BlockEntry(
                offset: fileOffset, storedLength: UInt32(result.frame.count), rawLength: oldest.rawLength,
                recordCount: oldest.recordCount, minTimestamp: oldest.minTimestamp, maxTimestamp: oldest.maxTimestamp,
                firstConversation: oldest.firstConversation, lastConversation: oldest.lastConversation,
                crc32: result.crc32, storedCRC32: result.storedCRC32))
        fileOffset += UInt64(result.frame.count)
    }

    /// Writes all of `bytes` at the end of the file.
    private func write(_ bytes: [UInt8]) throws {
        storedHasher?.update(data: bytes)
        do {
            try bytes.withUnsafeBytes { buffer in try FileIO.writeAll(descriptor, buffer) }
        } catch let error as FileIO.Failure {
            throw SegmentError.io(path: segment, operation: error.operation, errno: error.errno)
        }
    }

    /// Writes the last block, the index and the trailer; the writer takes no lines after this.
    fileprivate func finish() async throws -> (index: SegmentIndex, storedBytes: UInt64, storedSHA256: String) {
        guard busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            throw SegmentError.writerMisuse(segment: segment, reason: "the body returned while append was running")
        }
        defer { busy.store(false, ordering: .releasing) }
        closed = true
        if block.records > 0 {
            try await closeBlock()
        }
        while !pending.isEmpty {
            try await writeOldest()
        }
        let version =
            options.lastPartition == nil ? SegmentIndex.currentFormatVersion : SegmentIndex.multiDayFormatVersion
        let index = SegmentIndex(
            formatVersion: version, partition: options.partition, lastPartition: options.lastPartition,
            tier: options.tier,
            codec: options.codec, level: options.level, recordCount: entries.reduce(0) { $0 + UInt64($1.recordCount) },
            rawBytes: entries.reduce(0) { $0 + UInt64($1.rawLength) }, rawSHA256: Array(hasher.finalize()),
            minTimestamp: entries.map(\.minTimestamp).min() ?? 0, maxTimestamp: entries.map(\.maxTimestamp).max() ?? 0,
            blocks: entries)
        let indexBytes = index.encoded()
        let region = SegmentContainer.wrapIndex(indexBytes, codec: options.codec)
        let trailer = SegmentTrailer(
            formatVersion: version, codec: options.codec,
            indexCRC32: CRC32.checksum(indexBytes), indexOffset: fileOffset, indexRegionLength: UInt64(region.count),
            indexLength: UInt32(indexBytes.count))
        let tail = region + SegmentContainer.wrapTrailer(trailer.encoded(), codec: options.codec)
        try write(tail)
        return (index, fileOffset + UInt64(tail.count), storedHasher.map { hex($0.finalize()) } ?? "")
    }

    /// Stops taking lines and waits for the blocks in flight, whose results are dropped.
    fileprivate func abandon() async {
        closed = true
        for block in pending {
            _ = try? await block.task.value
        }
        pending = []
    }
}

/// Writes a segment at `url` atomically (temporary name, fsync, rename, fsync directory) and returns its index
/// and the stored size; the file is removed if `body` throws. With a `batch`, a small segment stays under its
/// temporary name until the batch's `seal` makes it durable and renames it. It runs on the caller's actor
/// (`isolation`), so `body` may touch that actor's state.
/// - Throws: what `body` throws, or `SegmentError` when the segment cannot be written.
package func withSegmentWriter<T>(
    at url: URL, options: SegmentOptions, batch: SegmentBatch? = nil, isolation: isolated (any Actor)? = #isolation,
    _ body: (SegmentWriter) async throws -> T
) async throws -> (result: T, index: SegmentIndex, storedBytes: UInt64, storedSHA256: String) {
    let directory = url.deletingLastPathComponent()
    let temporary = directory.appendingPathComponent(SegmentFiles.temporaryName(for: url.lastPathComponent))
    let descriptor = try createTemporary(temporary, batch: batch)
    var open = true
    do {
        let writer = try SegmentWriter(descriptor: descriptor, segment: url.path, options: options)
        let result: T
        let written: (index: SegmentIndex, storedBytes: UInt64, storedSHA256: String)
        do {
            result = try await body(writer)
            written = try await writer.finish()
        } catch {
            await writer.abandon()
            throw error
        }
        open = false
        // A small segment of a batch stays under its temporary name until the batch's seal makes it durable.
        if let batch, written.storedBytes < SegmentBatch.smallBytes {
            guard close(descriptor) == 0 else {
                throw SegmentError.io(path: temporary.path, operation: "close", errno: errno)
            }
            batch.add(temporary: temporary, final: url)
            return (result, written.index, written.storedBytes, written.storedSHA256)
        }
        try await FileIO.offPool { () throws(SegmentError) in
            try makeDurable(descriptor, temporary: temporary, final: url)
        }
        return (result, written.index, written.storedBytes, written.storedSHA256)
    } catch {
        if open { close(descriptor) }
        unlink(temporary.path)
        throw error
    }
}

/// fsyncs and closes a segment's temporary file, renames it to its final name and fsyncs the directory.
private func makeDurable(_ descriptor: Int32, temporary: URL, final url: URL) throws(SegmentError) {
    // See: fsync(2); the data must be durable before the rename makes it visible.
    guard fsync(descriptor) == 0 else {
        let error = SegmentError.io(path: url.path, operation: "fsync", errno: errno)
        close(descriptor)
        throw error
    }
    guard close(descriptor) == 0 else {
        throw SegmentError.io(path: temporary.path, operation: "close", errno: errno)
    }
    // See: rename(2); atomic within one file system, which the same directory guarantees.
    guard rename(temporary.path, url.path) == 0 else {
        throw SegmentError.io(path: url.path, operation: "rename into place", errno: errno)
    }
    try syncDirectory(url.deletingLastPathComponent())
}

/// Creates the temporary file of a segment, and first its directory when this is the first segment there
/// (`FileIO.makeDirectories`: a new directory's name is made durable too, or a crash could lose its segments; with
/// a `batch`, by its seal).
private func createTemporary(_ temporary: URL, batch: SegmentBatch?) throws -> Int32 {
    // O_EXCL: a leftover with the same random name is never reused. See: open(2).
    func create() -> Int32 { open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644) }
    var descriptor = create()
    if descriptor < 0 && errno == ENOENT {
        let directory = temporary.deletingLastPathComponent().path
        do {
            if try FileIO.makeDirectories(directory, syncParents: batch == nil) { batch?.madeDirectory(directory) }
        } catch {
            throw SegmentError.io(path: directory, operation: error.operation, errno: error.errno)
        }
        descriptor = create()
    }
    guard descriptor >= 0 else { throw SegmentError.io(path: temporary.path, operation: "create", errno: errno) }
    return descriptor
}

/// fsyncs a directory so a rename in it survives a crash. See: fsync(2), "NOTES" on directories.
private func syncDirectory(_ directory: URL) throws(SegmentError) {
    do {
        try FileIO.syncDirectory(directory.path)
    } catch {
        throw SegmentError.io(path: directory.path, operation: error.operation, errno: error.errno)
    }
}
