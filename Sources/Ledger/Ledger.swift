import Crypto
import FileIO
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The hash-chained JSON Lines ledger at `url` (normally `<archive root>/ledger.jsonl`): one entry per run,
/// appended with `O_APPEND` and fsynced. The format and the chain rule are in `docs/ledger.md`.
///
/// The caller serialises appends (the pipeline holds the archive root's run lock).
package struct Ledger: Sendable {
    /// Where the ledger lives.
    package let url: URL

    /// The ledger at `url`; the file is created by the first `append`.
    package init(url: URL) {
        self.url = url
    }

    /// Every complete line, without its newline, oldest first; empty when the file does not exist.
    ///
    /// An incomplete last line (no newline) is left out: see `tornTail()`.
    /// - Throws: `LedgerError.io` when the file exists but cannot be read.
    package func rawLines() throws -> [Data] {
        Self.split(try contents()).lines
    }

    /// The bytes after the last newline, when the file does not end in one (a crash mid-append); nil otherwise.
    /// - Throws: `LedgerError.io` when the file exists but cannot be read.
    package func tornTail() throws -> Data? {
        Self.split(try contents()).torn
    }

    /// Every entry, oldest first.
    /// - Throws: `LedgerError.unreadableLine` naming the first line that is not an entry; `LedgerError.io`.
    package func entries() throws -> [LedgerEntry] {
        try rawLines().enumerated().map { index, line in
            do {
                return try Self.decode(line)
            } catch {
                throw LedgerError.unreadableLine(path: url.path, line: index + 1, reason: "\(error)")
            }
        }
    }

    /// Appends `draft` as the next entry and returns it as written.
    ///
    /// Fills `seq` (last + 1), `prev` (SHA-256 of the last line), `saving_per_month` (before - after) and
    /// `cumulative_saving` (the last entry's, plus its monthly saving accrued from its `now` to this one's), and
    /// truncates the timestamps to the second. With `savings`, the draft's `overhead_bytes` leave out the ledger:
    /// the file's size with the new line in it is added, and the costs follow. The line is written with one `write` on an `O_APPEND` descriptor
    /// and fsynced before this returns.
    /// - Throws: `LedgerError.tornTail` if the file ends in a partial line (nothing is written: see
    ///   `discardTornTail()`), `LedgerError.unreadableLine` if the last line is not an entry, `LedgerError.io`.
    package func append(_ draft: LedgerEntry) throws -> LedgerEntry {
        let (lines, torn) = Self.split(try contents())
        if let torn {
            throw LedgerError.tornTail(path: url.path, line: lines.count + 1, bytes: torn.count)
        }
        var entry = draft
        entry.started = Self.wholeSecond(draft.started)
        entry.finished = Self.wholeSecond(draft.finished)
        entry.now = Self.wholeSecond(draft.now)
        entry.savingPerMonth = entry.costPerMonth.before - entry.costPerMonth.after
        if let last = lines.last {
            let previous: LedgerEntry
            do {
                previous = try Self.decode(last)
            } catch {
                throw LedgerError.unreadableLine(path: url.path, line: lines.count, reason: "\(error)")
            }
            entry.seq = previous.seq + 1
            entry.prev = Self.hash(last)
            entry.cumulativeSaving = Self.cumulativeSaving(after: previous, at: entry.now)
        } else {
            entry.seq = 1
            entry.prev = ""
            entry.cumulativeSaving = .zero
        }
        var line = try Self.encode(entry)
        if let savings = entry.savings {
            let ledgerBytes = Int64(lines.reduce(0) { $0 + $1.count + 1 })
            (entry, line) = try Self.countingItself(entry, savings, ledgerBytes: ledgerBytes)
        }
        line.append(0x0A)
        try appendDurably(line, creating: lines.isEmpty)
        return entry
    }

    /// `entry` with `ledgerBytes` plus its own line added to `savings.overhead_bytes`, priced again, and its line.
    ///
    /// The line's length depends on the figures it carries, so this repeats until the length no longer changes
    /// (once or twice: only a digit more or less moves it).
    private static func countingItself(
        _ entry: LedgerEntry, _ savings: Savings, ledgerBytes: Int64
    ) throws -> (LedgerEntry, Data) {
        var entry = entry
        var length = 0
        var line = Data()
        for _ in 0..<16 {
            var counted = savings
            counted.overheadBytes = savings.overheadBytes + ledgerBytes + Int64(length) + 1
            entry.savings = CostModel.priced(counted)
            line = try encode(entry)
            if line.count == length { break }
            length = line.count
        }
        return (entry, line)
    }

    /// Removes a partial last line left by a crash, saving its bytes to `<ledger>.torn` first; returns them, or
    /// nil when the ledger ends cleanly.
    ///
    /// The torn line is the entry of a run that died while writing it; that run's work is in the catalog, and the
    /// next run's entry describes the storage as it then is, so dropping the fragment loses no storage figure.
    /// - Throws: `LedgerError.io`.
    package func discardTornTail() throws -> Data? {
        let data = try contents()
        let (_, torn) = Self.split(data)
        guard let torn else { return nil }
        let sidecar = url.appendingPathExtension("torn")
        var saved = torn
        saved.append(0x0A)
        try Self.appendAndSync(saved, to: sidecar.path, create: true)
        let descriptor = open(url.path, O_WRONLY)
        guard descriptor >= 0 else { throw LedgerError.io(path: url.path, operation: "open", errno: errno) }
        defer { close(descriptor) }
        guard ftruncate(descriptor, off_t(data.count - torn.count)) == 0 else {
            throw LedgerError.io(path: url.path, operation: "truncate", errno: errno)
        }
        guard fsync(descriptor) == 0 else { throw LedgerError.io(path: url.path, operation: "fsync", errno: errno) }
        return torn
    }

    /// Hex SHA-256 of `line` (its bytes without the newline): what the next entry's `prev` must hold.
    package static func hash(_ line: Data) -> String {
        SHA256.hash(data: line).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// `previous.cumulative_saving` plus `previous.saving_per_month` accrued from `previous.now` to `now`.
    package static func cumulativeSaving(after previous: LedgerEntry, at now: Date) -> Money {
        let seconds =
            Int64(now.timeIntervalSince1970.rounded(.down))
            - Int64(previous.now.timeIntervalSince1970.rounded(.down))
        return previous.cumulativeSaving + previous.savingPerMonth.accrued(overSeconds: seconds)
    }

    /// The JSON of `entry` as a ledger line (sorted keys, RFC 3339 UTC dates, no newline).
    /// - Throws: `LedgerError.encoding`.
    package static func encode(_ entry: LedgerEntry) throws -> Data {
        let encoder = RFC3339.jsonEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return try encoder.encode(entry)
        } catch {
            throw LedgerError.encoding(reason: "\(error)")
        }
    }

    /// The entry a ledger line holds.
    /// - Throws: `DecodingError` when the line is not JSON or lacks a key.
    package static func decode(_ line: Data) throws -> LedgerEntry {
        try RFC3339.jsonDecoder().decode(LedgerEntry.self, from: line)
    }

    private static func wholeSecond(_ date: Date) -> Date {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
    }

    /// Complete lines (newline dropped) and the bytes after the last newline, if any.
    static func split(_ data: Data) -> (lines: [Data], torn: Data?) {
        var lines: [Data] = []
        var start = data.startIndex
        while let newline = data[start...].firstIndex(of: 0x0A) {
            lines.append(Data(data[start..<newline]))
            start = newline + 1
        }
        return (lines, start < data.endIndex ? Data(data[start...]) : nil)
    }

    private func contents() throws -> Data {
        let descriptor = open(url.path, O_RDONLY)
        if descriptor < 0 {
            if errno == ENOENT { return Data() }
            throw LedgerError.io(path: url.path, operation: "open", errno: errno)
        }
        defer { close(descriptor) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count: Int
            do {
                count = try buffer.withUnsafeMutableBytes { raw in
                    try FileIO.readSome(descriptor, into: raw)
                }
            } catch let error as FileIO.Failure {
                throw LedgerError.io(path: url.path, operation: error.operation, errno: error.errno)
            }
            if count == 0 { return data }
            data.append(contentsOf: buffer[0..<count])
        }
    }

    private func appendDurably(_ line: Data, creating: Bool) throws {
        try Self.appendAndSync(line, to: url.path, create: true)
        if creating {
            // A new file's directory entry is durable only once the directory itself is synced.
            let directory = url.deletingLastPathComponent().path
            do {
                try FileIO.syncDirectory(directory)
            } catch {
                throw LedgerError.io(path: directory, operation: error.operation, errno: error.errno)
            }
        }
    }

    private static func appendAndSync(_ bytes: Data, to path: String, create: Bool) throws {
        let descriptor = open(path, O_WRONLY | O_APPEND | (create ? O_CREAT : 0), 0o644)
        guard descriptor >= 0 else { throw LedgerError.io(path: path, operation: "open", errno: errno) }
        defer { close(descriptor) }
        do {
            try bytes.withUnsafeBytes { raw in try FileIO.writeAll(descriptor, raw) }
        } catch let error as FileIO.Failure {
            throw LedgerError.io(path: path, operation: error.operation, errno: error.errno)
        }
        guard fsync(descriptor) == 0 else { throw LedgerError.io(path: path, operation: "fsync", errno: errno) }
    }
}
