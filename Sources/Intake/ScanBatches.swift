import Dedup
import Ingest
import Segments
import Synchronization

/// What scanning found in one line: everything `Ingestor.take` needs that does not depend on ingest state.
enum LineScan: Sendable {
    /// Over the reader's line limit; not scanned.
    case tooLong
    case failure(QuarantineDetail)
    /// A line whose id, conversation and sender are its own bytes, with the id's digest.
    case fields(RecordFields, IdDigest)
    /// A line with an escaped id, conversation or sender, unescaped, with the id's digest.
    case record(ScannedRecord, IdDigest)

    /// Scans a line of `bytes` (cut to the reader's limit when `tooLong`) and digests its id.
    init(_ bytes: UnsafeRawBufferPointer, tooLong: Bool, scanner: RecordScanner) {
        if tooLong {
            self = .tooLong
            return
        }
        switch scanner.scanFields(bytes) {
        case .failure(let detail):
            self = .failure(detail)
        case .fields(let fields):
            self = .fields(fields, IdDigest(hashing: UnsafeRawBufferPointer(rebasing: bytes[fields.id])))
        case .record(let record):
            self = .record(record, IdDigest(id: record.id))
        }
    }
}

/// Reads a log and scans its lines a batch at a time, so that a child task scans the next batch while the
/// ingest task dedups and buffers this one: the per-line work that needs no shared state leaves the ingest task.
/// The lines of a batch are read one after the other and scanned in slices on every core at once, since
/// scanning costs more than the rest of ingest: with one scanning task, ingest waited for it half the time. Two
/// slices a core, so that a core the ingest task or a segment writer frees first takes the slice left (one a core
/// left it waiting for the ingest task: 2-4% of a compaction's wall time).
///
/// `@unchecked Sendable` because `next()` runs in that child task while the ingest task holds the reader. It is
/// safe: the contract is one `next()` at a time (the ingest task awaits each before starting the next), and an
/// overlapping call stops the process (`busy`) rather than racing. The slices' tasks get lines and the scanner,
/// both values, never the reader.
final class ScanBatches: @unchecked Sendable {
    /// Lines of a log in log order, with what scanning found in each.
    struct Batch {
        var lines: LineBatch
        var scans: [LineScan]
    }

    /// Line bytes a batch holds before it is handed over: small enough that two in flight cost little memory,
    /// large enough that the tasks per batch are noise.
    static let batchBytes = 256 << 10
    /// Lines a slice scanned by a task of its own holds at least.
    static let sliceLines = 128

    private let reader: LineReader
    private let scanner: RecordScanner
    private let holdUnterminated: Bool
    private let slices: Int
    private let busy = Atomic<Bool>(false)

    /// With `holdUnterminated`, a last line without a newline ends the batches unscanned (it is left for later).
    init(
        reader: LineReader, scanner: RecordScanner, holdUnterminated: Bool,
        slices: Int = 2 * SegmentOptions.cores
    ) {
        self.reader = reader
        self.scanner = scanner
        self.holdUnterminated = holdUnterminated
        self.slices = max(1, slices)
    }

    /// The next lines with their scans, in log order; nil at the end.
    /// - Throws: what `LineReader.nextBatch` throws, after the lines before it were returned.
    func next() async throws -> Batch? {
        precondition(
            busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged,
            "ScanBatches.next() was called while another call was running")
        defer { busy.store(false, ordering: .releasing) }
        guard var lines = try reader.nextBatch(bytes: Self.batchBytes) else { return nil }
        // Only the log's last line can be unterminated, so the next call returns nil.
        if holdUnterminated, let last = lines.spans.last, !last.terminated {
            lines.spans.removeLast()
            guard !lines.spans.isEmpty else { return nil }
        }
        return Batch(lines: lines, scans: await scan(lines))
    }

    /// The scans of `lines`, in their order: the first slice scanned here, the others in child tasks.
    private func scan(_ lines: LineBatch) async -> [LineScan] {
        let scanner = scanner
        func scans(_ range: Range<Int>) -> [LineScan] {
            lines.bytes.withUnsafeBytes { bytes in
                lines.spans[range].map { span in
                    LineScan(
                        UnsafeRawBufferPointer(rebasing: bytes[span.range]), tooLong: span.tooLong, scanner: scanner)
                }
            }
        }
        let count = min(slices, lines.spans.count / Self.sliceLines)
        guard count > 1 else { return scans(0..<lines.spans.count) }
        let size = (lines.spans.count + count - 1) / count
        return await withTaskGroup(of: (Int, [LineScan]).self) { group in
            for start in stride(from: size, to: lines.spans.count, by: size) {
                group.addTask { (start, scans(start..<min(start + size, lines.spans.count))) }
            }
            var scans = scans(0..<size)
            var rest: [Int: [LineScan]] = [:]
            for await (start, slice) in group { rest[start] = slice }
            for start in rest.keys.sorted() { scans += rest[start]! }
            return scans
        }
    }
}
