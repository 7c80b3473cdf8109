import Foundation

/// Deterministic pseudo-random bytes (xorshift64*), so a failing matrix case can be rerun exactly.
func randomBytes(_ count: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> [UInt8] {
    var state = seed
    return (0..<count).map { _ in
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return UInt8(truncatingIfNeeded: (state &* 0x2545_F491_4F6C_DD1D) >> 56)
    }
}

/// Compressible bytes that look like a chat log: JSON Lines with repeated keys and some non-ASCII text.
func chatLines(byteCount: Int) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(byteCount + 200)
    var i = 0
    while out.count < byteCount {
        let line =
            #"{"id":"\#(100_000_000_000 + i)","conversation":"c\#(i % 37)","ts":\#(1_714_521_600_000_000 + i),"#
            + #""text":"message \#(i) héllo 👋 \#(i * 7919 % 1000)"}"# + "\n"
        out.append(contentsOf: Array(line.utf8))
        i += 1
    }
    return Array(out.prefix(byteCount))
}
