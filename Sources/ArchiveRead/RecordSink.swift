import ChatExports

/// Where `Exporter` hands the records it reads: standard output as JSON Lines, or an export tree.
package protocol RecordSink: AnyObject {
    /// Takes one record (without its newline).
    /// - Throws: when writing fails or the record cannot be placed.
    func write(_ line: ArraySlice<UInt8>) throws
    /// Writes out what is held.
    /// - Throws: when writing fails.
    func flush() throws
}

extension OutputSink: RecordSink {}

extension SlackTreeWriter: RecordSink {
    package func write(_ line: ArraySlice<UInt8>) throws { try add(line) }
    package func flush() throws { try finish() }
}
