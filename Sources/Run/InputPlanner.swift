import Catalog
import Codecs
import FileIO
import Foundation
import Ingest
import Intake
import Logging
import PipelineConfig

/// One file a source glob matched and what the run does with it.
struct PlannedInput {
    enum Kind: String {
        /// A log not seen before: read from its start.
        case new
        /// A known log with content beyond what was read: read from there.
        case grown
        /// A known log with nothing new.
        case unchanged
        /// A known log whose content up to what was read differs: read again from its start.
        case rewritten
        /// Another file holding the same log as one read this run (`app.jsonl.1` beside `app.jsonl.1.gz`).
        case copy
        /// No complete line yet and still being written: left for a later run.
        case waiting
        /// The file cannot be read now (a compressed log cut short while it is being written, or damaged).
        case unreadable
    }

    var url: URL
    var source: SourceConfig
    var kind: Kind
    /// Size as stored and modification time (ns since the epoch).
    var size: Int64
    var mtime: Int64
    /// The first `LogContent.fingerprintWindow` decompressed bytes, until the plan is made.
    var head: [UInt8]
    /// The fingerprint of all of `head`, and its length, kept for a file to be read once its head is dropped:
    /// 20,000 heads held through the run were 78 MiB.
    var headFingerprint: (value: String, length: Int)?
    /// The known log the file holds; nil for a new log.
    var log: LogRow?
    /// Where reading starts (an earlier run's end, in decompressed bytes) and the line count up to there.
    var start: Ingestor.Position
    /// Leave a last line without newline for the next run (the log may still be being written).
    var holdUnterminated: Bool
    /// Lines of a rewritten log read before: duplicates among them are re-reads, not redeliveries.
    var rereadLines = 0
    /// Decompressed bytes the file holds, where known.
    var contentBytes: Int64?
    /// Why an unreadable file cannot be read.
    var problem: String?
    /// The name is another matched file's name plus a suffix: a rotated copy (`app.jsonl.1`, `app.jsonl-2026.gz`).
    var rotatedName = false

    var compressed: Bool { Codec(fileName: url.lastPathComponent) != nil }
    var isRead: Bool { kind == .new || kind == .grown || kind == .rewritten }
    /// Bytes the run will read from the file as stored.
    var bytesToRead: Int64 {
        guard isRead else { return 0 }
        return compressed ? size : size - Int64(start.offset)
    }
}

/// A known log that no file matched this run while its tail may not have been read: no run saw it as a rotated
/// copy (`LogRow.rotated`).
package struct VanishedLog: Sendable, Codable, Equatable {
    /// The path it was last read at.
    package var path: String
    /// Decompressed bytes and lines read of it.
    package var bytesRead: Int64
    package var linesRead: Int64

    enum CodingKeys: String, CodingKey {
        case path
        case bytesRead = "bytes_read"
        case linesRead = "lines_read"
    }
}

/// Decides what a run reads of each source file, knowing logs by their content (`LogContent`): a known
/// fingerprint at any path (renamed, shifted, compressed) is the same log, read on from where it was left; an
/// unknown one is a new log, even at a path seen before.
struct InputPlanner {
    /// A log modified this recently may still be being written: its unterminated last line waits.
    static let settleSeconds: Double = 60

    /// The plan, and the known logs it changes without reading them.
    struct Plan {
        var inputs: [PlannedInput] = []
        /// Known logs no file matched: gone for good (`state` set), some of them reported.
        var gone: [LogRow] = []
        var vanished: [VanishedLog] = []
        /// The logs and files the catalog held when planning, by log id: what the run's updates compare with.
        var stored: [Int64: LogRow] = [:]
        var storedCopies: [Int64: [LogCopy]] = [:]
    }

    let catalog: Catalog
    let logger: Logger
    /// The wall clock, against which a log is judged still.
    let wallClock: Date

    /// Plans `files` (each with its source, in glob order, without repeats).
    /// - Throws: `CatalogError` when the catalog cannot be read.
    func plan(_ files: [(url: URL, source: SourceConfig)]) throws -> Plan {
        let (stored, copies) = try catalog.logs()
        let known = stored + (try migrate(try catalog.legacyInputs()))
        var plan = Plan()
        plan.stored = Dictionary(stored.compactMap { row in row.id.map { ($0, row) } }) { a, _ in a }
        plan.storedCopies = copies
        let index = FingerprintIndex(known)
        var inputs: [PlannedInput] = []
        for (url, source) in files {
            inputs.append(inspect(url, source: source, index: index))
        }
        // Split as strings: URL's path operations cost more than the rest of this loop.
        func split(_ url: URL) -> (directory: Substring, name: String) {
            let path = url.path
            let slash = path.lastIndex(of: "/") ?? path.startIndex
            return (path[..<slash], String(path[path.index(after: slash)...]))
        }
        let names = Dictionary(grouping: files.map { split($0.url) }, by: \.directory).mapValues { Set($0.map(\.name)) }
        for i in inputs.indices {
            let (directory, name) = split(inputs[i].url)
            let siblings = names[directory] ?? []
            // Each shorter start of the name looked up, not each sibling compared: linear in the files.
            inputs[i].rotatedName = name.indices.dropFirst().contains { siblings.contains(String(name[..<$0])) }
        }
        group(&inputs)
        // A known log's file was marked `.grown` by `inspect`: decide what it really is.
        for i in inputs.indices where inputs[i].kind == .grown {
            decide(&inputs[i], copies: inputs[i].log?.id.flatMap { copies[$0] } ?? [])
        }
        for i in inputs.indices {
            if inputs[i].isRead && !inputs[i].head.isEmpty {
                let head = inputs[i].head
                inputs[i].headFingerprint = (LogContent.fingerprint(head, length: head.count), head.count)
            }
            inputs[i].head = []
        }
        plan.inputs = inputs
        let matched = Set(inputs.compactMap { $0.kind == .copy ? nil : $0.log?.fingerprint })
        for var log in known where log.state == .present && !matched.contains(log.fingerprint) {
            if !log.rotated {
                plan.vanished.append(VanishedLog(path: log.lastPath, bytesRead: log.consumed, linesRead: log.lines))
            }
            log.state = .gone
            plan.gone.append(log)
        }
        return plan
    }

    /// What a file is, from its first bytes and the catalog, before grouping: `.new`, `.grown` (a known log, to
    /// be decided), `.waiting` or `.unreadable`.
    private func inspect(_ url: URL, source: SourceConfig, index: FingerprintIndex) -> PlannedInput {
        var info = stat()
        let statOK = stat(url.path, &info) == 0
        let mtime = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        let settling = wallClock.timeIntervalSince1970 - Double(mtime) / 1e9 < Self.settleSeconds
        var input = PlannedInput(
            url: url, source: source, kind: .new, size: Int64(info.st_size), mtime: mtime, head: [], log: nil,
            start: .init(offset: 0, lines: 0), holdUnterminated: settling)
        guard statOK else {
            input.kind = .unreadable
            input.problem = "it could not be examined: \(FileIO.explain(errno))"
            return input
        }
        do {
            input.head = try LogContent.head(of: url)
        } catch {
            input.kind = .unreadable
            input.problem = "\(error)"
            return input
        }
        if let log = index.match(input.head) {
            input.log = log
            input.kind = .grown
        } else if input.head.isEmpty
            || (!input.compressed && settling && input.head.count < LogContent.fingerprintWindow
                && !input.head.contains(0x0A))
        {
            // No complete line yet: nothing to read, and no stable start to know the log by. A head that fills the
            // window is a stable start even without a newline (a first line of a pasted text longer than it).
            input.kind = .waiting
        }
        if input.compressed { input.holdUnterminated = false }
        return input
    }

    /// Gives each log one file to read: files of the same log (the same known log, or new files of which one
    /// starts with the other's whole start) become copies of the one that holds the most, a plain file first.
    /// Readers are looked up by their log and first bytes, so the cost stays linear in the files.
    private func group(_ inputs: inout [PlannedInput]) {
        // Keys taken once: `compressed` parses the name, and a comparison must not copy two inputs.
        let keys = inputs.map { (compressed: $0.compressed, size: $0.size) }
        let order = inputs.indices.filter { inputs[$0].kind == .new || inputs[$0].kind == .grown }.sorted {
            let (a, b) = (keys[$0], keys[$1])
            return a.compressed != b.compressed ? !a.compressed : a.size > b.size
        }
        struct Key: Hashable {
            var fingerprint: String?
            var start: ArraySlice<UInt8>
        }
        // Readers in the order taken, and their places in it by log and the first `keyBytes` of their start;
        // readers with a shorter start (tiny files) are few and compared one by one.
        let keyBytes = 64
        var taken: [Int] = []
        var places: [Key: [Int]] = [:]
        var shortPlaces: [Int] = []
        var readerLogs: Set<String> = []
        for i in order where !inputs[i].head.isEmpty {
            let fingerprint = inputs[i].log?.fingerprint
            let head = inputs[i].head
            let long = head.count >= keyBytes
            // A short start may match any reader; a long one only those sharing its first bytes, or a short one.
            let candidates =
                long
                ? shortPlaces + (places[Key(fingerprint: fingerprint, start: head.prefix(keyBytes))] ?? [])
                : Array(taken.indices)
            let first = candidates.filter { place in
                let r = taken[place]
                return inputs[r].log?.fingerprint == fingerprint && sameStart(inputs[r].head, head)
            }.min()
            if let first {
                inputs[i].kind = .copy
                inputs[i].log = inputs[taken[first]].log
                continue
            }
            if let fingerprint, readerLogs.contains(fingerprint) {
                // Matches a known log's short start but differs from the file holding it: another log.
                inputs[i].log = nil
                inputs[i].kind = .new
            }
            if let kept = inputs[i].log?.fingerprint { readerLogs.insert(kept) }
            if long {
                places[Key(fingerprint: inputs[i].log?.fingerprint, start: head.prefix(keyBytes)), default: []]
                    .append(taken.count)
            } else {
                shortPlaces.append(taken.count)
            }
            taken.append(i)
        }
    }

    /// Whether one start is a prefix of the other: the same log seen at two moments.
    private func sameStart(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        let n = min(a.count, b.count)
        return a[0..<n] == b[0..<n]
    }

    /// Decides a file of a known log: `unchanged`, `grown` from where it was left, or `rewritten`.
    private func decide(_ input: inout PlannedInput, copies: [LogCopy]) {
        guard let log = input.log else { return }
        let untouched = copies.first { $0.size == input.size && $0.mtime == input.mtime }
        if let untouched, untouched.contentBytes <= log.consumed {
            input.kind = .unchanged
            input.contentBytes = untouched.contentBytes
            return
        }
        let probe: (sample: String?, length: Int64)
        do {
            probe = try LogContent.sample(of: input.url, upTo: log.consumed)
        } catch {
            input.kind = .unreadable
            input.problem = "\(error)"
            return
        }
        input.contentBytes = probe.length
        if probe.sample != log.sample {
            input.kind = .rewritten
            input.rereadLines = Int(log.lines)
            input.holdUnterminated = input.holdUnterminated && !input.compressed
            return
        }
        if probe.length == log.consumed {
            input.kind = .unchanged
            return
        }
        input.kind = .grown
        input.start = .init(offset: UInt64(log.consumed), lines: Int(log.lines))
        // Unchanged since the last run but with an unterminated tail: the writer is gone, take the line.
        input.holdUnterminated = input.holdUnterminated && untouched == nil
    }

    /// Known logs of a catalog that tracked inputs by path, fingerprinted from their files as they are now when
    /// those still hold what was read; the rest cannot be told apart any more and are left out.
    private func migrate(_ rows: [InputRow]) throws -> [LogRow] {
        var logs: [LogRow] = []
        for row in rows where row.status != "deleted" {
            let url = URL(fileURLWithPath: row.path)
            guard let migrated = try? migrate(row, url) else { continue }
            logs.append(migrated)
        }
        if !logs.isEmpty {
            logger.info(
                "logs of an earlier catalog version are now known by their content",
                metadata: ["logs": "\(logs.count)"])
        }
        return logs
    }

    private func migrate(_ row: InputRow, _ url: URL) throws -> LogRow? {
        var info = stat()
        guard stat(url.path, &info) == 0, Int64(info.st_size) >= row.consumed else { return nil }
        var consumed = row.consumed
        var sample = row.sample
        if Codec(fileName: url.lastPathComponent) != nil {
            // Earlier versions took the modification time through Foundation's `Date`, rounding it.
            let modified = try FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate] as? Date
            let mtime = modified.map { Int64($0.timeIntervalSince1970 * 1e9) }
            guard Int64(info.st_size) == row.size, mtime == row.mtime else { return nil }
            consumed = try LogContent.sample(of: url, upTo: .max).length
            guard let whole = try LogContent.sample(of: url, upTo: consumed).sample else { return nil }
            sample = whole
        } else {
            guard try LogContent.sample(of: url, upTo: consumed).sample == row.sample else { return nil }
        }
        let head = try LogContent.head(of: url)
        let length = min(Int64(LogContent.fingerprintWindow), consumed)
        return LogRow(
            fingerprint: LogContent.fingerprint(head, length: Int(length)), fingerprintLength: length,
            consumed: consumed, lines: row.lines, sample: sample, firstPath: row.path, lastPath: row.path)
    }
}

/// Known logs by fingerprint, for matching a file's first bytes against every fingerprint length in use.
private struct FingerprintIndex {
    private var logs: [String: LogRow] = [:]
    /// Longest first: the most specific match wins.
    private let lengths: [Int]

    init(_ known: [LogRow]) {
        for log in known { logs[log.fingerprint] = log }
        lengths = Set(known.map { Int($0.fingerprintLength) }).sorted(by: >)
    }

    func match(_ head: [UInt8]) -> LogRow? {
        for length in lengths where length > 0 && length <= head.count {
            if let log = logs[LogContent.fingerprint(head, length: length)] { return log }
        }
        return nil
    }
}
