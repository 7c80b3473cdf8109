import Foundation
import TestSupport
import Testing

@Suite struct InspectCommandTests {
    static let segments = Msgarchive.repositoryRoot().appendingPathComponent("fixtures/segments")

    @Test(arguments: ["chat.jsonl.lz4", "chat.jsonl.gz", "chat.jsonl.zst"])
    func inspectVerifiesAGoldenSegment(name: String) throws {
        let result = try Msgarchive.run(["inspect", Self.segments.appendingPathComponent(name).path, "--verify"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText.contains("records      36"))
        let json = try Msgarchive.run(["inspect", Self.segments.appendingPathComponent(name).path, "--json"])
        let index = try JSONSerialization.jsonObject(with: json.stdout) as? [String: Any]
        #expect((index?["blocks"] as? [Any])?.count == 6)
    }

    @Test func inspectShowsTheDaysOfASegmentOfSeveral() throws {
        let path = Self.segments.appendingPathComponent("several-days.jsonl.zst").path
        let result = try Msgarchive.run(["inspect", path, "--verify"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText.contains("format       version 2"))
        #expect(result.stdoutText.contains("partition    2024-05-01 .. 2024-05-03"))
        let json = try Msgarchive.run(["inspect", path, "--json"])
        let index = try JSONSerialization.jsonObject(with: json.stdout) as? [String: Any]
        #expect(index?["last_partition"] as? String == "2024-05-03")
    }

    @Test func everyDamagedGoldenSegmentIsRejectedNamingIt() throws {
        let damaged = try FileManager.default.contentsOfDirectory(atPath: Self.segments.path)
            .filter { $0.hasPrefix("chat-") }
        #expect(damaged.count >= 9)
        for name in damaged {
            let result = try Msgarchive.run(["inspect", Self.segments.appendingPathComponent(name).path, "--verify"])
            #expect(result.status == 1, "\(name) was accepted")
            #expect(result.stderr.contains(name), "\(name): \(result.stderr)")
        }
    }
}
