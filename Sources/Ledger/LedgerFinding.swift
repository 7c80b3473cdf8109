/// One disagreement `audit` found: which line and entry, what disagrees, and what to do about it.
package struct LedgerFinding: Sendable, Equatable, CustomStringConvertible {
    /// What kind of disagreement it is.
    package enum Kind: String, Sendable, Equatable {
        /// The line is not a ledger entry (not JSON, or a key missing).
        case unreadable
        /// The file ends in a partial line.
        case torn
        /// A line's hash does not match the next line's `prev`: one of them was changed.
        case edited
        /// Entries are missing (a `seq` gap where the chain breaks).
        case missing
        /// A line that is not part of the chain sits in it.
        case inserted
        /// Lines of the chain are out of order.
        case reordered
        /// A `seq` is not the previous one plus one, with the chain intact.
        case sequence
        /// Lines read differ from archived + duplicates + quarantined.
        case conservation
        /// `saving_per_month` differs from `before - after`, or the timestamps are inconsistent.
        case figures
        /// `cumulative_saving` differs from the accrual of the previous entry.
        case cumulative
        /// A `savings` figure differs from what its counts, the previous entry and its recorded prices give.
        case savings
        /// The last entry's tier figures differ from the storage as measured.
        case storage
        /// The local ledger differs from its copy in the cold store.
        case mirror
    }

    /// What kind of disagreement it is.
    package var kind: Kind
    /// The 1-based line number in the ledger file the finding is about, when it is about one line.
    package var line: Int?
    /// The `seq` of the entry the finding is about, when known.
    package var seq: Int?
    /// A full sentence naming the entry, what disagrees and what to do.
    package var message: String

    /// A finding of `kind` about `line` / `seq`.
    package init(kind: Kind, line: Int?, seq: Int?, message: String) {
        self.kind = kind
        self.line = line
        self.seq = seq
        self.message = message
    }

    /// The message.
    package var description: String { message }
}
