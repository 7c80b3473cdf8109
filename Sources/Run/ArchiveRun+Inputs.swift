import ArchiveAccess
import Catalog
import Dedup
import Foundation
import Ingest
import Intake
import Ledger
import Logging
import PipelineConfig

extension ArchiveRun {
    /// Finds every source log and decides what to read of each (see `InputPlanner`).
    func planInputs() throws -> InputPlanner.Plan {
        var files: [(url: URL, source: SourceConfig)] = []
        var seen: Set<String> = []
        for source in config.sources {
            for match in try SourceGlob.expand(source.paths, relativeTo: currentDirectory()) {
                if match.files.isEmpty {
                    logger.warning("a source pattern matches no file", metadata: ["pattern": "\(match.pattern)"])
                }
                // Already standardized by the glob.
                for url in match.files where seen.insert(url.path).inserted {
                    files.append((url, source))
                }
            }
        }
        let plan = try InputPlanner(catalog: catalog, logger: logger, wallClock: wallClock()).plan(files)
        for input in plan.inputs {
            let file: Logger.Metadata = ["file": "\(input.url.path)"]
            switch input.kind {
            case .new: summary.inputs.new += 1
            case .grown: summary.inputs.grown += 1
            case .unchanged: summary.inputs.unchanged += 1
            case .copy: summary.inputs.copies += 1
            case .waiting: summary.inputs.waiting.append(input.url.path)
            case .rewritten:
                summary.inputs.rewritten.append(input.url.path)
                logger.warning("a log was changed before the end of what was read; it is read again", metadata: file)
            case .unreadable:
                summary.inputs.unreadable.append(input.url.path)
                logger.warning(
                    "a log cannot be read now; it is tried again next run",
                    metadata: file.merging(["error": "\(input.problem ?? "")"]) { a, _ in a })
            }
        }
        for log in plan.vanished {
            summary.inputs.vanished.append(log)
            logger.warning(
                "a log vanished before it was seen rotated; what was written to it after the last run is not archived",
                metadata: ["file": "\(log.path)", "lines.read": "\(log.linesRead)"])
        }
        return plan
    }

    /// Reads the planned inputs, writes their records as segments and commits segments and what was read of each
    /// log in one catalog transaction; returns the number of lines read.
    ///
    /// Segments are written in the background while reading goes on; the id digests of those written wait in a
    /// spill file for the commit, so memory does not grow with the input.
    func ingest(_ plan: inout InputPlanner.Plan) async throws -> Int {
        let work = plan.inputs.indices.filter { plan.inputs[$0].isRead }
        guard !work.isEmpty else {
            let updates = logUpdates(plan)
            if !updates.isEmpty { try catalog.save(logs: updates) }
            return 0
        }
        try FileManager.default.createDirectory(at: layout.quarantine, withIntermediateDirectories: true)
        archivedDays = try readArchivedDays()
        defer { archivedDays = nil }
        let digestFile = try SpillFile(directory: layout.quarantine)
        var written: [(row: SegmentRow, digestsAt: Int64, digestBytes: Int, kind: IdBlobKind)] = []
        // One segment at a time while reading, beside the ingest budget: two at once let two zstd-9 writers of cold
        // days overlap (17 MiB more peak RSS) and slowed a backfill of small hot days (docs/performance.md).
        let writes = SegmentWriteQueue(memory: 0) { [unowned self] segment in
            written.append(
                (segment.row, try digestFile.append(segment.digests), segment.digests.count, segment.idKind))
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
        var inputs = plan.inputs
        try await writes.writeAll(
            read: { try await read(work, of: &inputs, with: ingestor) },
            finish: {
                try await ingestor.finish()
                try await writeSmallDays(with: writes)
            })
        plan.inputs = inputs
        summary.counts = ingestor.counts
        summary.quarantineFile = ingestor.quarantineFile?.path
        let pending = try RFC3339.jsonEncoder().encode(PendingRunRecord(summary))
        try catalog.commit(
            added: written.map(\.row),
            digests: {
                (try digestFile.read(at: written[$0].digestsAt, count: written[$0].digestBytes), written[$0].kind)
            },
            logs: logUpdates(plan), run: Catalog.PendingRun(id: runId, counts: pending))
        CrashPoint.afterIngestCommit.reach()
        return ingestor.counts.linesRead
    }

    /// Feeds each input of `work` to `ingestor` from where the last run stopped, and records in `inputs` where
    /// reading ended (`log` updated) or that the file vanished.
    private func read(_ work: [Int], of inputs: inout [PlannedInput], with ingestor: Ingestor) async throws {
        let total = work.reduce(Int64(0)) { $0 + inputs[$1].bytesToRead }
        var done: Int64 = 0
        for (n, i) in work.enumerated() {
            if n > 0 { try await ingestor.flushIdle() }
            let input = inputs[i]
            logger.info("reading log", metadata: ["file": "\(input.url.path)", "from.line": "\(input.start.lines)"])
            progress?.show(
                "reading \(n + 1)/\(work.count) logs, \(total > 0 ? done * 100 / total : 100)%: \(input.url.lastPathComponent)"
            )
            done += input.bytesToRead
            let scanner = RecordScanner(fields: input.source.fields, timestampFormat: input.source.timestampFormat)
            let reached: Ingestor.Position
            do {
                reached = try await ingestor.ingest(
                    input.url, scanner: scanner, maxLineBytes: input.source.maxLineBytes, from: input.start,
                    holdUnterminated: input.holdUnterminated, rereadLines: input.rereadLines)
            } catch IngestError.fileNotFound {
                // Gone between planning and reading: what earlier runs committed of it stays committed.
                logger.warning("a log vanished during the run", metadata: ["file": "\(input.url.path)"])
                summary.inputs.vanished.append(
                    VanishedLog(
                        path: input.url.path, bytesRead: input.log?.consumed ?? 0, linesRead: input.log?.lines ?? 0))
                inputs[i].kind = .waiting
                continue
            }
            ingestor.countInput(bytes: input.compressed ? input.size : Int64(reached.offset - input.start.offset))
            summary.inputs.bytesRead += Int64(reached.offset - input.start.offset)
            if let hint = ingestor.hints.last, hint.file == input.url.path {
                summary.hints.append(hint)
                // No record and most lines lack a field: keep the read position, so the run after the mapping is fixed reads it.
                if hint.total { continue }
            }
            inputs[i].log = try readLog(input, reached: reached)
            if input.compressed { inputs[i].contentBytes = Int64(reached.offset) }
        }
        progress?.finish()
    }

    /// The log row of `input` once read up to `reached`; nil when nothing of it was read (a held first line).
    private func readLog(_ input: PlannedInput, reached: Ingestor.Position) throws -> LogRow? {
        let consumed = Int64(reached.offset)
        guard consumed > 0 else { return input.log }
        let length = min(Int64(LogContent.fingerprintWindow), consumed)
        let fingerprint =
            if let known = input.headFingerprint, known.length == length { known.value } else {
                LogContent.fingerprint(try LogContent.head(of: input.url), length: Int(length))
            }
        var log =
            input.log
            ?? LogRow(
                fingerprint: "", fingerprintLength: 0, consumed: 0, lines: 0, sample: "", firstPath: input.url.path,
                lastPath: input.url.path)
        log.fingerprint = fingerprint
        log.fingerprintLength = length
        log.consumed = consumed
        log.lines = Int64(reached.lines)
        // A log cut short while it was read (copytruncate) has no sample: the next run reads it again.
        log.sample = (try? LogContent.sample(of: input.url, upTo: consumed).sample) ?? ""
        log.lastPath = input.url.path
        log.state = .present
        return log
    }

    /// What the catalog learns of its logs this run: logs read, logs seen at a new path or in a new file, logs
    /// gone. Logs seen as they were are left alone, so a run with nothing new writes nothing.
    private func logUpdates(_ plan: InputPlanner.Plan) -> [LogUpdate] {
        var updates = plan.gone.map { LogUpdate(row: $0) }
        let byLog = Dictionary(grouping: plan.inputs.filter { $0.log != nil }) { $0.log!.fingerprint }
        for (_, files) in byLog.sorted(by: { $0.key < $1.key }) {
            guard let reader = files.first(where: { $0.kind != .copy }), var row = reader.log else { continue }
            if reader.kind == .unchanged {
                row.lastPath = reader.url.path
                row.state = .present
            }
            row.rotated = row.rotated || files.contains { $0.rotatedName || $0.url.path != row.firstPath }
            let copies = files.compactMap { file -> LogCopy? in
                let content = file.compressed ? file.contentBytes : file.size
                return content.map { LogCopy(log: 0, size: file.size, mtime: file.mtime, contentBytes: $0) }
            }
            let before = row.id.flatMap { plan.stored[$0] }
            let storedCopies = row.id.flatMap { plan.storedCopies[$0] } ?? []
            let sameCopies = Set(copies.map { "\($0.size)/\($0.mtime)" }).isSubset(
                of: Set(storedCopies.map { "\($0.size)/\($0.mtime)" }))
            if before != row || !sameCopies { updates.append(LogUpdate(row: row, copies: copies)) }
        }
        return updates
    }

    /// Deletes sources whose pipeline says `after_ingest: delete` once every line of them is committed.
    func deleteSources(_ plan: InputPlanner.Plan) throws {
        var updates: [LogUpdate] = []
        for input in plan.inputs where input.source.afterIngest == .delete {
            guard input.kind != .copy, var log = input.log, let content = input.contentBytes ?? plainSize(input),
                log.consumed == content, log.state != .deleted
            else { continue }
            try FileManager.default.removeItem(at: input.url)
            log.state = .deleted
            updates.append(LogUpdate(row: log))
            summary.sourcesDeleted += 1
            logger.info("deleted a source after ingest", metadata: ["file": "\(input.url.path)"])
        }
        if !updates.isEmpty { try catalog.save(logs: updates) }
    }

    /// The size of a plain log now, which is its content.
    private func plainSize(_ input: PlannedInput) -> Int64? {
        guard !input.compressed else { return nil }
        return (try? FileManager.default.attributesOfItem(atPath: input.url.path)[.size] as? NSNumber)?.int64Value
    }
}
