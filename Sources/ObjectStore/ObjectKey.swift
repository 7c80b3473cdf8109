/// The naming rules every store enforces on keys, so that no key can leave the root or the bucket prefix.
package enum ObjectKey {
    /// The longest key S3 accepts, in UTF-8 bytes.
    package static let maxLength = 1024

    /// Checks `key`: not empty, no leading `/`, no empty, `.` or `..` segment, no NUL, at most 1024 bytes.
    ///
    /// - Throws: `ObjectStoreError.invalidKey` naming the rule broken.
    package static func validate(_ key: String) throws {
        func reject(_ reason: String) -> ObjectStoreError { .invalidKey(key: key, reason: reason) }
        if key.isEmpty { throw reject("it is empty") }
        if key.utf8.count > maxLength { throw reject("it is longer than \(maxLength) bytes") }
        if key.utf8.contains(0) { throw reject("it contains a NUL byte") }
        if key.hasPrefix("/") { throw reject("it starts with '/'") }
        for segment in key.split(separator: "/", omittingEmptySubsequences: false) {
            if segment.isEmpty { throw reject("it has an empty segment ('//' or a trailing '/')") }
            if segment == "." || segment == ".." { throw reject("it has a '\(segment)' segment") }
        }
    }

    /// Checks a listing prefix: like a key, but it may be empty or end in `/`.
    ///
    /// - Throws: `ObjectStoreError.invalidKey` naming the rule broken.
    package static func validatePrefix(_ prefix: String) throws {
        guard !prefix.isEmpty else { return }
        try validate(prefix.hasSuffix("/") ? String(prefix.dropLast()) + "/x" : prefix)
    }

    /// S3's listing order: bytewise on UTF-8.
    static func precedes(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }
}
