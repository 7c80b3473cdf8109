import FileIO
import Foundation
import Ingest

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes archived Slack records back as a Slack export tree: `<conversation>/<YYYY-MM-DD>.json`, each a JSON
/// array of that day file's messages in `ts` order, one message a line.
///
/// Records are grouped by the day file they came from (`context.day`), not by their UTC day, so every file is
/// the one the export had. The messages are held until `finish` (about their archived size): files can only be
/// written once every segment that may hold part of them has been read. Records of other formats are counted
/// in `foreign` and left out. Each file is written under a temporary name, fsynced and renamed, and its folder
/// synced, so a final name never holds a partial file.
package final class SlackTreeWriter {
    private let root: URL
    private var files: [String: [String: [(ts: String, message: [UInt8])]]] = [:]
    /// Records that are not Slack records.
    package private(set) var foreign = 0
    /// Messages written.
    package private(set) var messages = 0

    /// A writer of the tree under `root`, which must be new or empty.
    /// - Throws: `ChatExportError.outputNotEmpty` or `.writeFailed`.
    package init(root: URL) throws {
        self.root = root
        let manager = FileManager.default
        if let existing = try? manager.contentsOfDirectory(atPath: root.path), !existing.isEmpty {
            throw ChatExportError.outputNotEmpty(path: root.path)
        }
        do {
            try manager.createDirectory(at: root, withIntermediateDirectories: true)
        } catch {
            throw ChatExportError.cannotCreate(path: root.path, cause: error)
        }
    }

    /// Takes one archived record.
    /// - Throws: `ChatExportError.unsafeName` for a conversation or day that cannot name a file.
    package func add(_ record: ArraySlice<UInt8>) throws {
        let fields = record.withUnsafeBytes { bytes -> (String, String, String, Range<Int>)? in
            guard JSONProbe.string(in: bytes, at: "/context/format") == "slack",
                let conversation = JSONProbe.string(in: bytes, at: "/context/conversation"),
                let day = JSONProbe.string(in: bytes, at: "/context/day"),
                let ts = JSONProbe.string(in: bytes, at: "/message/ts"),
                let message = JSONProbe.raw(in: bytes, at: "message")
            else { return nil }
            return (conversation, day, ts, message)
        }
        guard let (conversation, day, ts, message) = fields else {
            foreign += 1
            return
        }
        guard Self.isSafe(conversation) else { throw ChatExportError.unsafeName(name: conversation) }
        guard SlackExportReader.isDay(day[...]) else { throw ChatExportError.unsafeName(name: day) }
        let start = record.startIndex
        files[conversation, default: [:]][day, default: []].append(
            (ts, Array(record[(start + message.lowerBound)..<(start + message.upperBound)])))
    }

    /// Writes every day file.
    /// - Throws: `ChatExportError.writeFailed`.
    package func finish() throws {
        for (conversation, days) in files {
            let folder = root.appendingPathComponent(conversation, isDirectory: true)
            if mkdir(folder.path, 0o755) != 0 {
                throw ChatExportError.writeFailed(path: folder.path, operation: "mkdir", errno: errno)
            }
            for (day, entries) in days {
                var out: [UInt8] = [UInt8(ascii: "[")]
                for (i, entry) in entries.sorted(by: { Self.precedes($0.ts, $1.ts) }).enumerated() {
                    out.append(contentsOf: i == 0 ? [0x0A] : [UInt8(ascii: ","), 0x0A])
                    out.append(contentsOf: entry.message)
                }
                out.append(contentsOf: [0x0A, UInt8(ascii: "]"), 0x0A])
                try Self.writeDurably(out, to: folder.appendingPathComponent("\(day).json").path)
                messages += entries.count
            }
            do {
                try FileIO.syncDirectory(folder.path)
            } catch {
                throw ChatExportError.writeFailed(path: folder.path, operation: error.operation, errno: error.errno)
            }
        }
        files = [:]
    }

    /// Writes `bytes` to a temporary name beside `path`, fsyncs it and renames it to `path`.
    private static func writeDurably(_ bytes: [UInt8], to path: String) throws {
        let temporary = "\(path).\(UInt32.random(in: 0...UInt32.max)).tmp"
        func failed(_ operation: String, _ code: Int32) -> ChatExportError {
            unlink(temporary)
            return .writeFailed(path: path, operation: operation, errno: code)
        }
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failed("open", errno) }
        defer { close(fd) }
        // Caught inside: `withUnsafeBytes` would rethrow it untyped, losing the operation and errno.
        let written: FileIO.Failure? = bytes.withUnsafeBytes { buffer in
            do throws(FileIO.Failure) {
                try FileIO.writeAll(fd, buffer)
                return nil
            } catch {
                return error
            }
        }
        if let written { throw failed(written.operation, written.errno) }
        guard fsync(fd) == 0 else { throw failed("fsync", errno) }
        guard rename(temporary, path) == 0 else { throw failed("rename", errno) }
    }

    /// A name that is one path component: not empty, `.` or `..`, no `/` and no NUL.
    static func isSafe(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.contains("/") && !name.contains("\0")
    }

    /// Slack `ts` order: compared as decimal numbers, digit by digit, never through `Double`.
    static func precedes(_ a: String, _ b: String) -> Bool {
        let (ai, af) = split(a)
        let (bi, bf) = split(b)
        if ai.count != bi.count { return ai.count < bi.count }
        if ai != bi { return ai < bi }
        let width = max(af.count, bf.count)
        let pa = af + String(repeating: "0", count: width - af.count)
        let pb = bf + String(repeating: "0", count: width - bf.count)
        return pa < pb
    }

    private static func split(_ ts: String) -> (String, String) {
        let parts = ts.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let integer = String(parts[0].drop { $0 == "0" })
        return (integer, parts.count > 1 ? String(parts[1]) : "")
    }
}
