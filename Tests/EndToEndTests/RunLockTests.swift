import Foundation
import TestSupport
import Testing

@Suite struct RunLockTests {
    @Test func aSecondRunExits75NamingTheHolderAndTheLockDiesWithIt() throws {
        let tmp = try TemporaryDirectory("msgarchive-lock")
        defer { tmp.remove() }
        let corpus = try LogCorpus.write(
            to: tmp.path("logs"), firstDay: 20_301, days: 3, messagesPerDay: 50, conversations: 5, seed: 1)
        let pipeline = tmp.path("pipeline.yaml")
        try """
        archive: \(tmp.path("archive").path)
        sources:
          - paths: ["\(tmp.path("logs").path)/*.jsonl"]
        """.write(to: pipeline, atomically: true, encoding: .utf8)
        let arguments = ["run", "--pipeline", pipeline.path, "--now", "2025-08-05"]

        // The first run stops itself right after taking the lock.
        let holder = Process()
        holder.executableURL = Msgarchive.executable
        holder.arguments = arguments
        holder.environment = ProcessInfo.processInfo.environment.merging(["MSGARCHIVE_STOP_AT": "locked"]) { $1 }
        holder.standardOutput = FileHandle.nullDevice
        holder.standardError = FileHandle.nullDevice
        try holder.run()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, !isStopped(holder.processIdentifier) { usleep(20_000) }
        #expect(isStopped(holder.processIdentifier))

        let second = try Msgarchive.run(arguments)
        #expect(second.status == 75)
        #expect(second.stderr.contains("\(holder.processIdentifier)"))

        kill(holder.processIdentifier, SIGKILL)
        holder.waitUntilExit()
        let third = try Msgarchive.run(arguments + ["--json"])
        #expect(third.status == 0, "\(third.stderr)")
        let summary = try JSONSerialization.jsonObject(with: third.stdout) as? [String: Any]
        let counts = summary?["counts"] as? [String: Any]
        #expect(counts?["records_archived"] as? Int == corpus.distinctLines.count)
    }

    private func isStopped(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        return stat[stat.index(close, offsetBy: 2)] == "T"
    }
}
