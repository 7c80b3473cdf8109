import Catalog
import Codecs
import Crypto
import Dedup
import Foundation
import Ingest

/// One source log and what the run will read of it.
struct PlannedInput {
    enum Kind { case new, grown, unchanged, changed }
    var url: URL
    var source: SourceConfig
    var kind: Kind
    var size: Int64
    var mtime: Int64
    /// Where reading starts (an earlier run's end) and the line count up to there.
    var start: Ingestor.Position
    /// Leave a last line without newline for the next run (the log may still be being written).
    var holdUnterminated: Bool
    var previous: InputRow?
    /// Read up to here and marked so in the catalog after ingest.
    var reached: Ingestor.Position?

    var compressed: Bool { Codec(fileName: url.lastPathComponent) != nil }
    /// Bytes the run will read from the file as stored.
    var bytesToRead: Int64 { kind == .new || kind == .grown ? size - Int64(start.offset) : 0 }
}

extension ArchiveRun {
    /// A log modified this recently may still be being written: its unterminated last line waits.
    static let settleSeconds: Double = 60

    /// Finds every source log and decides what to read of each.
    func planInputs() throws -> [PlannedInput] {
        var planned: [PlannedInput] = []
        var seen: Set<String> = []
        for source in config.sources {
            for match in try SourceGlob.expand(source.paths, relativeTo: currentDirectory()) {
                if match.files.isEmpty {
                    logger.warning("a source pattern matches no file", metadata: ["pattern": "\(match.pattern)"])
                }
                for url in match.files {
                    let path = url.standardizedFileURL.path
                    guard seen.insert(path).inserted else { continue }
                    planned.append(try plan(URL(fileURLWithPath: path), source: source))
                }
            }
        }
        for input in planned {
            switch input.kind {
            case .new: summary.inputs.new += 1
            case .grown: summary.inputs.grown += 1
            case .unchanged: summary.inputs.unchanged += 1
            case .changed:
                summary.inputs.changed.append(input.url.path)
                logger.warning(
                    "a log was rewritten in place after it was read; it is not read again",
                    metadata: ["file": "\(input.url.path)"])
            }
        }
        return planned
    }

    private func plan(_ url: URL, source: SourceConfig) throws -> PlannedInput {
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        let size = Int64((attributes[.size] as? NSNumber)?.int64Value ?? 0)
        let modified = (attributes[.modificationDate] as? Date) ?? Date()
        let mtime = Int64(modified.timeIntervalSince1970 * 1e9)
        let settling = Date().timeIntervalSince(modified) < Self.settleSeconds
        var input = PlannedInput(
            url: url, source: source, kind: .new, size: size, mtime: mtime, start: .init(offset: 0, lines: 0),
            holdUnterminated: settling, previous: try catalog.input(path: url.path))
        guard let previous = input.previous, previous.status != .deleted else { return input }
        if input.compressed {
            input.kind = previous.size == size && previous.mtime == mtime ? .unchanged : .changed
            return input
        }
        guard size >= previous.consumed, try sample(url, upTo: previous.consumed) == previous.sample else {
            input.kind = .changed
            return input
        }
        let untouched = previous.size == size && previous.mtime == mtime
        if size == previous.consumed || (untouched && previous.consumed == size) {
            input.kind = .unchanged
            return input
        }
        input.kind = .grown
        input.start = .init(offset: UInt64(previous.consumed), lines: Int(previous.lines))
        // Unchanged since the last run but with an unterminated tail: the writer is gone, take the line.
        input.holdUnterminated = settling && !untouched
        return input
    }

    /// Hex SHA-256 over the first and the last 64 KiB of `url` before `end`: tells an append from a rewrite
    /// without reading the whole prefix again.
    func sample(_ url: URL, upTo end: Int64) throws -> String {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        let window: Int64 = 64 << 10
        try handle.seek(toOffset: 0)
        hasher.update(data: try handle.read(upToCount: Int(min(window, end))) ?? Data())
        if end > window {
            let tail = max(window, end - window)
            try handle.seek(toOffset: UInt64(tail))
            hasher.update(data: try handle.read(upToCount: Int(end - tail)) ?? Data())
        }
        return hex(hasher.finalize())
    }

    /// Reads the planned inputs, writes their records as segments and commits segments and input offsets in
    /// one catalog transaction; returns the number of lines read.
    ///
    /// Segments are written in the background while reading goes on; the id digests of those written wait in a
    /// spill file for the commit, so memory does not grow with the input.
    func ingest(_ plan: [PlannedInput]) async throws -> Int {
        let work = plan.filter { $0.kind == .new || $0.kind == .grown }
        guard !work.isEmpty else { return 0 }
        try FileManager.default.createDirectory(at: layout.quarantine, withIntermediateDirectories: true)
        let digestFile = try SpillFile(directory: layout.quarantine)
        var written: [(row: SegmentRow, digestsAt: Int64, digestBytes: Int)] = []
        let writes = SegmentWriteQueue { [unowned self] segment in
            written.append((segment.row, try digestFile.append(segment.digests), segment.digests.count))
            summary.segmentsWritten += 1
            logger.debug(
                "segment written",
                metadata: ["segment.id": "\(segment.name)", "records": "\(segment.index.recordCount)"])
        }
        let ingestor = Ingestor(
            dedup: config.dedup.mode, window: config.dedup.window, memoryBudget: config.ingestMemory,
            quarantineURL: layout.quarantine.appendingPathComponent(
                "\(Day.partition(micros: Day.micros(now)))-\(runId).jsonl"),
            logger: logger,
            knownIds: { [unowned self] partition in try self.knownIds(partition) },
            flush: { [unowned self] buffer, partOfMore in
                try await self.writeSegment(buffer, staged: partOfMore, with: writes)
            })
        let rows = try await writes.writeAll(read: { try await read(work, with: ingestor) }, finish: ingestor.finish)
        let pending = PendingRunRecord(counts: ingestor.counts, now: summary.now, started: summary.started)
        try catalog.commit(
            added: written.map(\.row),
            digests: { try digestFile.read(at: written[$0].digestsAt, count: written[$0].digestBytes) }, inputs: rows,
            run: Catalog.PendingRun(id: runId, counts: try JSONEncoder().encode(pending)))
        CrashPoint.afterIngestCommit.reach()
        summary.counts = ingestor.counts
        summary.quarantineFile = ingestor.quarantineFile?.path
        return ingestor.counts.linesRead
    }

    /// Feeds each input to `ingestor` from where the last run stopped; returns the inputs' new catalog rows.
    private func read(_ work: [PlannedInput], with ingestor: Ingestor) async throws -> [InputRow] {
        var rows: [InputRow] = []
        let total = work.reduce(Int64(0)) { $0 + $1.bytesToRead }
        var done: Int64 = 0
        for (n, input) in work.enumerated() {
            logger.info("reading log", metadata: ["file": "\(input.url.path)"])
            progress.show(
                "reading \(n + 1)/\(work.count) logs, \(total > 0 ? done * 100 / total : 100)%: \(input.url.lastPathComponent)"
            )
            done += input.bytesToRead
            let scanner = RecordScanner(fields: input.source.fields, timestampFormat: input.source.timestampFormat)
            let reached = try await ingestor.ingest(
                input.url, scanner: scanner, maxLineBytes: input.source.maxLineBytes, from: input.start,
                holdUnterminated: input.holdUnterminated && !input.compressed)
            let consumed = input.compressed ? input.size : Int64(reached.offset)
            ingestor.countInput(bytes: consumed - Int64(input.start.offset))
            rows.append(
                InputRow(
                    path: input.url.path, size: input.size, mtime: input.mtime, consumed: consumed,
                    lines: Int64(reached.lines), sample: try sample(input.url, upTo: consumed),
                    status: input.compressed ? .done : .partial))
        }
        progress.finish()
        return rows
    }

    /// Deletes sources whose pipeline says `after_ingest: delete` once every line of them is committed.
    func deleteSources(_ plan: [PlannedInput]) throws {
        var rows: [InputRow] = []
        for input in plan where input.source.afterIngest == .delete && input.kind != .changed {
            guard var row = try catalog.input(path: input.url.path), row.consumed == input.size,
                row.status != .deleted
            else { continue }
            try FileManager.default.removeItem(at: input.url)
            row.status = .deleted
            rows.append(row)
            summary.sourcesDeleted += 1
            logger.info("deleted a source after ingest", metadata: ["file": "\(input.url.path)"])
        }
        if !rows.isEmpty { try catalog.save(inputs: rows) }
    }
}
