import Crypto
import Foundation
import Ingest

/// Reads an `mmctl export` bulk file (JSON Lines, plain or compressed as `LineReader` reads them).
///
/// `post` and `direct_post` lines are messages; each of their `replies` is a message of its own. Other line
/// types (`version`, `team`, `channel`, `user`, `direct_channel`, ...) are counted in `skipped`. The format has
/// no ids, so each message gets a synthetic one (see `syntheticId`). A post becomes
/// `{"context":{"format":"mattermost","type":"post","conversation":<team>/<channel>,"id":<id>},"message":<post>}`,
/// `<post>` being the line's `post` (or `direct_post`) object with its `replies` member taken out; a reply
/// becomes `{"context":{...,"type":"reply",...,"id":<id>,"parent":<post id>},"message":<reply>}`. A direct
/// post's conversation is its sorted `channel_members` joined by `,`.
package final class MattermostExportReader: ChatExportReader {
    package let path: String
    package private(set) var skipped = 0
    private let limits: ExportLimits
    private let reader: LineReader
    private var pending = PendingItems()

    /// - Throws: `IngestError` when the file cannot be opened.
    package init(path: String, limits: ExportLimits) throws {
        self.path = path
        self.limits = limits
        reader = try LineReader(url: URL(fileURLWithPath: path), maxLineBytes: limits.maxMessageBytes)
    }

    package func next() throws -> ExportItem? {
        while true {
            if let item = pending.next() { return item }
            guard let line = try reader.next() else { return nil }
            take(Array(line.bytes), number: line.number, fullLength: line.fullLength)
        }
    }

    /// The synthetic id of a message: hex of the first 16 bytes of the SHA-256 of conversation, user, create_at
    /// (its JSON text) and message text, each followed by a NUL byte.
    static func syntheticId(conversation: String, user: String, createAt: String, message: String) -> String {
        var hasher = SHA256()
        for part in [conversation, user, createAt, message] {
            hasher.update(data: Array(part.utf8) + [0])
        }
        return hasher.finalize().prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    private func take(_ line: [UInt8], number: Int, fullLength: Int) {
        func fail(_ detail: QuarantineDetail) {
            pending.append(
                ExportItem(entry: nil, position: number, content: .failure(detail, raw: line, length: fullLength)))
        }
        func record(_ context: KeyValuePairs<String, String>, _ message: [UInt8]) {
            let context = context.map { ($0.key, $0.value) }
            pending.append(
                ExportItem(
                    entry: nil, position: number,
                    content: .record(
                        ArchivedRecord.make(context: [("format", "mattermost")] + context, message: message))))
        }
        if fullLength > line.count {
            return fail(QuarantineDetail(.tooLong, "The line is \(fullLength) bytes, over the limit of \(line.count)."))
        }
        if let problem = line.withUnsafeBytes({ JSONProbe.problem($0) }) { return fail(problem) }
        let type = line.withUnsafeBytes { JSONProbe.string(in: $0, at: "type") }
        guard let type, type == "post" || type == "direct_post" else {
            skipped += 1
            return
        }
        guard let postRange = line.withUnsafeBytes({ JSONProbe.raw(in: $0, at: type) }),
            line[postRange.lowerBound] == UInt8(ascii: "{")
        else {
            return fail(QuarantineDetail(.notJSONObject, "The '\(type)' line has no '\(type)' object."))
        }
        let post = Array(line[postRange])
        guard let conversation = Self.conversation(post, direct: type == "direct_post") else {
            let what = type == "post" ? "'team' and 'channel'" : "'channel_members'"
            return fail(QuarantineDetail(.missingId, "The \(type) has no \(what), so it has no conversation."))
        }
        let postId = Self.id(of: post, conversation: conversation)
        let replies = post.withUnsafeBytes { JSONProbe.raw(in: $0, at: "replies") }
        let message = replies.map { Self.removing(member: $0, from: post) } ?? post
        record(["type": type, "conversation": conversation, "id": postId], message)
        guard let replies, post[replies.lowerBound] == UInt8(ascii: "[") else { return }
        var splitter = JSONArraySplitter(shape: .array, maxElementBytes: limits.maxMessageBytes)
        post[replies].withUnsafeBytes { bytes in
            // The line is valid JSON (checked above), so its replies array splits without error.
            _ = try? splitter.feed(bytes) { event in
                guard case .element(let reply) = event else { return }
                if let problem = ArchivedRecord.problem(
                    reply.bytes, length: reply.length, limit: limits.maxMessageBytes)
                {
                    return fail(problem)
                }
                let id = Self.id(of: reply.bytes, conversation: conversation)
                record(["type": "reply", "conversation": conversation, "id": id, "parent": postId], reply.bytes)
            }
        }
    }

    /// `team/channel` of a post, or the sorted members of a direct post joined by `,`.
    private static func conversation(_ post: [UInt8], direct: Bool) -> String? {
        post.withUnsafeBytes { bytes -> String? in
            guard direct else {
                guard let team = JSONProbe.string(in: bytes, at: "team"),
                    let channel = JSONProbe.string(in: bytes, at: "channel")
                else { return nil }
                return "\(team)/\(channel)"
            }
            var members: [String] = []
            while let member = JSONProbe.string(in: bytes, at: "/channel_members/\(members.count)") {
                members.append(member)
            }
            return members.isEmpty ? nil : members.sorted().joined(separator: ",")
        }
    }

    private static func id(of message: [UInt8], conversation: String) -> String {
        message.withUnsafeBytes { bytes -> String in
            let createAt = JSONProbe.raw(in: bytes, at: "create_at").map {
                String(decoding: UnsafeRawBufferPointer(rebasing: bytes[$0]), as: UTF8.self)
            }
            return syntheticId(
                conversation: conversation, user: JSONProbe.string(in: bytes, at: "user") ?? "",
                createAt: createAt ?? "", message: JSONProbe.string(in: bytes, at: "message") ?? "")
        }
    }

    /// `object` without the member whose value is at `value`, and without the comma that joined it.
    static func removing(member value: Range<Int>, from object: [UInt8]) -> [UInt8] {
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }
        var start = value.lowerBound - 1
        while isSpace(object[start]) { start -= 1 }
        // `start` is at the ':'; step back over the key's closing quote to its opening quote.
        start -= 1
        while isSpace(object[start]) { start -= 1 }
        start -= 1
        while !(object[start] == UInt8(ascii: "\"") && object[start - 1] != UInt8(ascii: "\\")) { start -= 1 }
        var before = start - 1
        while isSpace(object[before]) { before -= 1 }
        var end = value.upperBound
        if object[before] == UInt8(ascii: ",") {
            start = before
        } else {
            // The first member: take the comma after it instead, if another member follows.
            var after = end
            while isSpace(object[after]) { after += 1 }
            if object[after] == UInt8(ascii: ",") { end = after + 1 }
        }
        return Array(object[..<start]) + Array(object[end...])
    }
}
