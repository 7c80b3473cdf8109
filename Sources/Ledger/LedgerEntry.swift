// SKELETON: helper D replaces this file.
/// One run's line in the ledger.
package struct LedgerEntry: Sendable, Codable, Equatable {}
