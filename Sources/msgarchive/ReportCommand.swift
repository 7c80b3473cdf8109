import ArchiveAccess
import ArchiveRead
import ArgumentParser
import Foundation
import Ledger
import PipelineConfig
import SavingsReport

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Savings over time from the ledger: stored bytes and monthly cost per tier, dedup and compression.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, csv, json, html }

    @OptionGroup var pipeline: PipelineOptions

    @Option(help: "First day to include (YYYY-MM-DD or RFC 3339).")
    var since: String?

    @Option(help: "Last day to include, all of it (YYYY-MM-DD), or the last instant (RFC 3339).")
    var until: String?

    @Option(help: "Group by day, week or month.")
    var by: Report.Period = .day

    @Option(help: "table, csv, json, or html (one self-contained page with a chart).")
    var format: Format = .table

    @Option(help: "Write to this file instead of stdout.")
    var output: String?

    @Option(
        help: ArgumentHelp(
            "Price the archive as it stands at each provider and class this file lists, cheapest first.",
            discussion: "pipelines/prices.example.yaml shows the format; the other options are then ignored.",
            valueName: "prices.yaml"))
    var compare: String?

    func run() throws {
        let config = try pipeline.load()
        let text: String
        do {
            let ledger = Ledger(url: ArchiveLayout(root: config.archive).ledger)
            let entries = try ledger.entries()
            if let compare {
                let list = try PriceList.load(from: URL(fileURLWithPath: compare))
                let bytes = try ledger.rawLines().reduce(Int64(0)) { $0 + Int64($1.count + 1) }
                try emit(PriceComparison(list: list, entries: entries, ledgerBytes: bytes).table())
                return
            }
            let report = Report(
                entries: entries, since: try since.map { try parseTime($0, flag: "--since") },
                until: try until.map(lastInstant), by: by)
            switch format {
            case .table: text = report.table()
            case .csv: text = report.csv()
            case .json: text = report.json()
            case .html: text = report.html()
            }
            try emit(text)
        } catch let error as ValidationError {
            throw error
        } catch {
            throw fail(error)
        }
    }

    /// Writes `text` to `--output` or stdout.
    private func emit(_ text: String) throws {
        if let output {
            try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
        } else {
            // Bytes, not Characters: CSV rows end in "\r\n", one Character that `hasSuffix("\n")` misses.
            print(text, terminator: text.utf8.last == 0x0A ? "" : "\n")
        }
    }

    /// `--until`: a bare day includes all of it; a full timestamp is taken as given, not stretched by a day.
    private func lastInstant(_ text: String) throws -> Date {
        let date = try parseTime(text, flag: "--until")
        return RFC3339.date(from: text) == nil ? date.addingTimeInterval(86_399) : date
    }
}

extension Report.Period: ExpressibleByArgument {}

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Check the ledger's hash chain and figures against the real storage.",
        discussion: """
            Checks every ledger line's hash link, sequence and conservation (lines read = archived + duplicates + \
            quarantined), the cold store's copy of the ledger, and the last entry's bytes per tier against the \
            segment files, the cold store's listing and the catalog. --sample N and --deep also decompress N or \
            all segments and check every checksum. Exit 0 only when everything agrees; 1 lists every disagreement.
            """)

    @OptionGroup var pipeline: PipelineOptions

    @Option(help: "Also decompress and check this many segments, chosen at random.")
    var sample: Int?

    @Flag(help: "Also decompress and check every segment.")
    var deep = false

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if sample != nil && deep { throw ValidationError("Give --sample N or --deep, not both.") }
        if let sample, sample < 1 { throw ValidationError("--sample takes a positive number.") }
    }

    func run() async throws {
        let logger = logging.bootstrap(label: "msgarchive.audit")
        let config = try pipeline.load()
        let problems: [String]
        do {
            let archive = try Archive(
                config: config, readOnly: true, environment: ProcessInfo.processInfo.environment, logger: logger)
            let depth: ArchiveAuditor.Depth = deep ? .deep : sample.map { .sample($0) } ?? .figures
            problems = try await ArchiveAuditor(archive: archive, logger: logger).audit(depth: depth)
            try await archive.store.shutdown()
        } catch {
            throw fail(error)
        }
        for problem in problems { print("FAIL \(problem)") }
        if problems.isEmpty {
            print("audit passed: ledger chain, conservation, cold-store copy and storage figures agree")
        } else {
            print("audit failed: \(problems.count) disagreement\(problems.count == 1 ? "" : "s")")
            throw ExitCode(1)
        }
    }
}
