import Testing

@testable import Codecs

/// zlib refusing its parameters at init: the error says so, and the stream is freed exactly once. `scripts/test`
/// runs this suite under AddressSanitizer too, where a second free or a use after free aborts the process.
@Suite struct ZlibInitFailureTests {
    /// Levels zlib itself refuses (it takes -1...9); `FrameCompressor` validates, so only the codec sees them.
    @Test(arguments: [10, -2, 42])
    func deflaterRefusesAnOutOfRangeLevelAndFreesItsStreamOnce(_ level: Int) {
        let error = #expect(throws: CodecError.self) { try ZlibDeflater(level: level) }
        #expect(error == .zlibStreamError(function: "deflateInit2", message: "zlib gave no detail"))
    }

    @Test func inflaterRefusesAnOutOfRangeWindowAndFreesItsStreamOnce() {
        let error = #expect(throws: CodecError.self) { try ZlibInflater(windowBits: 99) }
        #expect(error == .zlibStreamError(function: "inflateInit2", message: "zlib gave no detail"))
    }

    @Test func aDeflaterAfterARefusedOneStillWorks() throws {
        _ = try? ZlibDeflater(level: 42)
        let raw = Array("{\"id\":\"1\"}\n".utf8)
        let member = try raw.withUnsafeBytes { try ZlibDeflater(level: 6).compress($0) }
        #expect(try FrameCodec.decompress(member, codec: .zlib, rawLength: raw.count) == raw)
    }

    /// Each zlib error code (zlib.h: Z_ERRNO -1 ... Z_VERSION_ERROR -6, Z_NEED_DICT 2) and what it is called.
    static let codes: [(Int32, String)] = [
        (-4, "ran out of memory (Z_MEM_ERROR)"), (-2, "Z_STREAM_ERROR"), (-6, "Z_VERSION_ERROR"),
        (-3, "Z_DATA_ERROR"), (2, "Z_NEED_DICT"), (-5, "Z_BUF_ERROR"), (-1, "Z_ERRNO"), (-99, "code -99"),
    ]

    @Test(arguments: codes)
    func eachZlibCodeIsItsOwnErrorAndNamesItself(_ code: (Int32, String)) {
        let error = CodecError(zlibCode: code.0, function: "deflateInit2", message: "detail")
        #expect(error.description.contains(code.1))
        #expect(error.description.hasSuffix("."))
        let others = Self.codes.filter { $0.0 != code.0 }.map {
            CodecError(zlibCode: $0.0, function: "deflateInit2", message: "detail")
        }
        #expect(!others.contains(error))
    }

    /// Only codes about the data blame the data; running out of memory or a refused parameter does not.
    @Test(arguments: [(Int32(-4), false), (-2, false), (-6, false), (-3, true), (2, true)])
    func onlyDataErrorsSayTheDataIsDamaged(_ code: (Int32, Bool)) {
        let error = CodecError(zlibCode: code.0, function: "inflate", message: "invalid block type")
        #expect(error.description.contains("damaged") == code.1)
    }
}
