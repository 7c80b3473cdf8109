import Foundation

/// A deterministic, realistic set of chat logs for round-trip tests: daily files, many conversations,
/// redeliveries within and across files and days, torn lines, non-ASCII text.
package struct LogCorpus {
    /// The log files written, in day order.
    package var files: [URL] = []
    /// Every distinct valid line (one per id), in no particular order.
    package var distinctLines: [String] = []
    /// Lines written in all, redeliveries among them, and torn (invalid) lines.
    package var totalLines = 0
    package var redeliveries = 0
    package var tornLines = 0
    /// The partitions (UTC days) the messages fall in.
    package var partitions: Set<String> = []

    /// Writes `days` daily logs starting at `firstDay` (days since the epoch) into `directory`.
    /// Every `compressEvery`-th day is written as `.jsonl.gz`, the one after as `.jsonl.lz4` and the next as
    /// `.jsonl.zst` (when `compressEvery` is over 3), with the stock CLIs.
    package static func write(
        to directory: URL, firstDay: Int, days: Int, messagesPerDay: Int, conversations: Int, seed: UInt64,
        compressEvery: Int = 0
    ) throws -> LogCorpus {
        var rng = SplitMix64(seed: seed)
        var corpus = LogCorpus()
        var history: [String] = []
        let words = [
            "hello", "ok", "see you", "tomorrow", "lunch?", "café", "naïve", "Grüße", "привет", "日本語のテキスト",
            "👍", "🎉🎉", "meeting at 3", "ship it", "¿qué tal?", "نعم", "לילה טוב", "thanks!", "lol", "on my way",
        ]
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for d in 0..<days {
            let day = firstDay + d
            var lines: [String] = []
            for m in 0..<messagesPerDay {
                let micros =
                    Int64(day) * 86_400_000_000 + Int64(m) * (86_400_000_000 / Int64(messagesPerDay))
                    + Int64(rng.next() % 1_000_000)
                let id = String(format: "%018llu", 100_000_000_000_000_000 + rng.next() % 800_000_000_000_000_000)
                let conversation = "c-\(rng.next() % UInt64(conversations))"
                let sender = "u-\(rng.next() % 500)"
                let body = (0..<(1 + Int(rng.next() % 8))).map { _ in words[Int(rng.next() % UInt64(words.count))] }
                    .joined(separator: " ")
                let line =
                    #"{"id":"\#(id)","conversation":"\#(conversation)","sender":"\#(sender)","timestamp":"\#(rfc3339(micros))","body":"\#(body)"}"#
                corpus.partitions.insert(partition(micros))
                let roll = rng.next() % 100
                if roll < 2 {
                    // A torn write: the line cut short; half the time the writer writes it whole afterwards.
                    let cut = 1 + Int(rng.next() % UInt64(line.utf8.count - 2))
                    lines.append(String(decoding: Array(line.utf8.prefix(cut)), as: UTF8.self))
                    corpus.tornLines += 1
                    if roll == 0 { continue }
                }
                lines.append(line)
                corpus.distinctLines.append(line)
                history.append(line)
                if rng.next() % 100 < 6, let again = history.randomElement(using: &rng) {
                    lines.append(again)
                    corpus.redeliveries += 1
                }
            }
            corpus.totalLines += lines.count
            let name = partition(Int64(day) * 86_400_000_000)
            let plain = directory.appendingPathComponent("\(name).jsonl")
            try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: plain)
            if compressEvery > 0 && d % compressEvery == 1 {
                try run("/usr/bin/gzip", ["-q", "-f", plain.path])
                corpus.files.append(plain.appendingPathExtension("gz"))
            } else if compressEvery > 0 && d % compressEvery == 2 {
                try run("/usr/bin/lz4", ["-q", "-f", "--rm", plain.path, plain.path + ".lz4"])
                corpus.files.append(plain.appendingPathExtension("lz4"))
            } else if compressEvery > 3 && d % compressEvery == 3 {
                try run("/usr/bin/zstd", ["-q", "-f", "--rm", plain.path, "-o", plain.path + ".zst"])
                corpus.files.append(plain.appendingPathExtension("zst"))
            } else {
                corpus.files.append(plain)
            }
        }
        return corpus
    }

    /// The distinct lines, sorted, for comparing with an export.
    package var sortedDistinctLines: [String] { distinctLines.sorted() }
}

/// `YYYY-MM-DD` of a timestamp in µs.
package func partition(_ micros: Int64) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyy-MM-dd"
    return formatter.string(from: Date(timeIntervalSince1970: Double(micros / 1_000_000)))
}

/// RFC 3339 with microseconds.
package func rfc3339(_ micros: Int64) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
    return formatter.string(from: Date(timeIntervalSince1970: Double(micros / 1_000_000)))
        + String(format: ".%06lldZ", micros % 1_000_000)
}

/// A small deterministic generator (SplitMix64), so corpora are the same on every machine.
package struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    package init(seed: UInt64) { state = seed }
    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Runs a program and returns its standard output; throws when it exits non-zero.
@discardableResult
package func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> Data {
    let result = try runProcess(executable, arguments, environment: environment)
    guard result.status == 0 else {
        throw TestFailure("\(executable) \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
    }
    return result.stdout
}

/// What a finished process printed and how it exited.
/// Decodes bytes with a stock CLI (`gzip -dc`, `lz4 -dc`, `zstd -dc`) and returns the lines it prints.
package func stockDecode(_ data: Data, codec: String, scratch: URL) throws -> [String] {
    let file = scratch.appendingPathComponent("object-\(UUID().uuidString)")
    try data.write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    let tool = "/usr/bin/" + (["lz4": "lz4", "zstd": "zstd"][codec] ?? "gzip")
    let output = try run(tool, ["-dc", file.path])
    return String(decoding: output, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        .dropLast().map(String.init)
}

package struct ProcessResult {
    package var status: Int32
    package var stdout: Data
    package var stderr: String
    package var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
}

/// Runs a program to its end, collecting both outputs.
package func runProcess(
    _ executable: String, _ arguments: [String], environment: [String: String]? = nil, currentDirectory: URL? = nil
) throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment {
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
    if let currentDirectory { process.currentDirectoryURL = currentDirectory }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Read both pipes while the process runs, so a large output cannot block it.
    nonisolated(unsafe) var stderrData = Data()
    let reader = Thread { stderrData = err.fileHandleForReading.readDataToEndOfFile() }
    reader.start()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    while !reader.isFinished { usleep(1000) }
    return ProcessResult(
        status: process.terminationStatus, stdout: stdout, stderr: String(decoding: stderrData, as: UTF8.self))
}

/// A failure in a test's set-up.
package struct TestFailure: Error, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}

/// A fresh temporary directory, removed by `remove()`.
package struct TemporaryDirectory {
    package let url: URL
    package init(_ name: String = "msgarchive-test") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    package func remove() { try? FileManager.default.removeItem(at: url) }
    package func path(_ component: String) -> URL { url.appendingPathComponent(component) }
}
