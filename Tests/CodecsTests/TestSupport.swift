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

/// A fresh directory under the system temporary directory; remove it with `removeItem`.
func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("msgarchive-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Runs a tool with `arguments`, returning its exit status and standard output.
func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: Data) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, output)
}
