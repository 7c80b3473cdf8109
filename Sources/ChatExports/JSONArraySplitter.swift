/// Splits the elements out of a JSON array as its bytes arrive, handing each element on as its own bytes with
/// the whitespace between tokens dropped (nothing inside strings changes, key order stays).
///
/// The array is the whole document (`.array`: a Slack day file) or the value of one key of a top-level object
/// (`.member("messages")`: a DiscordChatExporter file), whose other members are handed on whole as they end.
/// Memory holds one element at a time, at most `maxElementBytes` of it: a longer one is counted to its end and
/// handed on cut, flagged, so the caller can quarantine it. Only the structure is checked here (brackets match,
/// strings close, one document); the caller validates each element as JSON.
package struct JSONArraySplitter {
    /// Where the array is.
    package enum Shape: Sendable, Equatable {
        /// The document is the array.
        case array
        /// The document is an object; the array is the value of this top-level key.
        case member(String)
    }

    /// One element of the array.
    package struct Element {
        /// Its bytes, whitespace between tokens dropped; only the first `maxElementBytes` when `length` is more.
        package var bytes: [UInt8]
        /// Its length with the whitespace dropped, even when `bytes` was cut.
        package var length: Int
        /// Its 1-based position in the array.
        package var position: Int
    }

    /// What `feed` found.
    package enum Event {
        case element(Element)
        /// A top-level member other than the array's (`.member` shape only), whitespace dropped; nil when it was
        /// longer than `maxElementBytes`.
        case member(key: String, value: [UInt8]?)
    }

    /// The document's structure is broken at byte `offset`.
    package struct Malformed: Error, Equatable {
        package var offset: Int
        package var why: String
    }

    /// Nesting deeper than this is refused, so a hostile file of `[[[[...` cannot grow the stack without end
    /// (the record scanner refuses messages nested deeper than 128 anyway).
    static let maxDepth = 160

    private static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
    private static let comma = UInt8(ascii: ","), colon = UInt8(ascii: ":")
    private static let openBrace = UInt8(ascii: "{"), closeBrace = UInt8(ascii: "}")
    private static let openBracket = UInt8(ascii: "["), closeBracket = UInt8(ascii: "]")

    let shape: Shape
    let maxElementBytes: Int
    private let arrayKey: [UInt8]?
    /// Open containers, `{` or `[`.
    private var stack: [UInt8] = []
    private var inString = false
    private var escaped = false
    /// Bytes fed so far, for error offsets.
    private var offset = 0
    /// The stack depth of the target array's elements while inside it.
    private var elementDepth: Int?
    /// At depth 1 of a `.member` document: a key comes next, is being read, or was read.
    private var expectKey = false
    private var inKey = false
    private var key: [UInt8] = []
    /// The element or member value being captured.
    private var capturing = false
    private var capture: [UInt8] = []
    private var captureLength = 0
    private var position = 0
    private var done = false

    /// A splitter for an array at `shape`, keeping at most `maxElementBytes` of an element.
    package init(shape: Shape, maxElementBytes: Int) {
        self.shape = shape
        self.maxElementBytes = maxElementBytes
        if case .member(let key) = shape { arrayKey = Array(key.utf8) } else { arrayKey = nil }
    }

    /// Elements handed on so far.
    package var elements: Int { position }

    /// Takes the next bytes of the document, handing each element (and member) that ends in them to `emit`.
    /// - Throws: `Malformed` when the structure breaks; what came before was handed on.
    package mutating func feed(_ chunk: UnsafeRawBufferPointer, emit: (Event) throws -> Void) throws {
        for b in chunk {
            offset += 1
            if inString {
                if escaped {
                    escaped = false
                } else if b == Self.backslash {
                    escaped = true
                } else if b == Self.quote {
                    inString = false
                    if inKey {
                        inKey = false
                        continue
                    }
                }
                if inKey { key.append(b) } else { append(b) }
                continue
            }
            switch b {
            case 0x20, 0x0A, 0x0D, 0x09:
                continue
            case _ where done:
                throw Malformed(offset: offset - 1, why: "bytes follow the end of the document")
            case Self.quote:
                if isTopMember && expectKey {
                    inKey = true
                    key.removeAll(keepingCapacity: true)
                } else {
                    try startValue()
                    append(b)
                }
                inString = true
            case Self.openBrace, Self.openBracket:
                if stack.isEmpty {
                    try openDocument(b)
                    continue
                }
                if isTopMember, arrayKey == key, b == Self.openBracket {
                    stack.append(b)
                    elementDepth = 2
                    continue
                }
                guard stack.count < Self.maxDepth else {
                    throw Malformed(offset: offset - 1, why: "it nests deeper than \(Self.maxDepth) levels")
                }
                try startValue()
                append(b)
                stack.append(b)
            case Self.closeBrace, Self.closeBracket:
                guard let open = stack.last, open == (b == Self.closeBrace ? Self.openBrace : Self.openBracket) else {
                    throw Malformed(offset: offset - 1, why: "'\(Character(Unicode.Scalar(b)))' closes nothing open")
                }
                if stack.count == elementDepth {
                    try endCapture(emit)
                    elementDepth = nil
                } else if isTopMember {
                    if expectKey && !key.isEmpty { throw Malformed(offset: offset - 1, why: "a key has no value") }
                    try endCapture(emit)
                } else {
                    append(b)
                }
                stack.removeLast()
                if stack.isEmpty { done = true }
            case Self.comma:
                if stack.count == elementDepth {
                    guard capturing else { throw Malformed(offset: offset - 1, why: "an array element is missing") }
                    try endCapture(emit)
                } else if isTopMember {
                    try endCapture(emit)
                    expectKey = true
                    key.removeAll(keepingCapacity: true)
                } else {
                    append(b)
                }
            case Self.colon where isTopMember:
                guard expectKey, !key.isEmpty else { throw Malformed(offset: offset - 1, why: "a ':' without a key") }
                expectKey = false
            default:
                try startValue()
                append(b)
            }
        }
    }

    /// Ends the document.
    /// - Throws: `Malformed` when it ended before its array (or object) closed.
    package mutating func finish() throws {
        guard done else {
            let why = stack.isEmpty ? "the document is empty" : "the document ends before its array closes"
            throw Malformed(offset: offset, why: why)
        }
    }

    /// Inside the top-level object of a `.member` document, between its members.
    private var isTopMember: Bool { arrayKey != nil && stack.count == 1 }

    private mutating func openDocument(_ b: UInt8) throws {
        switch shape {
        case .array:
            guard b == Self.openBracket else {
                throw Malformed(offset: offset - 1, why: "the document is not a JSON array")
            }
            elementDepth = 1
        case .member:
            guard b == Self.openBrace else {
                throw Malformed(offset: offset - 1, why: "the document is not a JSON object")
            }
            expectKey = true
        }
        stack.append(b)
    }

    /// Starts capturing when a value begins where elements (or top-level member values) are.
    private mutating func startValue() throws {
        if stack.isEmpty { throw Malformed(offset: offset - 1, why: "the document is not a JSON array or object") }
        guard !capturing, stack.count == elementDepth || isTopMember else { return }
        if isTopMember && expectKey { throw Malformed(offset: offset - 1, why: "a value where a key belongs") }
        capturing = true
        capture.removeAll(keepingCapacity: true)
        captureLength = 0
    }

    private mutating func append(_ b: UInt8) {
        guard capturing else { return }
        captureLength += 1
        if captureLength <= maxElementBytes { capture.append(b) }
    }

    private mutating func endCapture(_ emit: (Event) throws -> Void) throws {
        guard capturing else { return }
        capturing = false
        if stack.count == elementDepth {
            position += 1
            try emit(.element(Element(bytes: capture, length: captureLength, position: position)))
        } else {
            let value = captureLength <= maxElementBytes ? capture : nil
            try emit(.member(key: String(decoding: key, as: UTF8.self), value: value))
        }
    }
}
