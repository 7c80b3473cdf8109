import Dedup
import Foundation
import Ingest
import Logging

/// Reads logs line by line, quarantines bad lines, drops duplicates and buffers the kept records per
/// partition, handing a partition's buffer to `flush` when memory runs over budget.
///
/// Memory holds the buffers (bounded by `memoryBudget`), the id digests of the partitions touched and, with
/// content dedup, one digest per kept record.
final class Ingestor {
    typealias Flush = (RecordBuffer) async throws -> Void

    private(set) var counts = IngestCounts()
    private let dedup: DedupMode
    private var content: ContentDeduper
    /// Ids kept in this run, per partition, and what was archived before it.
    private var seen: [String: DigestSet] = [:]
    private var known: [String: KnownIds] = [:]
    private var buffers: [String: RecordBuffer] = [:]
    private var bufferedBytes = 0
    private let memoryBudget: Int
    private let knownIds: (String) throws -> KnownIds
    private let flush: Flush
    private let quarantineURL: URL
    private var quarantine: QuarantineWriter?
    private let logger: Logger

    /// - Parameters:
    ///   - knownIds: the ids already archived in a partition (none for a one-off compaction).
    ///   - flush: writes a partition's buffered records as a segment.
    init(
        dedup: DedupMode, window: Int64, memoryBudget: Int, quarantineURL: URL, logger: Logger,
        knownIds: @escaping (String) throws -> KnownIds, flush: @escaping Flush
    ) {
        self.dedup = dedup
        self.content = ContentDeduper(window: window)
        self.memoryBudget = memoryBudget
        self.quarantineURL = quarantineURL
        self.logger = logger
        self.knownIds = knownIds
        self.flush = flush
    }

    /// Where the log was left: the offset after the last line consumed and how many lines that is.
    struct Position {
        var offset: UInt64
        var lines: Int
    }

    /// Ingests `url` from `start`; with `holdUnterminated`, a last line without a newline is left for later.
    func ingest(
        _ url: URL, scanner: RecordScanner, maxLineBytes: Int, from start: Position, holdUnterminated: Bool
    ) async throws -> Position {
        let reader = try LineReader(
            url: url, offset: start.offset, firstLineNumber: start.lines + 1, maxLineBytes: maxLineBytes)
        var position = start
        while let line = try reader.next() {
            if !line.terminated && holdUnterminated { break }
            try await take(line, from: url, scanner: scanner)
            position = Position(offset: line.endOffset, lines: line.number)
        }
        return position
    }

    private func take(_ line: LogLine, from url: URL, scanner: RecordScanner) async throws {
        counts.linesRead += 1
        if line.tooLong {
            let limit = line.bytes.count
            try reject(
                line, url,
                QuarantineDetail(.tooLong, "The line is \(line.fullLength) bytes, over the limit of \(limit)."))
            return
        }
        let result = line.bytes.withUnsafeBytes { scanner.scan($0) }
        switch result {
        case .failure(let detail):
            try reject(line, url, detail)
        case .success(let record):
            try await keep(line.bytes, record, body: line.body(of: record))
        }
    }

    private func reject(_ line: LogLine, _ url: URL, _ detail: QuarantineDetail) throws {
        counts.quarantined += 1
        counts.quarantinedByReason[detail.reason.rawValue, default: 0] += 1
        if quarantine == nil { quarantine = try QuarantineWriter(url: quarantineURL) }
        try quarantine?.append(
            file: url.path, line: line.number, detail: detail, raw: line.bytes, fullLength: line.fullLength)
    }

    private func keep(_ line: ArraySlice<UInt8>, _ record: ScannedRecord, body: ArraySlice<UInt8>?) async throws {
        let partition = Day.partition(micros: record.timestamp)
        let digest = IdDigest(id: record.id)
        if dedup != .none {
            if seen[partition]?.contains(digest) == true {
                counts.duplicatesById += 1
                return
            }
            let archived = try known[partition] ?? knownIds(partition)
            known[partition] = archived
            if try await archived.contains(digest) {
                counts.duplicatesById += 1
                return
            }
        }
        if dedup == .content, let body,
            content.isEcho(
                conversation: record.conversation, sender: record.sender, body: body, timestamp: record.timestamp)
        {
            counts.duplicatesByContent += 1
            return
        }
        if dedup != .none { seen[partition, default: DigestSet()].insert(digest) }
        counts.recordsArchived += 1
        counts.rawBytes += Int64(line.count + 1)
        let before = buffers[partition]?.bytes ?? 0
        buffers[partition, default: RecordBuffer(partition: partition)].append(
            line: line, record: record, digest: digest)
        bufferedBytes += (buffers[partition]?.bytes ?? 0) - before
        if bufferedBytes > memoryBudget { try await flushLargest() }
    }

    private func flushLargest() async throws {
        guard let largest = buffers.max(by: { $0.value.bytes < $1.value.bytes }) else { return }
        buffers[largest.key] = nil
        bufferedBytes -= largest.value.bytes
        logger.debug("flushing partition over memory budget", metadata: ["partition": "\(largest.key)"])
        try await flush(largest.value)
    }

    /// Adds the bytes of a source as stored to the counts.
    func countInput(bytes: Int64) { counts.inputBytes += bytes }

    /// Writes every buffered partition and closes the quarantine file.
    func finish() async throws {
        for partition in buffers.keys.sorted() {
            if let buffer = buffers.removeValue(forKey: partition) { try await flush(buffer) }
        }
        bufferedBytes = 0
        try quarantine?.close()
    }

    /// The quarantine file, if any line was quarantined.
    var quarantineFile: URL? { quarantine == nil ? nil : quarantineURL }
}
