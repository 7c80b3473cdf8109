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
            JSONString.append(key.utf8, to: &out)
            out.append(UInt8(ascii: ":"))
            JSONString.append(value.utf8, to: &out)
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
}
