import Codecs
import Foundation

// SKELETON: helper C replaces this file.

/// One line of a log.
package struct LogLine {
    /// 1-based line number in the (decompressed) log.
    package var number: Int
    /// The line's bytes without the newline; at most `maxLineBytes` of them when `tooLong`.
    package var bytes: ArraySlice<UInt8>
    /// The line was longer than the limit; `bytes` holds its start, `fullLength` its length.
    package var tooLong: Bool
    package var fullLength: Int
    /// The line ended with a newline (false only for the last line of a log).
    package var terminated: Bool
    /// Offset just past this line (and its newline) in the decompressed stream.
    package var endOffset: UInt64
}

/// Streams the lines of a `.jsonl`, `.jsonl.gz` or `.jsonl.lz4` log with large buffered reads.
package final class LineReader {
    /// Opens `url`; plain logs may start at `offset` (the tail a previous run has not read).
    package init(url: URL, offset: UInt64 = 0, firstLineNumber: Int = 1, maxLineBytes: Int = 1 << 20) throws { fatalError("unimplemented") }
    /// The next line, or nil at the end.
    package func next() throws -> LogLine? { fatalError("unimplemented") }
}
