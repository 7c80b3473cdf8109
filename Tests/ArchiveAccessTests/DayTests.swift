import Testing

@testable import ArchiveAccess

@Suite struct DayTests {
    @Test(arguments: [
        ("1970-01-01", Int64(0)), ("2000-02-29", Int64(11_016)), ("2026-11-26", Int64(20_783)),
        ("1969-12-31", Int64(-1)), ("2100-03-01", Int64(47_541)),
    ])
    func partitionNamesRoundTrip(name: String, day: Int64) {
        #expect(Day.name(day) == name)
        #expect(Day.number(partition: name) == day)
    }

    @Test func microsBeforeTheEpochFallOnTheDayBefore() {
        #expect(Day.partition(micros: -1) == "1969-12-31")
        #expect(Day.partition(micros: 0) == "1970-01-01")
        #expect(Day.partition(micros: 86_400_000_000 - 1) == "1970-01-01")
    }

    @Test func rejectsNamesThatAreNotDays() {
        #expect(Day.number(partition: "2026-13-01") == nil)
        #expect(Day.number(partition: "../../etc") == nil)
        #expect(Day.number(partition: "20261126") == nil)
    }
}
