import Ingest

/// Builds and checks the records archived for a container format (`docs/segment-format.md`, "Chat exports").
///
/// A record is `{"context":{"format":"slack","conversation":"general",...,"id":"..."},"message":<JSON>}`:
/// `context` holds what the export keeps outside the message (its folder, day file, channel, parent post) and
/// the id msgarchive dedups on; `message` is the message's own JSON value, whitespace between tokens dropped.
enum ArchivedRecord {
    /// The record for `message` with `context`'s keys in order.
    static func make(context: [(String, String)], message: some Collection<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(message.count + 64 * context.count + 24)
        out.append(contentsOf: #"{"context":{"#.utf8)
        for (i, (key, value)) in context.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            appendString(key, to: &out)
            out.append(UInt8(ascii: ":"))
            appendString(value, to: &out)
        }
        out.append(contentsOf: #"},"message":"#.utf8)
        out.append(contentsOf: message)
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// Why `message` cannot be archived as a message (too long, not a JSON object), or nil.
    static func problem(_ message: [UInt8], length: Int, limit: Int) -> QuarantineDetail? {
        if length > message.count {
            return QuarantineDetail(.tooLong, "The message is \(length) bytes, over the limit of \(limit).")
        }
        guard message.first == UInt8(ascii: "{") else {
            return QuarantineDetail(.notJSONObject, "The message is not a JSON object.")
        }
        return message.withUnsafeBytes { JSONProbe.problem($0) }
    }

    /// Appends `text` as a JSON string.
    static func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
            case ..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: #"\u00"#.utf8)
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0xF)])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
