import Testing

@testable import Segments

@Suite struct TierTests {
    @Test func tiersOrderByAge() {
        #expect(Tier.hot < .warm && Tier.warm < .cold && Tier.hot < .cold)
        #expect(!(Tier.cold < .hot) && !(Tier.warm < .warm))
        #expect(Tier.allCases.sorted(by: >) == [.cold, .warm, .hot])
    }
}
