/// Reads single values out of one JSON object's bytes, for the readers of chat exports that build records.
///
/// Off the JSON Lines hot path: each call walks (and validates) the whole object once.
package enum JSONProbe {
    /// Why `bytes` is not exactly one well-formed JSON object in valid UTF-8, or nil when it is.
    package static func problem(_ bytes: UnsafeRawBufferPointer) -> QuarantineDetail? {
        if let bad = UTF8Check.firstInvalidByte(bytes) {
            return QuarantineDetail(.invalidUTF8, "The message is not valid UTF-8 (first bad byte at offset \(bad)).")
        }
        var walker = JSONWalker(bytes: bytes)
        var found = FoundFields()
        do throws(QuarantineDetail) {
            try walker.topLevelObject(paths: [], found: &found)
            return nil
        } catch {
            return error
        }
    }

    /// The string at `field` (a key or a JSON Pointer) of the object `bytes`, unescaped; nil when absent, not a
    /// string, or holding an unpaired surrogate escape.
    package static func string(in bytes: UnsafeRawBufferPointer, at field: String) -> String? {
        RecordScanner.string(in: bytes, at: field)
    }

    /// The raw bytes range (quotes and brackets included) of the value at `field` of the object `bytes`.
    package static func raw(in bytes: UnsafeRawBufferPointer, at field: String) -> Range<Int>? {
        var walker = JSONWalker(bytes: bytes)
        var found = FoundFields()
        guard (try? walker.topLevelObject(paths: [RecordScanner.path(field)], found: &found)) != nil else {
            return nil
        }
        return found[0]?.range
    }
}

extension LogLine {
    /// A line built by a reader other than `LineReader` (a message of a chat export), numbered `number`.
    package init(number: Int, bytes: ArraySlice<UInt8>, fullLength: Int) {
        self.init(
            number: number, bytes: bytes, tooLong: bytes.count < fullLength, fullLength: fullLength, terminated: true,
            endOffset: 0)
    }
}
