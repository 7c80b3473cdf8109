import Foundation
import TestSupport
import Testing

/// A chat log written in chunks and rotated by the real `logrotate` between nightly runs, in each of its modes:
/// every distinct message must be archived once and `duplicates.id` must equal the real redeliveries.
@Suite struct LogRotationTests {
    struct Mode: CustomStringConvertible, Sendable {
        var name: String
        /// Directives of the logrotate stanza.
        var directives: [String]
        /// Chunk whose runs are skipped (the rotated copy is deleted before a run reads it), if any.
        var skippedChunk: Int?
        /// A crash point for the run after that chunk's rotation, then a clean run.
        var crash: (chunk: Int, point: String)?
        var description: String { name }
    }

    static let modes = [
        Mode(name: "create", directives: ["rotate 5", "create"]),
        Mode(name: "copytruncate", directives: ["rotate 5", "copytruncate"]),
        Mode(name: "compress+delaycompress", directives: ["rotate 5", "create", "compress", "delaycompress"]),
        // `%s` keeps names unique when rotations come seconds apart.
        Mode(
            name: "dateext+compress",
            directives: ["rotate 5", "create", "compress", "dateext", "dateformat -%Y%m%d-%s"]),
        // logrotate's `compresscmd` with zstd, as issue 13 names it: `.zst` copies read like the others.
        Mode(
            name: "compresscmd zstd",
            directives: [
                "rotate 5", "create", "compress", "delaycompress", "compresscmd /usr/bin/zstd",
                "uncompresscmd /usr/bin/unzstd", "compressoptions -q", "compressext .zst",
            ]),
        Mode(name: "rotate 1, a night skipped", directives: ["rotate 1", "create"], skippedChunk: 3),
        Mode(
            name: "delaycompress, killed reading a rotated copy",
            directives: ["rotate 5", "create", "compress", "delaycompress"], crash: (4, "segment-write")),
    ]

    /// Messages of one chunk of the chat log: `count` new ones, a few redelivered from earlier chunks.
    static func chunk(_ index: Int, count: Int, history: inout [String], rng: inout SplitMix64) -> [String] {
        var lines: [String] = []
        for m in 0..<count {
            let micros = Int64(20_400 + index) * 86_400_000_000 + Int64(m) * 600_000_000
            let line =
                #"{"id":"m-\#(index)-\#(m)-\#(rng.next() % 1_000_000)","conversation":"c-\#(rng.next() % 7)","sender":"u-\#(rng.next() % 40)","timestamp":"\#(rfc3339(micros))","body":"message \#(m) of night \#(index)"}"#
            lines.append(line)
            history.append(line)
            if rng.next() % 100 < 6, let again = history.randomElement(using: &rng) { lines.append(again) }
        }
        return lines
    }

    @Test(arguments: modes)
    func everyMessageIsArchivedOnceWhateverTheRotation(mode: Mode) throws {
        let logrotate = "/usr/sbin/logrotate"
        try #require(FileManager.default.isExecutableFile(atPath: logrotate), "install logrotate (scripts/setup)")
        let tmp = try TemporaryDirectory("msgarchive-logrotate")
        defer { tmp.remove() }
        let logs = tmp.path("logs")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        let app = logs.appendingPathComponent("app.jsonl")
        let conf = tmp.path("logrotate.conf")
        try "\(app.path) {\n\((mode.directives + ["missingok"]).map { "    \($0)" }.joined(separator: "\n"))\n}\n"
            .write(to: conf, atomically: true, encoding: .utf8)
        let pipeline = tmp.path("pipeline.yaml")
        try """
        archive: \(tmp.path("archive").path)
        sources:
          - paths: ["\(logs.path)/app.jsonl*"]
        """.write(to: pipeline, atomically: true, encoding: .utf8)
        var vanished: [[String: Any]] = []
        func run() throws -> [String: Any] {
            let result = try Msgarchive.run(
                ["run", "--pipeline", pipeline.path, "--now", "2026-01-01T00:00:00Z", "--json"])
            #expect(result.status == 0, "\(result.stderr)")
            let summary = (try? JSONSerialization.jsonObject(with: result.stdout) as? [String: Any]) ?? [:]
            vanished += (summary["inputs"] as? [String: Any])?["vanished"] as? [[String: Any]] ?? []
            return summary
        }
        func append(_ lines: [String]) throws {
            // The application opens its log for each write, so after a rotation it writes to the new file.
            let handle = try FileHandle(forWritingTo: app)
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(lines.map { $0 + "\n" }.joined().utf8))
            try handle.close()
        }
        func rotate() throws {
            if mode.directives.contains(where: { $0.hasPrefix("dateext") }) { Thread.sleep(forTimeInterval: 1.1) }
            let result = try runProcess(logrotate, ["-f", "-s", tmp.path("logrotate.state").path, conf.path])
            try #require(result.status == 0, "logrotate: \(result.stderr)")
        }

        var rng = SplitMix64(seed: 11)
        var history: [String] = []
        var written: [String] = []
        /// Lines a run read or could have read: all but those of a copy deleted before any run saw it.
        var readable: [String] = []
        var lostAfterLine = 0
        _ = FileManager.default.createFile(atPath: app.path, contents: nil)
        for index in 0..<8 {
            let lines = Self.chunk(index, count: 120, history: &history, rng: &rng)
            let half = lines.count / 2
            // Skipping the night after chunk `s` and the next one: `rotate 1` deletes chunk s's copy unread.
            let skipBefore = mode.skippedChunk.map { index == $0 + 1 } ?? false
            let skipAfter = mode.skippedChunk.map { index == $0 || index == $0 + 1 } ?? false
            try append(Array(lines[..<half]))
            if !skipBefore { _ = try run() }
            // Written after the run: read from the rotated copy by the next run.
            try append(Array(lines[half...]))
            written += lines
            if index == mode.skippedChunk {
                readable += lines[..<half]
                lostAfterLine = half
            } else {
                readable += lines
            }
            try rotate()
            if let crash = mode.crash, crash.chunk == index {
                let killed = try Msgarchive.run(
                    ["run", "--pipeline", pipeline.path, "--now", "2026-01-01T00:00:00Z"],
                    environment: ["MSGARCHIVE_CRASH_AT": crash.point])
                #expect(killed.status == 9, "the run should have been killed at \(crash.point)")
            }
            if !skipAfter { _ = try run() }
        }
        let last = try run()
        #expect(last["status"] as? String == "nothing_new")
        #expect((last["inputs"] as? [String: Any])?["bytes_read"] as? Int == 0, "a run with nothing new reads nothing")

        let expected = Set(readable)
        let export = try Msgarchive.run(["export", "--pipeline", pipeline.path])
        #expect(export.status == 0, "\(export.stderr)")
        let exported = export.stdoutText.split(separator: "\n").map(String.init)
        #expect(exported.count == Set(exported).count, "no message archived twice")
        #expect(Set(exported) == expected, "every message that reached a run is archived")

        let ledger = try String(contentsOf: tmp.path("archive/ledger.jsonl"), encoding: .utf8)
        let entries = try ledger.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        func sum(_ key: (([String: Any]) -> Int?)) -> Int { entries.reduce(0) { $0 + (key($1) ?? 0) } }
        #expect(sum { $0["lines_read"] as? Int } == readable.count)
        #expect(sum { ($0["duplicates"] as? [String: Any])?["id"] as? Int } == readable.count - expected.count)
        #expect(sum { $0["lines_reread"] as? Int } == 0)
        if mode.skippedChunk == nil {
            #expect(readable.count - expected.count == written.count - Set(written).count)
            #expect(vanished.isEmpty, "no log vanished: \(vanished)")
        } else {
            #expect(vanished.map { $0["path"] as? String } == [app.path], "the deleted copy is reported")
            #expect(vanished.first?["lines_read"] as? Int == lostAfterLine)
        }
        let audit = try Msgarchive.run(["audit", "--pipeline", pipeline.path])
        #expect(audit.status == 0, "\(audit.stdoutText)\(audit.stderr)")
    }
}
