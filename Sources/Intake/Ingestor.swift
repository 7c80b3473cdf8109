import ArchiveAccess
import Dedup
import Foundation
import Ingest
import Logging
import PipelineConfig

/// Reads logs line by line, quarantines bad lines, drops duplicates and buffers the kept records per
/// partition, handing a partition's buffer to `flush` when memory runs over budget.
///
/// `flush` learns whether the buffer is only part of what this ingest writes of its partition (it flushed the
/// partition before, or flushes it now at its size limit with more to come): a run writes such parts in a cheap
/// codec, as its compaction merges them into one segment of the partition's tier anyway.
///
/// Memory holds the buffers (bounded by `memoryBudget`), exact id digests of the records buffered, about 11 bits
/// a record for those already written of the partitions still filling and half a bit for the others (their exact
/// digests wait in a `DigestSpill` file), what was archived before in the partitions touched and, with content
/// dedup, one digest per kept record.
package final class Ingestor {
    package typealias Flush = (_ buffer: RecordBuffer, _ partOfMore: Bool) async throws -> Void

    /// One partition's state: what is buffered and what this run has already written of it.
    private final class Partition {
        @exclusivity(unchecked) var buffer: RecordBuffer
        /// Ids of the buffered records.
        @exclusivity(unchecked) var buffered = DigestSet()
        /// Ids of the records already handed to `flush`.
        var written: [DigestSpill.Run] = []
        /// What was archived before this run, loaded on first use.
        var known: KnownIds?
        /// Buffers of it handed to `flush` so far.
        var flushes = 0
        /// Whether a record was kept in it since the last `flushIdle`.
        var touched = false
        let day: Int64

        init(day: Int64) {
            self.day = day
            buffer = RecordBuffer(partition: Day.name(day))
        }

        var name: String { buffer.partition }
    }

    @exclusivity(unchecked) package private(set) var counts = IngestCounts()
    /// The dedup mode as the per-record path asks it, without a comparison through `Equatable` for every record.
    private let dedupsIds: Bool
    private let dedupsContent: Bool
    private var content: ContentDeduper
    /// Partitions by day number; `last` is the one the previous record went to, as the next nearly always does.
    private var partitions: [Int64: Partition] = [:]
    private var last: (day: Int64, partition: Partition)?
    /// Days of the partitions a record was kept in since the `flushIdle` before the last one: the only ones that
    /// can hold records at the next, so that it costs what the logs touched, not what all partitions number.
    private var filling: Set<Int64> = []
    private var spill: DigestSpill?
    private var bufferedBytes = 0
    private let memoryBudget: Int
    private let partitionLimit: Int
    private let knownIds: (String) throws -> KnownIds
    private let flush: Flush
    private let quarantineURL: URL
    private var quarantine: QuarantineWriter?
    private let logger: Logger
    /// The line being taken, and how many lines of the log are re-read (see `ingest`).
    private var lineNumber = 0
    /// Bytes of the line being taken, with its newline.
    private var lineBytes: Int64 = 0
    private var rereadLines = 0
    /// `counts.lineBytes` when `flushIdle` last ran.
    private var lineBytesAtIdleCheck: Int64 = 0
    /// Lines of the log being read that lack a field, and the first such line.
    private var lacking: [MappedField: Int] = [:]
    private var lackingSample: [MappedField: [UInt8]] = [:]
    /// Logs most of whose lines lacked a field, in reading order.
    package private(set) var hints: [FieldHint] = []

    /// - Parameters:
    ///   - memoryBudget: bytes buffered across partitions before the largest is flushed.
    ///   - partitionLimit: raw bytes one partition buffers before it is flushed (a quarter of the budget by
    ///     default), so a segment being written holds a bounded share of memory however large the input.
    ///   - knownIds: the ids already archived in a partition (none for a one-off compaction).
    ///   - flush: writes a partition's buffered records as a segment.
    package init(
        dedup: DedupMode, window: Int64, memoryBudget: Int, partitionLimit: Int? = nil, quarantineURL: URL,
        logger: Logger, knownIds: @escaping (String) throws -> KnownIds, flush: @escaping Flush
    ) {
        (dedupsIds, dedupsContent) = (dedup != .none, dedup == .content)
        self.content = ContentDeduper(window: window)
        self.memoryBudget = memoryBudget
        self.partitionLimit = max(1, partitionLimit ?? memoryBudget / 4)
        self.quarantineURL = quarantineURL
        self.logger = logger
        self.knownIds = knownIds
        self.flush = flush
        tuneMalloc()
    }

    /// Where the log was left: the offset after the last line consumed and how many lines that is.
    package struct Position {
        package var offset: UInt64
        package var lines: Int

        package init(offset: UInt64, lines: Int) {
            (self.offset, self.lines) = (offset, lines)
        }
    }

    /// Ingests `url` from `start`; with `holdUnterminated`, a last line without a newline is left for later.
    /// Duplicates among the first `rereadLines` lines (a rewritten log read again) count as re-reads.
    package func ingest(
        _ url: URL, scanner: RecordScanner, maxLineBytes: Int, from start: Position, holdUnterminated: Bool,
        rereadLines: Int = 0
    ) async throws -> Position {
        let reader = try LineReader(
            url: url, offset: start.offset, firstLineNumber: start.lines + 1, maxLineBytes: maxLineBytes)
        var position = start
        self.rereadLines = rereadLines
        defer { self.rereadLines = 0 }
        let before = counts
        let file = url.path
        let batches = ScanBatches(reader: reader, scanner: scanner, holdUnterminated: holdUnterminated)
        var batch = try await batches.next()
        while let current = batch {
            async let following = batches.next()
            let bytes = current.lines.bytes
            for (line, scan) in zip(current.lines.spans, current.scans) {
                try await take(line, of: bytes, scan, file: file)
                position = Position(offset: line.endOffset, lines: line.number)
            }
            if counts.lineBytes - lineBytesAtIdleCheck >= Int64(partitionLimit) { try await flushIdle() }
            batch = try await following
        }
        noteLackingFields(url, scanner: scanner, lines: counts.linesRead - before.linesRead, before: before)
        return position
    }

    /// Records a hint when most lines of the log just read lacked the same field (`FieldHint`).
    private func noteLackingFields(_ url: URL, scanner: RecordScanner, lines: Int, before: IngestCounts) {
        defer {
            lacking = [:]
            lackingSample = [:]
        }
        guard let (field, count) = lacking.max(by: { $0.value < $1.value }), count * 2 > lines,
            let sample = lackingSample[field]
        else { return }
        let kept =
            counts.recordsArchived + counts.duplicatesById + counts.duplicatesByContent + counts.linesReread
            - (before.recordsArchived + before.duplicatesById + before.duplicatesByContent + before.linesReread)
        let hint = FieldHint.make(
            file: url.path, lines: lines, lacking: count, field: field, key: scanner.fields[field],
            sample: sample, total: kept == 0)
        logger.warning("most lines of a log lack a field", metadata: ["hint": "\(hint.message)"])
        hints.append(hint)
    }

    /// Counts and dedups one line of `file` (of its `entry`, for a chat export), the `line` of `bytes`, as `scan`
    /// found it, then keeps or quarantines it. It and what it calls for every line run on the caller's executor
    /// (`nonisolated(nonsending)`): an executor check at each of those calls cost 2.6% of a compaction's CPU.
    nonisolated(nonsending) func take(
        _ line: LineSpan, of bytes: [UInt8], _ scan: LineScan, file: String, entry: String? = nil
    ) async throws {
        lineNumber = line.number
        counts.linesRead += 1
        lineBytes = Int64(line.fullLength + 1)
        counts.lineBytes += lineBytes
        switch scan {
        case .tooLong:
            try reject(
                LogLine(line, in: bytes), file, entry,
                QuarantineDetail(
                    .tooLong, "The line is \(line.fullLength) bytes, over the limit of \(line.range.count)."))
        case .failure(let detail):
            try reject(LogLine(line, in: bytes), file, entry, detail)
        case .fields(let fields, let digest):
            let partition = partition(micros: fields.timestamp)
            guard try await isNew(digest, in: partition) else { return }
            if dedupsContent, let body = fields.body {
                let start = line.range.lowerBound
                let (conversation, sender) = bytes.withUnsafeBytes { all in
                    (
                        String(
                            decoding: UnsafeRawBufferPointer(rebasing: all[fields.conversation.shifted(by: start)]),
                            as: UTF8.self),
                        String(
                            decoding: UnsafeRawBufferPointer(rebasing: all[fields.sender.shifted(by: start)]),
                            as: UTF8.self)
                    )
                }
                if content.isEcho(
                    conversation: conversation, sender: sender, body: bytes[body.shifted(by: start)],
                    timestamp: fields.timestamp)
                {
                    countContentDuplicate()
                    return
                }
            }
            try await keep(line.range.count, digest: digest, in: partition) { buffer in
                bytes.withUnsafeBytes {
                    buffer.append(
                        line: UnsafeRawBufferPointer(rebasing: $0[line.range]), fields: fields, digest: digest)
                }
            }
        case .record(let record, let digest):
            let partition = partition(micros: record.timestamp)
            guard try await isNew(digest, in: partition) else { return }
            let logLine = LogLine(line, in: bytes)
            if dedupsContent, let body = logLine.body(of: record),
                content.isEcho(
                    conversation: record.conversation, sender: record.sender, body: body, timestamp: record.timestamp)
            {
                countContentDuplicate()
                return
            }
            try await keep(line.range.count, digest: digest, in: partition) { buffer in
                buffer.append(line: logLine.bytes, record: record, digest: digest)
            }
        }
    }

    /// Counts a line read and quarantines it: a message a chat export's reader could not turn into a record.
    func quarantine(_ line: LogLine, file: String, entry: String?, _ detail: QuarantineDetail) throws {
        counts.linesRead += 1
        try reject(line, file, entry, detail)
    }

    private func reject(_ line: LogLine, _ file: String, _ entry: String?, _ detail: QuarantineDetail) throws {
        if let field = detail.missing {
            lacking[field, default: 0] += 1
            if lackingSample[field] == nil { lackingSample[field] = Array(line.bytes) }
        }
        counts.quarantined += 1
        counts.quarantinedBytes += lineBytes
        counts.quarantinedByReason[detail.reason.rawValue, default: 0] += 1
        if quarantine == nil { quarantine = try QuarantineWriter(url: quarantineURL) }
        try quarantine?.append(
            file: file, entry: entry, line: line.number, detail: detail, raw: line.bytes,
            fullLength: line.fullLength)
    }

    /// The partition of a timestamp; looking it up by day number spares building its name for every record.
    private func partition(micros: Int64) -> Partition {
        let day = Day.number(micros: micros)
        if let last, last.day == day { return last.partition }
        let partition = partitions[day] ?? Partition(day: day)
        partitions[day] = partition
        last = (day, partition)
        return partition
    }

    /// False, counting a duplicate, when the id is already kept in this run or archived in the partition.
    private nonisolated(nonsending) func isNew(_ digest: IdDigest, in partition: Partition) async throws -> Bool {
        guard dedupsIds else { return true }
        if partition.buffered.contains(digest) {
            countDuplicate()
            return false
        }
        if let spill {
            for run in partition.written where try spill.contains(digest, in: run) {
                countDuplicate()
                return false
            }
        }
        if partition.known == nil { partition.known = try knownIds(partition.name) }
        if let archived = partition.known, archived.mayContain(digest), try await archived.contains(digest) {
            countDuplicate()
            return false
        }
        return true
    }

    /// Counts a record dropped for its id: a redelivery, or a re-read line of a rewritten log.
    private func countDuplicate() {
        if lineNumber <= rereadLines {
            counts.linesReread += 1
            counts.rereadBytes += lineBytes
        } else {
            counts.duplicatesById += 1
            counts.duplicateBytes += lineBytes
        }
    }

    private func countContentDuplicate() {
        counts.duplicatesByContent += 1
        counts.duplicateBytes += lineBytes
    }

    /// Buffers a kept record (`append` adds it to the partition's buffer), flushing when over budget.
    private nonisolated(nonsending) func keep(
        _ length: Int, digest: IdDigest, in partition: Partition, append: (inout RecordBuffer) -> Void
    ) async throws {
        if !partition.buffer.isEmpty && partition.buffer.arenaBytes + length > partitionLimit {
            logger.debug("flushing partition at its size limit", metadata: ["partition": "\(partition.name)"])
            try await flush(partition, more: true, atLimit: true)
        }
        if dedupsIds { partition.buffered.insert(digest) }
        if !partition.touched {
            partition.touched = true
            filling.insert(partition.day)
            if let spill { partition.written = try partition.written.map { try spill.withFilter($0) } }
        }
        counts.recordsArchived += 1
        counts.rawBytes += Int64(length + 1)
        // Reserved as records come, not when created or flushed: a partition the logs left alone holds nothing
        // (20,000 of them held two mappings each, with their first pages touched).
        partition.buffer.makeRoom(for: length, limit: partitionLimit)
        let before = partition.buffer.bytes
        append(&partition.buffer)
        bufferedBytes += partition.buffer.bytes - before
        if bufferedBytes > memoryBudget { try await flushLargest() }
    }

    private nonisolated(nonsending) func flushLargest() async throws {
        guard let largest = partitions.values.max(by: { $0.buffer.bytes < $1.buffer.bytes }) else { return }
        logger.debug("flushing partition over memory budget", metadata: ["partition": "\(largest.name)"])
        try await flush(largest, more: true)
    }

    /// Hands `partition`'s buffer to `flush`; with `more` records to come, then moves its buffered ids to the
    /// spill file, where later records are checked against them. In that order, the segment's write starts on
    /// another core while the ids are sorted and spilled (1.5 ms for a day of the 300 MB short corpus, with a core
    /// idle at every log's end when it came first).
    private nonisolated(nonsending) func flush(_ partition: Partition, more: Bool, atLimit: Bool = false) async throws {
        let buffer = partition.buffer
        partition.buffer = RecordBuffer(partition: partition.name)
        bufferedBytes -= buffer.bytes
        partition.flushes += 1
        try await flush(buffer, atLimit || partition.flushes > 1)
        if more && partition.buffered.count > 0 {
            let spill = try self.spill ?? DigestSpill(directory: quarantineURL.deletingLastPathComponent())
            self.spill = spill
            partition.written.append(try spill.append(sorted: partition.buffered.sortedDigests()))
            partition.buffered = DigestSet()
        }
    }

    /// Writes the partitions no record was kept in since the last call. Logs read in time order (one a day, as
    /// logrotate leaves them) fill a partition and move on, so a partition the last log left alone is most likely
    /// complete: writing it now overlaps its compression with the reading of the next logs. A record that still
    /// comes for it is deduplicated against what was written and goes to another segment.
    ///
    /// The caller calls it between logs, and `ingest` within a log after every `partitionLimit` bytes of lines, so
    /// that a day whose last records (the late ones too) lie early in a long log is written while the log goes on
    /// rather than held through it and the next. (With logs of 68 MB, 8x the short corpus, three days' buffers were
    /// held at once, and compact's peak RSS was 118-138 MiB against 102-106 MiB with the checks within logs.)
    package func flushIdle() async throws {
        lineBytesAtIdleCheck = counts.lineBytes
        var touched: Set<Int64> = []
        for day in filling.sorted() {
            guard let partition = partitions[day] else { continue }
            if partition.touched {
                touched.insert(day)
                partition.touched = false
            } else {
                if !partition.buffer.isEmpty {
                    logger.debug("flushing idle partition", metadata: ["partition": "\(partition.name)"])
                    try await flush(partition, more: true)
                }
                partition.written = partition.written.map { $0.withoutFilter() }
            }
        }
        filling = touched
    }

    /// Adds the bytes of a source as stored to the counts.
    package func countInput(bytes: Int64) { counts.inputBytes += bytes }

    /// Writes every buffered partition and closes the quarantine file.
    package func finish() async throws {
        for (_, partition) in partitions.sorted(by: { $0.key < $1.key }) where !partition.buffer.isEmpty {
            try await flush(partition, more: false)
        }
        partitions = [:]
        last = nil
        filling = []
        bufferedBytes = 0
        try quarantine?.close()
    }

    /// The quarantine file, if any line was quarantined.
    package var quarantineFile: URL? { quarantine == nil ? nil : quarantineURL }
}

#if canImport(Glibc)
    /// glibc's `mallopt(3)`, which Swift's Glibc module does not import (it leaves out `<malloc.h>`).
    @_silgen_name("mallopt")
    private func mallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif

/// Has glibc serve allocations of 4 MiB and more (partition buffers, sorted segment orders) straight from
/// `mmap` and give them back on free, and grow or trim its heaps 8 MiB at a time.
///
/// By default glibc raises its mmap threshold to the size of each large block freed, after which the buffers
/// that ingest fills on one thread and segment writes free on another land in per-thread heaps that fragment and
/// are never returned: compacting 300 MB peaked at 240 MiB of RSS that way, 117 MiB with the threshold fixed.
/// With the default padding of 128 KiB, the heaps gave back and faulted in again the pages of every 1 MiB block
/// and frame: `compact --codec lz4` of the 300 MB short corpus took 200,000 page faults and 1.41 s, against
/// 100,000 and 1.29 s with 8 MiB (4-13 MiB more peak RSS).
private func tuneMalloc() {
    #if canImport(Glibc)
        // See: mallopt(3), M_MMAP_THRESHOLD (-3); setting it also turns off the dynamic adjustment.
        _ = mallopt(-3, 4 << 20)
        // See: mallopt(3), M_TOP_PAD (-2): bytes kept at the top of a heap when it grows or is trimmed.
        _ = mallopt(-2, 8 << 20)
    #endif
}
