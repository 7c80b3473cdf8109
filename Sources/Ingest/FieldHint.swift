import Foundation

/// A record field a source maps to a key of its own (`--field NAME=KEY`, `fields.NAME` in a pipeline file).
package enum MappedField: String, Sendable, Codable, CaseIterable {
    case id, conversation, sender, timestamp, body
}

extension FieldNames {
    /// The key (or JSON Pointer) of one field.
    package subscript(field: MappedField) -> String {
        get {
            switch field {
            case .id: id
            case .conversation: conversation
            case .sender: sender
            case .timestamp: timestamp
            case .body: body
            }
        }
        set {
            switch field {
            case .id: id = newValue
            case .conversation: conversation = newValue
            case .sender: sender = newValue
            case .timestamp: timestamp = newValue
            case .body: body = newValue
            }
        }
    }
}

/// Most lines of one log lack a field: the keys those lines have instead, and the mapping that would read them.
package struct FieldHint: Sendable, Codable, Equatable {
    /// The log, its lines, and how many of them lack the field.
    package var file: String
    package var lines: Int
    package var lacking: Int
    package var field: MappedField
    /// The key that was looked for.
    package var key: String
    /// A key (or JSON Pointer) of the lines that reads as the field, and how its value is written.
    package var candidate: String?
    package var candidateFormat: String?
    /// Top-level keys of the first line lacking the field.
    package var keys: [String]
    /// No line of the log was archived (most lack the field, the rest are bad too): the source is misdescribed,
    /// not its data (exit 2).
    package var total: Bool

    /// `app.jsonl: 2,731 of 2,731 lines lack 'timestamp'; they have 'ts' (RFC 3339): use --field timestamp=ts
    /// or fields.timestamp: ts`.
    package var message: String {
        let name = URL(fileURLWithPath: file).lastPathComponent
        let lack = "\(name): \(grouped(lacking)) of \(grouped(lines)) lines lack '\(key)'"
        guard let candidate else {
            let shown = keys.prefix(8).map { "'\($0)'" }.joined(separator: ", ")
            return "\(lack); they have \(keys.isEmpty ? "no keys" : shown): name the key with --field "
                + "\(field.rawValue)=KEY or fields.\(field.rawValue): KEY"
        }
        let format = candidateFormat.map { " (\($0))" } ?? ""
        return "\(lack); they have '\(candidate)'\(format): use --field \(field.rawValue)=\(candidate) or "
            + "fields.\(field.rawValue): \(candidate)"
    }

    /// The hint for a log where `lacking` of `lines` lines lack `field`, from one such line, `sample`.
    package static func make(
        file: String, lines: Int, lacking: Int, field: MappedField, key: String, sample: [UInt8], total: Bool
    ) -> FieldHint {
        let object = (try? JSONSerialization.jsonObject(with: Data(sample))) as? [String: Any] ?? [:]
        let keys = topLevelKeys(sample, object)
        var hint = FieldHint(
            file: file, lines: lines, lacking: lacking, field: field, key: key, candidate: nil, candidateFormat: nil,
            keys: keys, total: total)
        let preferred = field == .id ? idNames : timeNames
        let ordered = preferred.filter(keys.contains) + keys.filter { !preferred.contains($0) }
        let pointers = ordered.flatMap { key -> [String] in
            let escaped = key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
            let nested = (object[key] as? [String: Any]).map { Array($0.keys).sorted() } ?? []
            return [key] + nested.map { "/\(escaped)/\($0.replacingOccurrences(of: "/", with: "~1"))" }
        }
        for pointer in pointers {
            if field == .timestamp, let format = timeFormat(sample, pointer) {
                (hint.candidate, hint.candidateFormat) = (pointer, format)
                break
            }
            if field == .id, looksLikeId(sample, pointer) {
                hint.candidate = pointer
                break
            }
        }
        return hint
    }

    /// Keys in the order the line writes them (JSONSerialization's dictionary has none).
    private static func topLevelKeys(_ sample: [UInt8], _ object: [String: Any]) -> [String] {
        let text = String(decoding: sample, as: UTF8.self)
        return object.keys.sorted {
            (text.range(of: "\"\($0)\"")?.lowerBound ?? text.endIndex)
                < (text.range(of: "\"\($1)\"")?.lowerBound ?? text.endIndex)
        }
    }

    private static let timeNames = [
        "ts", "time", "timestamp", "created_at", "createdAt", "create_at", "origin_server_ts", "date", "datetime",
        "sent_at", "@timestamp", "t",
    ]
    private static let idNames = [
        "_id", "message_id", "msg_id", "messageId", "event_id", "uuid", "guid", "client_msg_id", "id_str", "key",
    ]

    /// How the value at `pointer` is written when it reads as an instant between 2000 and 2100.
    private static func timeFormat(_ sample: [UInt8], _ pointer: String) -> String? {
        let plausible = Int64(946_684_800_000_000)..<Int64(4_102_444_800_000_000)
        let formats: [(TimestampFormat, String)] = [
            (.rfc3339, "RFC 3339"), (.epochSeconds, "epoch seconds"), (.epochMillis, "epoch milliseconds"),
            (.epochMicros, "epoch microseconds"), (.epochNanos, "epoch nanoseconds"),
        ]
        return sample.withUnsafeBytes { line in
            formats.first { format, _ in
                RecordScanner.timestamp(in: line, at: pointer, format: format).map(plausible.contains) == true
            }?.1
        }
    }

    private static func looksLikeId(_ sample: [UInt8], _ pointer: String) -> Bool {
        sample.withUnsafeBytes { RecordScanner.string(in: $0, at: pointer) }.map { !$0.isEmpty } ?? false
    }

    private func grouped(_ n: Int) -> String {
        var digits = String(n)
        var out = ""
        while digits.count > 3 {
            out = "," + digits.suffix(3) + out
            digits.removeLast(3)
        }
        return digits + out
    }
}
