import Foundation

/// Checks a ledger against itself (hash chain, sequence, conservation, money) and against the storage it
/// describes. Every check returns findings; none is an error, and an empty list means everything agrees.
package enum LedgerAudit {
    private static let restore =
        "restore the ledger from the cold store's copy 'ledger/ledger.jsonl' and run "
        + "'msgarchive audit' again"

    /// Reads `ledger` and checks its chain, including a torn last line.
    /// - Throws: `LedgerError.io` when the file cannot be read.
    package static func verify(_ ledger: Ledger) throws -> [LedgerFinding] {
        let lines = try ledger.rawLines()
        var findings = verifyChain(lines: lines)
        if let torn = try ledger.tornTail() {
            findings.append(
                LedgerFinding(
                    kind: .torn, line: lines.count + 1, seq: nil,
                    message: "Line \(lines.count + 1) of the ledger is incomplete (\(torn.count) bytes with no "
                        + "newline): a run stopped while writing its entry. The next run moves it aside to "
                        + "'ledger.jsonl.torn'; nothing else is needed."))
        }
        return findings
    }

    /// Checks complete ledger lines (without newlines): each line's SHA-256 against the next line's `prev`,
    /// `seq` continuity, conservation per entry, `saving_per_month = before - after`, `started <= finished`, and
    /// `cumulative_saving` against the previous entry's accrual. Edited, deleted, inserted and reordered lines
    /// are named by line number and seq.
    ///
    /// An edit to the last line breaks no link; only the figure checks and `compareMirror` can catch it.
    package static func verifyChain(lines: [Data]) -> [LedgerFinding] {
        var chain = Chain(lines: lines)
        chain.checkLinks()
        chain.checkFigures()
        return chain.findings.sorted { ($0.line ?? 0, $0.kind.rawValue) < ($1.line ?? 0, $1.kind.rawValue) }
    }

    /// Compares the last entry's tier figures with the storage as measured by the pipeline.
    package static func compare(last: LedgerEntry, actual: StorageSnapshot) -> [LedgerFinding] {
        var findings: [LedgerFinding] = []
        for tier in LedgerTier.allCases {
            let recorded = last.tiers[tier]
            let measured = actual[tier]
            let pairs: [(String, Int64, Int64)] = [
                ("segments", Int64(recorded.segments), Int64(measured.segments)),
                ("raw_bytes", recorded.rawBytes, measured.rawBytes),
                ("stored_bytes", recorded.storedBytes, measured.storedBytes),
            ]
            for (key, expected, found) in pairs where expected != found {
                findings.append(
                    LedgerFinding(
                        kind: .storage, line: nil, seq: last.seq,
                        message: "Ledger entry \(last.seq) (the last) records tiers.\(tier.rawValue).\(key) = "
                            + "\(expected), but the \(tier.rawValue) tier holds \(found) now; something changed the "
                            + "archive outside msgarchive or a run was lost: run 'msgarchive verify', and "
                            + "'msgarchive catalog rebuild' if the catalog is behind the files."))
            }
        }
        return findings
    }

    /// Compares the local ledger's lines with its copy in the cold store; names the first line that differs and
    /// lines only one of them has. The copy is written after each run, so both should be identical.
    package static func compareMirror(local: [Data], mirror: [Data]) -> [LedgerFinding] {
        var findings: [LedgerFinding] = []
        for (index, (mine, theirs)) in zip(local, mirror).enumerated() where mine != theirs {
            let seq = (try? Ledger.decode(mine))?.seq
            findings.append(
                LedgerFinding(
                    kind: .mirror, line: index + 1, seq: seq,
                    message: "Line \(index + 1)\(seq.map { " (seq \($0))" } ?? "") of the ledger differs from the "
                        + "cold store's copy 'ledger/ledger.jsonl': one of them was changed after it was written; "
                        + "compare the two lines and keep the one whose hash the next line's prev records."))
        }
        if local.count != mirror.count {
            let longer = local.count > mirror.count ? "the local ledger" : "the cold store's copy"
            let first = min(local.count, mirror.count)
            // Name the entries only one side holds: after the last line is deleted, nothing else points at it.
            let extra = (local.count > mirror.count ? local : mirror)[first...]
            let seqs = extra.compactMap { try? Ledger.decode($0).seq }
            let which = seqs.isEmpty ? "" : " (seq \(seqs.map(String.init).joined(separator: ", ")))"
            findings.append(
                LedgerFinding(
                    kind: .mirror, line: first + 1, seq: seqs.first,
                    message: "The local ledger has \(local.count) lines and its cold store copy has "
                        + "\(mirror.count): \(longer) holds lines from line \(first + 1) on\(which) that the other "
                        + "lacks; a run's copy failed or lines were deleted: run again to copy it, or restore the "
                        + "shorter one from the longer."))
        }
        return findings
    }

    /// The state of one chain check: parsed lines, their hashes, and the findings so far.
    private struct Chain {
        let hashes: [String]
        let entries: [LedgerEntry?]
        let firstIndexOfHash: [String: Int]
        var findings: [LedgerFinding] = []
        var inserted = Set<Int>()
        var named = Set<Int>()
        var badSeq = Set<Int>()

        init(lines: [Data]) {
            hashes = lines.map(Ledger.hash)
            var first: [String: Int] = [:]
            for (index, hash) in hashes.enumerated() where first[hash] == nil { first[hash] = index }
            firstIndexOfHash = first
            var parsed: [LedgerEntry?] = []
            for (index, line) in lines.enumerated() {
                do {
                    parsed.append(try Ledger.decode(line))
                } catch {
                    parsed.append(nil)
                    findings.append(
                        LedgerFinding(
                            kind: .unreadable, line: index + 1, seq: nil,
                            message: "Line \(index + 1) of the ledger is not a ledger entry (\(error)); it was "
                                + "damaged or edited: \(restore)."))
                }
            }
            entries = parsed
        }

        private func describe(_ index: Int) -> String {
            "line \(index + 1)" + (entries[index].map { " (seq \($0.seq))" } ?? "")
        }

        /// Lines whose neighbours link past them: the line after one records the hash of the line before it.
        /// A line whose own `prev` points elsewhere in the file was moved, not inserted; an exact copy of an
        /// earlier line is inserted.
        private func isInserted(_ index: Int) -> Bool {
            guard index + 1 < entries.count, let next = entries[index + 1] else { return false }
            if index == 0 { return next.prev.isEmpty && entries[index]?.prev.isEmpty == true }
            guard next.prev == hashes[index - 1], hashes[index] != hashes[index - 1] else { return false }
            if firstIndexOfHash[hashes[index]] != index { return true }
            guard let own = entries[index] else { return true }
            // An empty prev claims the head of the chain: a moved first line, judged by the main pass.
            guard !own.prev.isEmpty else { return false }
            return own.prev == hashes[index - 1] || firstIndexOfHash[own.prev] == nil
        }

        mutating func checkLinks() {
            for index in entries.indices where isInserted(index) {
                inserted.insert(index)
                named.insert(index)
                findings.append(
                    LedgerFinding(
                        kind: .inserted, line: index + 1, seq: entries[index]?.seq,
                        message: "The ledger's \(describe(index)) is not part of the chain: the next line records "
                            + "the hash of the line before it; it was inserted: \(restore)."))
            }
            var predecessor: Int?
            for index in entries.indices where !inserted.contains(index) {
                defer { predecessor = index }
                guard let entry = entries[index] else { continue }
                let expected = predecessor.map { hashes[$0] } ?? ""
                if entry.prev == expected {
                    checkSequence(index, after: predecessor)
                } else if entry.prev.isEmpty {
                    // A line already named as out of order links to this one: it is the other half of a swap.
                    let hash = hashes[index]
                    guard !named.contains(where: { entries[$0]?.prev == hash }) else { continue }
                    named.insert(index)
                    findings.append(
                        LedgerFinding(
                            kind: .inserted, line: index + 1, seq: entry.seq,
                            message: "The ledger's \(describe(index)) starts a new chain (empty prev) in the middle "
                                + "of the ledger: it was inserted or the ledger was spliced: \(restore)."))
                } else if let target = firstIndexOfHash[entry.prev] {
                    linkElsewhere(index, to: target, after: predecessor)
                } else {
                    brokenLink(index, after: predecessor)
                }
            }
        }

        private mutating func checkSequence(_ index: Int, after predecessor: Int?) {
            guard let entry = entries[index] else { return }
            let wanted: Int
            if let predecessor {
                guard let previous = entries[predecessor] else { return }
                wanted = previous.seq + 1
            } else {
                wanted = 1
            }
            guard entry.seq != wanted else { return }
            badSeq.insert(index)
            findings.append(
                LedgerFinding(
                    kind: .sequence, line: index + 1, seq: entry.seq,
                    message: "The ledger's \(describe(index)) should have seq \(wanted): its link to the previous "
                        + "line is intact, so its seq was edited: \(restore)."))
        }

        /// `index` records the hash of a line that is not the one before it.
        private mutating func linkElsewhere(_ index: Int, to target: Int, after predecessor: Int?) {
            guard let entry = entries[index] else { return }
            if target > (predecessor ?? -1) {
                named.insert(index)
                findings.append(
                    LedgerFinding(
                        kind: .reordered, line: index + 1, seq: entry.seq,
                        message: "The ledger's \(describe(index)) is out of order: its prev is the hash of "
                            + "\(describe(target)), so it belongs right after that line: \(restore)."))
                return
            }
            let between = (target + 1)...(predecessor ?? target)
            guard !named.contains(target), !between.contains(where: named.contains) else { return }
            for stray in between {
                named.insert(stray)
                findings.append(
                    LedgerFinding(
                        kind: .inserted, line: stray + 1, seq: entries[stray]?.seq,
                        message: "The ledger's \(describe(stray)) is not part of the chain: \(describe(index)) "
                            + "records the hash of \(describe(target)), before it: \(restore)."))
            }
        }

        /// `index` records a hash no line has: its predecessor was changed, or lines were deleted before it.
        private mutating func brokenLink(_ index: Int, after predecessor: Int?) {
            guard let entry = entries[index] else { return }
            guard let predecessor else {
                if entry.seq > 1 {
                    reportMissing(from: 1, to: entry.seq - 1, before: index)
                } else {
                    named.insert(index)
                    findings.append(
                        LedgerFinding(
                            kind: .edited, line: index + 1, seq: entry.seq,
                            message: "The ledger's first \(describe(index)) records a prev, but the first entry's "
                                + "prev must be empty: it was edited: \(restore)."))
                }
                return
            }
            if let previous = entries[predecessor], entry.seq > previous.seq + 1, !badSeq.contains(predecessor) {
                reportMissing(from: previous.seq + 1, to: entry.seq - 1, before: index)
                return
            }
            named.insert(predecessor)
            findings.append(
                LedgerFinding(
                    kind: .edited, line: predecessor + 1, seq: entries[predecessor]?.seq,
                    message: "The ledger's \(describe(predecessor)) was changed after it was written: its SHA-256 "
                        + "is \(hashes[predecessor]), but the next \(describe(index)) records prev \(entry.prev) "
                        + "(or that prev was edited): \(restore)."))
        }

        private mutating func reportMissing(from first: Int, to last: Int, before index: Int) {
            let which = first == last ? "entry seq \(first) is" : "entries seq \(first)...\(last) are"
            findings.append(
                LedgerFinding(
                    kind: .missing, line: index + 1, seq: first,
                    message: "Ledger \(which) missing before \(describe(index)): the chain breaks there and the seq "
                        + "jumps; lines were deleted: \(restore)."))
        }

        mutating func checkFigures() {
            var previous: LedgerEntry?
            var earlier: [LedgerEntry] = []
            for (index, candidate) in entries.enumerated() where !inserted.contains(index) {
                guard let entry = candidate else {
                    previous = nil
                    continue
                }
                defer {
                    previous = entry
                    earlier.append(entry)
                }
                let subject = describe(index)
                if !entry.conserves {
                    findings.append(
                        LedgerFinding(
                            kind: .conservation, line: index + 1, seq: entry.seq,
                            message: "The ledger's \(subject) does not conserve lines: lines_read \(entry.linesRead) "
                                + "!= records_archived \(entry.recordsArchived) + duplicates \(entry.duplicates.id) "
                                + "(id) + \(entry.duplicates.content) (content) + quarantined \(entry.quarantined) "
                                + "+ lines_reread \(entry.linesReread ?? 0); "
                                + "the entry was edited, or the run miscounted: check that run's log."))
                }
                let saving = entry.costPerMonth.before - entry.costPerMonth.after
                if entry.savingPerMonth != saving {
                    findings.append(
                        LedgerFinding(
                            kind: .figures, line: index + 1, seq: entry.seq,
                            message: "The ledger's \(subject) records saving_per_month \(entry.savingPerMonth), but "
                                + "cost_per_month before - after is \(saving): the entry was edited: \(restore)."))
                }
                if entry.started > entry.finished {
                    findings.append(
                        LedgerFinding(
                            kind: .figures, line: index + 1, seq: entry.seq,
                            message: "The ledger's \(subject) finished before it started: the entry was edited: "
                                + "\(restore)."))
                }
                // After an unreadable line the previous figures are unknown: nothing to add the run's to.
                if previous != nil || earlier.isEmpty {
                    findings += LedgerAudit.savingsFindings(entry, after: earlier, subject: subject, line: index + 1)
                }
                let cumulative = previous.map { Ledger.cumulativeSaving(after: $0, at: entry.now) } ?? .zero
                if entry.cumulativeSaving != cumulative {
                    findings.append(
                        LedgerFinding(
                            kind: .cumulative, line: index + 1, seq: entry.seq,
                            message: "The ledger's \(subject) records cumulative_saving \(entry.cumulativeSaving), but "
                                + "the previous entry's total plus its saving accrued to this entry's now is "
                                + "\(cumulative): one of the two entries was edited: \(restore)."))
                }
            }
        }
    }
}
