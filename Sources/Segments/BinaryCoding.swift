/// Appends little-endian integers and length-prefixed strings to a byte buffer.
struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// A UTF-8 string after its byte count as a `u32`.
    mutating func append(_ string: String) {
        let utf8 = string.utf8
        append(UInt32(utf8.count))
        bytes.append(contentsOf: utf8)
    }

    mutating func append(bytes more: [UInt8]) {
        bytes.append(contentsOf: more)
    }
}

/// Reads what `ByteWriter` wrote, with every read bounds-checked.
struct ByteCursor {
    private let bytes: [UInt8]
    private(set) var offset = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Bytes not read yet.
    var remaining: Int { bytes.count - offset }

    /// The next `count` bytes, or an error naming `field` if there are fewer.
    mutating func take(_ count: Int, _ field: String) throws(CursorError) -> ArraySlice<UInt8> {
        guard count >= 0, count <= remaining else { throw CursorError(field: field, offset: offset) }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type, _ field: String) throws(CursorError) -> T {
        let slice = try take(MemoryLayout<T>.size, field)
        var value = T.zero
        withUnsafeMutableBytes(of: &value) { $0.copyBytes(from: slice) }
        return T(littleEndian: value)
    }

    /// A `u32`-length-prefixed string that must be valid UTF-8.
    mutating func readString(_ field: String) throws(CursorError) -> String {
        let count = Int(try read(UInt32.self, field))
        let slice = try take(count, field)
        guard let string = String(validating: slice, as: UTF8.self) else {
            throw CursorError(field: field, offset: offset - count, invalidUTF8: true)
        }
        return string
    }
}

/// A read past the end of a buffer, or a string that is not UTF-8.
struct CursorError: Error, CustomStringConvertible {
    var field: String
    var offset: Int
    var invalidUTF8 = false

    var description: String {
        invalidUTF8 ? "\(field) at byte \(offset) is not valid UTF-8" : "\(field) at byte \(offset) runs past the end"
    }
}
