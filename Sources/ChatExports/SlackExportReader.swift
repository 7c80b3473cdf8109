import Foundation
import Ingest
import ZIPFoundation

/// Reads a Slack workspace export, as its `.zip` or as the folder it unpacks to.
///
/// Day files are `<conversation>/<YYYY-MM-DD>.json` (the last two parts of a path, so a folder the ZIP was
/// re-packed under does not matter), each a JSON array of messages; other files (`channels.json`, `users.json`,
/// `canvases.json` ...) hold no messages and are skipped. Each message becomes
/// `{"context":{"format":"slack","conversation":<folder>,"day":<YYYY-MM-DD>,"id":<folder>/<ts>},"message":...}`:
/// Slack's `ts` is unique only within a conversation, so the id joins both, `ts` kept as the exact string.
///
/// A ZIP is read with ZIPFoundation, one entry at a time: an entry is split as it inflates (at most
/// `maxEntryBytes` of it) and its messages are held until they are taken (a day file is KB to MB); a folder's
/// day files are split as they are read, a chunk at a time.
package final class SlackExportReader: ChatExportReader {
    private enum Source {
        case folder([(day: DayFile, url: URL)])
        case zip(Archive, [Entry])
    }

    /// A day file's place in the export.
    struct DayFile {
        var conversation: String
        var day: String
        var entry: String
    }

    package let path: String
    package private(set) var skipped = 0
    private let limits: ExportLimits
    private var source: Source?
    private var nextFile = 0
    private var pending = PendingItems()
    private var open: (file: SplitFile, day: DayFile)?

    /// - Throws: `ChatExportError.unreadable` when `path` is neither a folder nor a readable file.
    package init(path: String, limits: ExportLimits) throws {
        self.path = path
        self.limits = limits
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ChatExportError.unreadable(path: path, cause: CocoaError(.fileNoSuchFile))
        }
        if isDirectory.boolValue {
            source = .folder(try dayFiles(in: URL(fileURLWithPath: path, isDirectory: true)))
            return
        }
        do {
            let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
            source = .zip(archive, archive.filter { $0.type == .file }.sorted { $0.path < $1.path })
        } catch {
            pending.append(
                .failure(
                    nil, 1, .badExport,
                    "The ZIP archive cannot be read (\(error)): it is truncated or not a ZIP file; download the "
                        + "export again."))
        }
    }

    package func next() throws -> ExportItem? {
        while true {
            if let item = pending.next() { return item }
            if let current = open {
                do {
                    if try !current.file.step({ event in take(event, current.day) }) { open = nil }
                } catch let error as JSONArraySplitter.Malformed {
                    pending.append(malformedItem(current.day.entry, current.file.splitter, error))
                    open = nil
                }
                continue
            }
            switch source {
            case .folder(let files):
                guard nextFile < files.count else { return nil }
                let (day, url) = files[nextFile]
                nextFile += 1
                open = (try SplitFile(url, entry: day.entry, shape: .array, limits: limits), day)
            case .zip(let archive, let entries):
                guard nextFile < entries.count else { return nil }
                nextFile += 1
                read(entries[nextFile - 1], of: archive)
            case nil:
                return nil
            }
        }
    }

    /// The day files under `root`, sorted by conversation and day; other files count as skipped.
    private func dayFiles(in root: URL) throws -> [(day: DayFile, url: URL)] {
        let manager = FileManager.default
        let top: [String]
        do {
            top = try manager.contentsOfDirectory(atPath: root.path).sorted()
        } catch {
            throw ChatExportError.unreadable(path: root.path, cause: error)
        }
        var found: [(DayFile, URL)] = []
        for name in top {
            let folder = root.appendingPathComponent(name, isDirectory: true)
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                skipped += 1
                continue
            }
            for file in ((try? manager.contentsOfDirectory(atPath: folder.path)) ?? []).sorted() {
                guard let day = Self.dayFile(conversation: name, file: file) else {
                    skipped += 1
                    continue
                }
                found.append((day, folder.appendingPathComponent(file)))
            }
        }
        return found
    }

    /// The day file `conversation/file`, or nil when `file` is not named `YYYY-MM-DD.json`.
    static func dayFile(conversation: String, file: String) -> DayFile? {
        guard file.hasSuffix(".json"), isDay(file.dropLast(5)) else { return nil }
        return DayFile(conversation: conversation, day: String(file.dropLast(5)), entry: "\(conversation)/\(file)")
    }

    static func isDay(_ text: Substring) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return false }
        return bytes.enumerated().allSatisfy { i, b in i == 4 || i == 7 || (b >= 0x30 && b <= 0x39) }
    }

    /// Queues the messages of one ZIP entry, or the reason it cannot be read.
    private func read(_ entry: Entry, of archive: Archive) {
        let name = entry.path
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        if name.hasPrefix("/") || name.contains("\\") || parts.contains("..") {
            pending.append(
                .failure(
                    name, 1, .unsafePath,
                    "The ZIP entry's path leaves the export's folder; it was not read. The export was altered: "
                        + "download it again."))
            return
        }
        guard parts.count >= 2,
            let day = Self.dayFile(conversation: String(parts[parts.count - 2]), file: String(parts[parts.count - 1]))
        else {
            skipped += 1
            return
        }
        let limit = limits.maxEntryBytes
        if entry.uncompressedSize > UInt64(limit) {
            pending.append(tooLarge(name, "says it inflates to \(entry.uncompressedSize) bytes"))
            return
        }
        var splitter = JSONArraySplitter(shape: .array, maxElementBytes: limits.maxMessageBytes)
        var inflated: Int64 = 0
        do {
            _ = try archive.extract(entry, skipCRC32: false) { data in
                inflated += Int64(data.count)
                if inflated > limit { throw EntryTooLarge() }
                try data.withUnsafeBytes { bytes in try splitter.feed(bytes) { event in take(event, day) } }
            }
            try splitter.finish()
        } catch is EntryTooLarge {
            pending.append(tooLarge(name, "inflates past \(limit) bytes"))
        } catch let error as JSONArraySplitter.Malformed {
            pending.append(malformedItem(name, splitter, error))
        } catch {
            pending.append(
                .failure(
                    name, splitter.elements + 1, .badExport,
                    "The ZIP entry cannot be inflated (\(error)); the \(splitter.elements) messages before the "
                        + "damage were read. Download the export again."))
        }
    }

    private struct EntryTooLarge: Error {}

    private func tooLarge(_ name: String, _ what: String) -> ExportItem {
        .failure(
            name, 1, .entryTooLarge,
            "The ZIP entry \(what), over the limit of \(limits.maxEntryBytes) bytes (a zip bomb?); it was not "
                + "read. Raise --max-entry-bytes if the export is genuine.")
    }

    /// Turns one element of a day file into a record (or a failure).
    private func take(_ event: JSONArraySplitter.Event, _ day: DayFile) {
        guard case .element(let element) = event else { return }
        let message = element.bytes
        if let problem = ArchivedRecord.problem(message, length: element.length, limit: limits.maxMessageBytes) {
            pending.append(
                ExportItem(
                    entry: day.entry, position: element.position,
                    content: .failure(problem, raw: message, length: element.length)))
            return
        }
        guard let ts = message.withUnsafeBytes({ JSONProbe.string(in: $0, at: "ts") }), !ts.isEmpty else {
            pending.append(
                .failure(
                    day.entry, element.position, .missingId,
                    "The message has no string 'ts'; Slack keys messages by it, so it cannot be archived.",
                    raw: message))
            return
        }
        let record = ArchivedRecord.make(
            context: [
                ("format", "slack"), ("conversation", day.conversation), ("day", day.day),
                ("id", "\(day.conversation)/\(ts)"),
            ], message: message)
        pending.append(ExportItem(entry: day.entry, position: element.position, content: .record(record)))
    }
}
