import Testing

@testable import Dedup

@Suite struct BloomFilterTests {
    @Test func hasNoFalseNegativesAndAboutOnePercentFalsePositives() {
        let members = (0..<100_000).map { IdDigest(id: "member-\($0)") }
        let filter = BloomFilter(members)
        #expect(filter.hashCount == 7)
        #expect(filter.bitCount == 1_000_000)
        #expect(members.allSatisfy { filter.mightContain($0) })
        let probes = 200_000
        let hits = (0..<probes).filter { filter.mightContain(IdDigest(id: "stranger-\($0)")) }.count
        let rate = Double(hits) / Double(probes)
        // Theory for 10 bits and k = 7: 0.82%.
        #expect(rate > 0.004 && rate < 0.015, "false-positive rate \(rate)")
    }

    @Test func roundTripsThroughBytes() throws {
        let filter = BloomFilter((0..<1000).map { IdDigest(id: "\($0)") })
        let bytes = filter.serialized()
        #expect(bytes.count == 24 + filter.bitCount / 8)
        #expect(Array(bytes[0..<4]) == Array("MABF".utf8))
        let back = try BloomFilter(serialized: bytes)
        #expect(back == filter)
        #expect(back.count == 1000)
        #expect(back.mightContain(IdDigest(id: "999")))
    }

    @Test func rejectsDamagedBytes() {
        let bytes = BloomFilter(expectedCount: 10).serialized()
        #expect(throws: DedupError.self) { try BloomFilter(serialized: Array(bytes.dropLast())) }
        #expect(throws: DedupError.self) { try BloomFilter(serialized: [0] + bytes.dropFirst()) }
        #expect(throws: DedupError.self) { try BloomFilter(serialized: []) }
    }
}
