#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One JSON value the walker found: its raw byte range and what kind it is.
struct JSONValue {
    enum Kind {
        /// `content` excludes the quotes; `escaped` says whether a backslash occurs in it.
        case string(content: Range<Int>, escaped: Bool)
        case number
        case literal
        case null
        case container

        var isNumber: Bool {
            if case .number = self { return true }
            return false
        }
    }

    var kind: Kind
    /// The raw bytes of the value, quotes and brackets included.
    var range: Range<Int>
}

/// The first top-level values of the five fields, in `RecordScanner` key order; a tuple so no line allocates.
struct FoundFields {
    private var values: (JSONValue?, JSONValue?, JSONValue?, JSONValue?, JSONValue?) = (nil, nil, nil, nil, nil)

    subscript(_ k: Int) -> JSONValue? {
        get {
            switch k {
            case 0: values.0
            case 1: values.1
            case 2: values.2
            case 3: values.3
            default: values.4
            }
        }
        set {
            switch k {
            case 0: values.0 = newValue
            case 1: values.1 = newValue
            case 2: values.2 = newValue
            case 3: values.3 = newValue
            default: values.4 = newValue
            }
        }
    }
}

/// A validating single-pass walker over one line that must hold exactly one JSON object (RFC 8259).
///
/// It checks UTF-8 inside strings as it goes; outside them every byte above ASCII is a syntax error, so a line
/// it walks to the end is valid UTF-8. It reports the first problem it meets, which for a line with invalid UTF-8
/// may be a syntax error before the bad byte: `RecordScanner` names the bad byte instead.
struct JSONWalker {
    let bytes: UnsafeRawBufferPointer
    var index = 0

    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// Walks the whole line; `found[k]` receives the value at `paths[k]`: the first top-level value whose key
    /// is the path's first token, then, for a longer path (a JSON Pointer), the member or element each further
    /// token names inside it.
    mutating func topLevelObject(paths: [[[UInt8]]], found: inout FoundFields) throws(QuarantineDetail) {
        skipWhitespace()
        guard index < bytes.count else {
            throw QuarantineDetail(.notJSONObject, "The line is empty or only whitespace; it is not a JSON object.")
        }
        guard bytes[index] == UInt8(ascii: "{") else {
            throw failure("it does not start with '{'")
        }
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
        } else {
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw failure("expected a key") }
                let (keyRange, keyEscaped) = try string()
                try colon()
                let value = try value(depth: 1)
                for k in paths.indices where found[k] == nil && keyEquals(keyRange, escaped: keyEscaped, paths[k][0]) {
                    found[k] = value
                }
                if try endOfMember(closing: UInt8(ascii: "}")) { break }
            }
        }
        skipWhitespace()
        if index < bytes.count { throw failure("bytes follow the object") }
        for k in paths.indices where paths[k].count > 1 {
            for token in paths[k].dropFirst() {
                found[k] = found[k].flatMap { child(of: $0, token) }
            }
        }
    }

    /// The value under `token` in a container already walked: an object's member of that key, or an array's
    /// element at that decimal index; nil when there is none.
    func child(of container: JSONValue, _ token: [UInt8]) -> JSONValue? {
        guard case .container = container.kind else { return nil }
        var walker = JSONWalker(bytes: bytes)
        walker.index = container.range.lowerBound
        return try? walker.member(token)
    }

    private mutating func member(_ token: [UInt8]) throws(QuarantineDetail) -> JSONValue? {
        let isObject = bytes[index] == UInt8(ascii: "{")
        let closing = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
        let wanted = isObject ? nil : Int(String(decoding: token, as: UTF8.self))
        index += 1
        skipWhitespace()
        if bytes[index] == closing { return nil }
        var position = 0
        while true {
            skipWhitespace()
            var matches = position == wanted
            if isObject {
                let (keyRange, keyEscaped) = try string()
                try colon()
                matches = keyEquals(keyRange, escaped: keyEscaped, token)
            }
            let value = try value(depth: 1)
            if matches { return value }
            position += 1
            if try endOfMember(closing: closing) { return nil }
        }
    }

    private func keyEquals(_ range: Range<Int>, escaped: Bool, _ key: [UInt8]) -> Bool {
        let raw = UnsafeRawBufferPointer(rebasing: bytes[range])
        if escaped { return JSONUnescape.bytes(raw).map { $0 == key } ?? false }
        guard raw.count == key.count else { return false }
        return key.withUnsafeBytes { key in
            guard let a = key.baseAddress, let b = raw.baseAddress else { return true }
            return memcmp(a, b, raw.count) == 0
        }
    }

    private func failure(_ what: String) -> QuarantineDetail {
        let place = index < bytes.count ? "at byte \(index)" : "(the line ends early: torn or cut)"
        return QuarantineDetail(.notJSONObject, "The line is not one JSON object: \(what) \(place).")
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    private mutating func colon() throws(QuarantineDetail) {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw failure("expected ':'") }
        index += 1
        skipWhitespace()
    }

    /// After a member or element: true at the closing bracket, false after a comma.
    private mutating func endOfMember(closing: UInt8) throws(QuarantineDetail) -> Bool {
        skipWhitespace()
        guard index < bytes.count else { throw failure("expected ',' or a closing bracket") }
        let b = bytes[index]
        index += 1
        if b == closing { return true }
        if b == UInt8(ascii: ",") { return false }
        index -= 1
        throw failure("expected ',' or a closing bracket")
    }

    private mutating func value(depth: Int) throws(QuarantineDetail) -> JSONValue {
        guard index < bytes.count else { throw failure("expected a value") }
        let start = index
        switch bytes[index] {
        case UInt8(ascii: "\""):
            let (content, escaped) = try string()
            return JSONValue(kind: .string(content: content, escaped: escaped), range: start..<index)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            try container(depth: depth)
            return JSONValue(kind: .container, range: start..<index)
        case UInt8(ascii: "t"):
            try literal("true")
            return JSONValue(kind: .literal, range: start..<index)
        case UInt8(ascii: "f"):
            try literal("false")
            return JSONValue(kind: .literal, range: start..<index)
        case UInt8(ascii: "n"):
            try literal("null")
            return JSONValue(kind: .null, range: start..<index)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try number()
            return JSONValue(kind: .number, range: start..<index)
        default:
            throw failure("expected a value")
        }
    }

    private mutating func container(depth: Int) throws(QuarantineDetail) {
        guard depth < RecordScanner.maxDepth else {
            throw failure("values nest deeper than \(RecordScanner.maxDepth) levels")
        }
        let isObject = bytes[index] == UInt8(ascii: "{")
        let closing = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == closing {
            index += 1
            return
        }
        while true {
            skipWhitespace()
            if isObject {
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw failure("expected a key") }
                _ = try string()
                try colon()
            }
            _ = try value(depth: depth + 1)
            if try endOfMember(closing: closing) { return }
        }
    }

    /// Parses a string at its opening quote; returns the content range and whether it holds escapes.
    private mutating func string() throws(QuarantineDetail) -> (Range<Int>, Bool) {
        index += 1
        let start = index
        var escaped = false
        while true {
            // Skip eight plain ASCII bytes at a time; the lowest flagged byte of the mask is the first other one.
            while index + 8 <= bytes.count {
                let mask = Self.specialBytes(bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                if mask != 0 {
                    index += mask.trailingZeroBitCount >> 3
                    break
                }
                index += 8
            }
            guard index < bytes.count else { throw failure("a string is not closed") }
            let b = bytes[index]
            if b == UInt8(ascii: "\"") {
                index += 1
                return (start..<index - 1, escaped)
            } else if b == UInt8(ascii: "\\") {
                escaped = true
                try escape()
            } else if b < 0x20 {
                throw failure("a control character inside a string")
            } else if let length = UTF8Check.sequenceLength(bytes, at: index) {
                index += length
            } else {
                throw failure("invalid UTF-8 inside a string")
            }
        }
    }

    /// High bit set in each byte of `x` (little-endian) that may be '"', '\\', below 0x20 or above ASCII; exact up
    /// to and including the first such byte (the classic "has zero byte" trick; borrows only spill upwards).
    @inline(__always)
    private static func specialBytes(_ x: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quote = x ^ (ones &* 0x22)
        let backslash = x ^ (ones &* 0x5C)
        let zeroQuote = (quote &- ones) & ~quote
        let zeroBackslash = (backslash &- ones) & ~backslash
        let control = (x &- ones &* 0x20) & ~x
        return (zeroQuote | zeroBackslash | control | x) & highs
    }

    private mutating func escape() throws(QuarantineDetail) {
        guard index + 1 < bytes.count else { throw failure("a string is not closed") }
        switch bytes[index + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            index += 2
        case UInt8(ascii: "u"):
            guard index + 6 <= bytes.count else { throw failure("a \\u escape is cut short") }
            for k in index + 2..<index + 6 where JSONUnescape.hexValue(bytes[k]) == nil {
                throw failure("a \\u escape has a non-hex digit")
            }
            index += 6
        default:
            throw failure("an unknown escape")
        }
    }

    private mutating func literal(_ word: StaticString) throws(QuarantineDetail) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw failure("an unknown literal") }
        for k in 0..<count where bytes[index + k] != word.utf8Start[k] {
            throw failure("an unknown literal")
        }
        index += count
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    private mutating func number() throws(QuarantineDetail) {
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw failure("a number has no digits") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            skipDigits()
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw failure("a number's fraction is empty") }
            skipDigits()
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard index < bytes.count, isDigit(bytes[index]) else { throw failure("a number's exponent is empty") }
            skipDigits()
        }
    }

    private mutating func skipDigits() {
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
    }

    private func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }
}
