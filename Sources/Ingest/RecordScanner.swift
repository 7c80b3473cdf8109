// SKELETON: helper C replaces this file.

/// Finds id, conversation, sender, timestamp and body in one JSON line without decoding the whole object.
package struct RecordScanner: Sendable {
    package init(fields: FieldNames = FieldNames(), timestampFormat: TimestampFormat = .auto) {}
    /// Scans one line (without its newline).
    package func scan(_ line: UnsafeRawBufferPointer) -> Result<ScannedRecord, QuarantineDetail> { fatalError("unimplemented") }
}

/// A quarantine reason with a sentence saying what was wrong.
package struct QuarantineDetail: Error, Sendable, Equatable {
    package var reason: QuarantineReason
    package var message: String
    package init(_ reason: QuarantineReason, _ message: String) {
        self.reason = reason
        self.message = message
    }
}
