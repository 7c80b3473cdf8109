import Foundation
import Ingest

@testable import ChatExports

/// The committed chat exports that `scripts/gen-chat-exports.py` writes.
enum ExportFixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../fixtures/exports").standardizedFileURL

    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Every item of a reader, in order.
    static func items(_ reader: any ChatExportReader) throws -> [ExportItem] {
        var items: [ExportItem] = []
        while let item = try reader.next() { items.append(item) }
        return items
    }

    /// The records among `items`, as text.
    static func records(_ items: [ExportItem]) -> [String] {
        items.compactMap {
            guard case .record(let bytes) = $0.content else { return nil }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// The failures among `items`: entry, position, reason.
    static func failures(_ items: [ExportItem]) -> [(entry: String?, position: Int, reason: QuarantineReason)] {
        items.compactMap {
            guard case .failure(let detail, _, _) = $0.content else { return nil }
            return ($0.entry, $0.position, detail.reason)
        }
    }

    /// The string at `pointer` of a record.
    static func field(_ record: String, _ pointer: String) -> String? {
        Array(record.utf8).withUnsafeBytes { JSONProbe.string(in: $0, at: pointer) }
    }
}
