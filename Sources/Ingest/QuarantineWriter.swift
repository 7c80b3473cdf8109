import Foundation

// SKELETON: helper C replaces this file.

/// Appends quarantine entries (JSON Lines: file, line, reason, message, raw or raw_base64) to a file.
package final class QuarantineWriter {
    package init(url: URL) throws { fatalError("unimplemented") }
    /// Records one bad line.
    package func append(file: String, line: Int, detail: QuarantineDetail, raw: ArraySlice<UInt8>, fullLength: Int) throws { fatalError("unimplemented") }
    /// Flushes and fsyncs what was appended.
    package func close() throws { fatalError("unimplemented") }
}
