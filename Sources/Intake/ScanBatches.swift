import Dedup
import Ingest
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

    /// Scans `line` and digests its id.
    init(_ line: LogLine, scanner: RecordScanner) {
        if line.tooLong {
            self = .tooLong
            return
        }
        switch line.bytes.withUnsafeBytes({ scanner.scanFields($0) }) {
        case .failure(let detail):
            self = .failure(detail)
        case .fields(let fields):
            let digest = line.bytes.withUnsafeBytes {
                IdDigest(hashing: UnsafeRawBufferPointer(rebasing: $0[fields.id]))
            }
            self = .fields(fields, digest)
        case .record(let record):
            self = .record(record, IdDigest(id: record.id))
        }
    }
}

/// Reads a log and scans its lines a batch at a time, so that a child task scans the next batch while the
/// ingest task dedups and buffers this one: the per-line work that needs no shared state leaves the ingest task.
///
/// `@unchecked Sendable` because `next()` runs in that child task while the ingest task holds the reader. It is
/// safe: the contract is one `next()` at a time (the ingest task awaits each before starting the next), and an
/// overlapping call stops the process (`busy`) rather than racing.
final class ScanBatches: @unchecked Sendable {
    /// Line bytes a batch holds before it is handed over: small enough that two in flight cost little memory,
    /// large enough that the task per batch is noise.
    static let batchBytes = 256 << 10

    private let reader: LineReader
    private let scanner: RecordScanner
    private let holdUnterminated: Bool
    private let busy = Atomic<Bool>(false)
    private var ended = false
    /// A read error met after some lines of a batch; thrown by the next call, once those lines are taken.
    private var deferred: (any Error)?

    /// With `holdUnterminated`, a last line without a newline ends the batches unscanned (it is left for later).
    init(reader: LineReader, scanner: RecordScanner, holdUnterminated: Bool) {
        self.reader = reader
        self.scanner = scanner
        self.holdUnterminated = holdUnterminated
    }

    /// The next lines with their scans, in log order; nil at the end.
    /// - Throws: what `LineReader.next()` throws, after the lines before it were returned.
    func next() throws -> [(line: LogLine, scan: LineScan)]? {
        precondition(
            busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged,
            "ScanBatches.next() was called while another call was running")
        defer { busy.store(false, ordering: .releasing) }
        if let error = deferred {
            deferred = nil
            throw error
        }
        var batch: [(line: LogLine, scan: LineScan)] = []
        var bytes = 0
        while !ended && bytes < Self.batchBytes {
            let line: LogLine?
            do {
                line = try reader.next()
            } catch {
                ended = true
                guard !batch.isEmpty else { throw error }
                deferred = error
                break
            }
            guard let line, line.terminated || !holdUnterminated else {
                ended = true
                break
            }
            batch.append((line, LineScan(line, scanner: scanner)))
            bytes += line.bytes.count + 1
        }
        return batch.isEmpty ? nil : batch
    }
}
