import Foundation
import Testing

@testable import Ledger

@Suite struct LedgerAuditTests {
    /// A ledger of `count` entries and its lines.
    private func lines(_ count: Int) throws -> [Data] {
        let directory = try TemporaryDirectory()
        return try Fixture.ledger(in: directory.url, count: count).rawLines()
    }

    /// `line` with the first digit of the value of `key` changed (5 -> 6, any other digit -> 5).
    private func editDigit(of key: String, in line: Data) throws -> Data {
        var bytes = [UInt8](line)
        let needle = Array("\"\(key)\":".utf8)
        let start = try #require(
            (0...(bytes.count - needle.count)).first { Array(bytes[$0..<$0 + needle.count]) == needle })
        let digit = try #require((start + needle.count..<bytes.count).first { (0x30...0x39).contains(bytes[$0]) })
        bytes[digit] = bytes[digit] == 0x35 ? 0x36 : 0x35
        return Data(bytes)
    }

    @Test func intactLedgerHasNoFindings() throws {
        #expect(LedgerAudit.verifyChain(lines: try lines(5)).isEmpty)
    }

    @Test(arguments: ["lines_read", "input_bytes", "stored_bytes", "run_id", "finished", "before"])
    func namesEachEditedEntry(key: String) throws {
        let original = try lines(4)
        for target in 0..<3 {
            var tampered = original
            tampered[target] = try editDigit(of: key, in: original[target])
            let findings = LedgerAudit.verifyChain(lines: tampered)
            #expect(
                findings.contains { $0.kind == .edited && $0.line == target + 1 && $0.seq == target + 1 },
                "editing \(key) of line \(target + 1): \(findings)")
            #expect(findings.allSatisfy { $0.line == target + 1 || $0.line == target + 2 }, "\(findings)")
        }
    }

    @Test(arguments: ["lines_read", "input_bytes", "stored_bytes", "run_id", "finished", "before"])
    func namesAnEditedLastEntryAgainstTheMirror(key: String) throws {
        let original = try lines(3)
        var tampered = original
        tampered[2] = try editDigit(of: key, in: original[2])
        let findings = LedgerAudit.compareMirror(local: tampered, mirror: original)
        #expect(findings.map(\.line) == [3])
        #expect(findings.first?.seq == 3)
        #expect(findings.first?.description.contains("Line 3 (seq 3)") == true)
    }

    @Test func figureChecksCatchSomeEditsToTheLastEntry() throws {
        var tampered = try lines(3)
        tampered[2] = try editDigit(of: "lines_read", in: tampered[2])
        #expect(LedgerAudit.verifyChain(lines: tampered).map(\.kind) == [.conservation])
        tampered = try lines(3)
        tampered[2] = try editDigit(of: "before", in: tampered[2])
        #expect(LedgerAudit.verifyChain(lines: tampered).map { "\($0.kind)\($0.line ?? 0)" } == ["figures3"])
        tampered = try lines(3)
        tampered[2] = try editDigit(of: "cumulative_saving", in: tampered[2])
        #expect(LedgerAudit.verifyChain(lines: tampered).map { "\($0.kind)\($0.line ?? 0)" } == ["cumulative3"])
        tampered = try lines(3)
        tampered[2] = try editDigit(of: "seq", in: tampered[2])
        #expect(LedgerAudit.verifyChain(lines: tampered).map { "\($0.kind)\($0.line ?? 0)" } == ["sequence3"])
    }

    @Test(arguments: 0..<5)
    func namesADeletedEntry(deleted: Int) throws {
        var tampered = try lines(5)
        tampered.remove(at: deleted)
        let findings = LedgerAudit.verifyChain(lines: tampered)
        if deleted == 4 {
            // Losing the last line breaks no link; the mirror shows it.
            #expect(findings.isEmpty)
            let mirror = LedgerAudit.compareMirror(local: tampered, mirror: try lines(5))
            #expect(mirror.map(\.line) == [5])
            #expect(mirror.map(\.seq) == [5])
            #expect(mirror.first?.description.contains("from line 5 on (seq 5)") == true, "\(mirror)")
        } else {
            let missing = findings.filter { $0.kind == .missing }
            #expect(missing.map(\.seq) == [deleted + 1], "\(findings)")
            #expect(missing.map(\.line) == [deleted + 1])
            #expect(missing.first?.description.contains("entry seq \(deleted + 1) is missing") == true)
        }
    }

    @Test(arguments: 1..<5)
    func namesAnInsertedLine(position: Int) throws {
        let original = try lines(5)
        // A forged entry that even links to the line before it.
        var forged = try Ledger.decode(original[position - 1])
        forged.runID = "forged"
        forged.seq += 1
        forged.prev = Ledger.hash(original[position - 1])
        var tampered = original
        tampered.insert(try Ledger.encode(forged), at: position)
        let findings = LedgerAudit.verifyChain(lines: tampered)
        #expect(findings.filter { $0.kind != .cumulative }.map(\.kind) == [.inserted], "\(findings)")
        #expect(findings.first { $0.kind == .inserted }?.line == position + 1)
    }

    @Test func namesACopiedLineAndARestartedChain() throws {
        let original = try lines(4)
        var tampered = original
        tampered.insert(original[1], at: 3)
        #expect(LedgerAudit.verifyChain(lines: tampered).map { "\($0.kind)\($0.line ?? 0)" } == ["inserted4"])
        tampered = original
        tampered.insert(original[0], at: 0)
        let findings = LedgerAudit.verifyChain(lines: tampered)
        #expect(findings.contains { $0.kind == .inserted && $0.line == 1 }, "\(findings)")
    }

    @Test(arguments: 0..<4)
    func namesSwappedLines(first: Int) throws {
        var tampered = try lines(5)
        tampered.swapAt(first, first + 1)
        let findings = LedgerAudit.verifyChain(lines: tampered)
        let reordered = findings.filter { $0.kind == .reordered }
        #expect(reordered.map(\.line) == [first + 1], "\(findings)")
        #expect(reordered.first?.seq == first + 2)
        #expect(reordered.first?.description.contains("line \(first + 2) (seq \(first + 1))") == true)
        #expect(findings.allSatisfy { [.reordered, .sequence, .cumulative].contains($0.kind) }, "\(findings)")
    }

    @Test func namesABadJSONLine() throws {
        var tampered = try lines(3)
        tampered[1] = tampered[1].prefix(40)
        let findings = LedgerAudit.verifyChain(lines: tampered)
        #expect(findings.contains { $0.kind == .unreadable && $0.line == 2 })
        // The line after it still links to its original hash, so the chain also names line 2.
        #expect(findings.contains { $0.kind == .edited && $0.line == 2 })
    }

    @Test func namesAConservationViolation() throws {
        let directory = try TemporaryDirectory()
        let ledger = Ledger(url: directory.url.appendingPathComponent("ledger.jsonl"))
        _ = try ledger.append(Fixture.draft(0))
        var bad = Fixture.draft(1)
        bad.linesRead += 3
        _ = try ledger.append(bad)
        _ = try ledger.append(Fixture.draft(2))
        let findings = LedgerAudit.verifyChain(lines: try ledger.rawLines())
        #expect(findings.map(\.kind) == [.conservation])
        #expect(findings.first?.seq == 2)
        #expect(findings.first?.line == 2)
        #expect(findings.first?.description.contains("lines_read 1187") == true)
    }

    @Test func comparesTheLastEntryWithTheStorage() throws {
        let directory = try TemporaryDirectory()
        let entries = try Fixture.ledger(in: directory.url, count: 3).entries()
        let last = try #require(entries.last)
        #expect(LedgerAudit.compare(last: last, actual: last.tiers).isEmpty)
        var actual = last.tiers
        actual.cold.storedBytes -= 1
        actual[.hot].segments += 1
        let findings = LedgerAudit.compare(last: last, actual: actual)
        #expect(findings.count == 2)
        #expect(findings.allSatisfy { $0.kind == .storage && $0.seq == 3 })
        #expect(findings.contains { $0.description.contains("tiers.cold.stored_bytes") })
        #expect(findings.contains { $0.description.contains("tiers.hot.segments = 4, but the hot tier holds 5") })
    }
}
