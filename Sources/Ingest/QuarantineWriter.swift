import FileIO
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Appends quarantine entries (JSON Lines: file, line, reason, message, raw or raw_base64) to a file.
///
/// One object a bad line, keys in this order:
/// `{"file": "<log path>", "line": N, "reason": "<code>", "message": "<sentence>", "length": <bytes>, "raw": "..."}`;
/// for a chat export `"entry": "<path in the ZIP or folder>"` follows `file` when the message came from one, and
/// `line` is the message's 1-based position in its file or entry (the line, for JSON Lines exports).
/// `raw` is the line as a JSON string when it is valid UTF-8, otherwise `raw_base64` holds its bytes in base64.
/// A too-long line keeps only its first bytes: then `"kept": <bytes>` says how many of `length` are there.
/// The file is created (or appended to) only when the first entry comes, so a clean run leaves no file.
package final class QuarantineWriter {
    /// Entries are written out once this many bytes are buffered.
    static let flushThreshold = 1 << 20

    private let path: String
    private var fd: Int32 = -1
    private var buffer: [UInt8] = []

    /// A writer for `url`; nothing is created until `append` is called.
    package init(url: URL) throws {
        path = url.path
    }

    deinit {
        if fd >= 0 { closeDescriptor(fd) }
    }

    /// Records one bad line: `raw` is what the reader kept of it, `fullLength` its length in the log.
    /// - Throws: `IngestError.quarantineWriteFailed`.
    package func append(
        file: String, entry: String? = nil, line: Int, detail: QuarantineDetail, raw: ArraySlice<UInt8>,
        fullLength: Int
    ) throws {
        buffer.append(contentsOf: #"{"file":"#.utf8)
        JSONString.append(file.utf8, to: &buffer)
        if let entry {
            buffer.append(contentsOf: #","entry":"#.utf8)
            JSONString.append(entry.utf8, to: &buffer)
        }
        buffer.append(contentsOf: #","line":\#(line),"reason":"#.utf8)
        JSONString.append(detail.reason.rawValue.utf8, to: &buffer)
        buffer.append(contentsOf: #","message":"#.utf8)
        JSONString.append(detail.message.utf8, to: &buffer)
        buffer.append(contentsOf: #","length":\#(fullLength)"#.utf8)
        if raw.count < fullLength {
            buffer.append(contentsOf: #","kept":\#(raw.count)"#.utf8)
        }
        let valid = raw.withUnsafeBytes { UTF8Check.firstInvalidByte($0) == nil }
        if valid {
            buffer.append(contentsOf: #","raw":"#.utf8)
            JSONString.append(raw, to: &buffer)
        } else {
            buffer.append(contentsOf: #","raw_base64":""#.utf8)
            buffer.append(contentsOf: Data(raw).base64EncodedString().utf8)
            buffer.append(UInt8(ascii: "\""))
        }
        buffer.append(contentsOf: "}\n".utf8)
        if buffer.count >= Self.flushThreshold { try flush() }
    }

    /// Flushes and fsyncs what was appended; a writer that got no entry leaves no file.
    /// - Throws: `IngestError.quarantineWriteFailed`.
    package func close() throws {
        try flush()
        guard fd >= 0 else { return }
        defer {
            closeDescriptor(fd)
            fd = -1
        }
        if fsync(fd) != 0 { throw IngestError.quarantineWriteFailed(path: path, errno: errno) }
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        if fd < 0 {
            fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw IngestError.quarantineWriteFailed(path: path, errno: errno) }
        }
        do {
            try buffer.withUnsafeBytes { bytes in try FileIO.writeAll(fd, bytes) }
        } catch let error as FileIO.Failure {
            throw IngestError.quarantineWriteFailed(path: path, errno: error.errno)
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// `close(2)`, reachable from inside the class whose own `close()` hides it.
private func closeDescriptor(_ fd: Int32) {
    close(fd)
}
