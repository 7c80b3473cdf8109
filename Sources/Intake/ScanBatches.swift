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
/// The lines of a batch are read one after the other and scanned in slices on every core at once, since
/// scanning costs more than the rest of ingest: with one scanning task, ingest waited for it half the time.
///
/// `@unchecked Sendable` because `next()` runs in that child task while the ingest task holds the reader. It is
/// safe: the contract is one `next()` at a time (the ingest task awaits each before starting the next), and an
/// overlapping call stops the process (`busy`) rather than racing. The slices' tasks get lines and the scanner,
/// both values, never the reader.
final class ScanBatches: @unchecked Sendable {
    /// Lines of a log in log order, with what scanning found in each.
    struct Batch {
        var lines: [LogLine]
        var scans: [LineScan]
    }

    /// Line bytes a batch holds before it is handed over: small enough that two in flight cost little memory,
    /// large enough that the tasks per batch are noise.
    static let batchBytes = 256 << 10
    /// Lines a slice scanned by a task of its own holds at least.
    static let sliceLines = 256

    private let reader: LineReader
    private let scanner: RecordScanner
    private let holdUnterminated: Bool
    private let slices: Int
    private let busy = Atomic<Bool>(false)
    private var ended = false
    /// A read error met after some lines of a batch; thrown by the next call, once those lines are taken.
    private var deferred: (any Error)?

    /// With `holdUnterminated`, a last line without a newline ends the batches unscanned (it is left for later).
    init(
        reader: LineReader, scanner: RecordScanner, holdUnterminated: Bool,
        slices: Int = SegmentOptions.cores
    ) {
        self.reader = reader
        self.scanner = scanner
        self.holdUnterminated = holdUnterminated
        self.slices = max(1, slices)
    }

    /// The next lines with their scans, in log order; nil at the end.
    /// - Throws: what `LineReader.next()` throws, after the lines before it were returned.
    func next() async throws -> Batch? {
        precondition(
            busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged,
            "ScanBatches.next() was called while another call was running")
        defer { busy.store(false, ordering: .releasing) }
        if let error = deferred {
            deferred = nil
            throw error
        }
        var lines: [LogLine] = []
        var bytes = 0
        while !ended && bytes < Self.batchBytes {
            let line: LogLine?
            do {
                line = try reader.next()
            } catch {
                ended = true
                guard !lines.isEmpty else { throw error }
                deferred = error
                break
            }
            guard let line, line.terminated || !holdUnterminated else {
                ended = true
                break
            }
            lines.append(line)
            bytes += line.bytes.count + 1
        }
        return lines.isEmpty ? nil : Batch(lines: lines, scans: await scan(lines))
    }

    /// The scans of `lines`, in their order: the first slice scanned here, the others in child tasks.
    private func scan(_ lines: [LogLine]) async -> [LineScan] {
        let scanner = scanner
        let count = min(slices, lines.count / Self.sliceLines)
        func scans(_ range: Range<Int>) -> [LineScan] {
            lines.withUnsafeBufferPointer { lines in range.map { LineScan(lines[$0], scanner: scanner) } }
        }
        guard count > 1 else { return scans(0..<lines.count) }
        let size = (lines.count + count - 1) / count
        return await withTaskGroup(of: (Int, [LineScan]).self) { group in
            for start in stride(from: size, to: lines.count, by: size) {
                group.addTask { (start, scans(start..<min(start + size, lines.count))) }
            }
            var scans = scans(0..<size)
            var rest: [Int: [LineScan]] = [:]
            for await (start, slice) in group { rest[start] = slice }
            for start in rest.keys.sorted() { scans += rest[start]! }
            return scans
        }
    }
}
