import ArchiveAccess
import ArgumentParser
import Foundation
import Ledger
import PipelineConfig

@main
struct Msgarchive: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "msgarchive",
        abstract: "Archive chat message logs into deduplicated, compressed, tiered segments.",
        discussion: """
            Exit codes:
              0   done
              1   failed (the error says why; nothing committed is lost)
              2   usage or configuration error
              3   finished, with work left for the next run (e.g. uploads that kept failing)
              75  another run holds the archive's lock (EX_TEMPFAIL); try again later
            """,
        subcommands: [
            RunCommand.self, CompactCommand.self, ExportCommand.self, InspectCommand.self, VerifyCommand.self,
            ReportCommand.self,
            AuditCommand.self, CatalogCommand.self,
            ValidateCommand.self,
        ])

    /// Parses and runs a command, mapping usage errors to exit 2 as documented (swift-argument-parser's own
    /// default is 64).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

/// Prints a `Codable` value as one line of JSON on stdout.
func printJSON(_ value: some Encodable) throws {
    let encoder = RFC3339.jsonEncoder()
    encoder.outputFormatting = [.sortedKeys]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// `1.2 MiB`-style sizes for people.
func humanBytes(_ bytes: Int64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB"]
    var value = Double(bytes)
    var unit = 0
    while value >= 1024 && unit < units.count - 1 {
        value /= 1024
        unit += 1
    }
    return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
}

/// Writes an error to stderr and exits with `code`.
func fail(_ error: any Error, code: Int32 = 1) -> ExitCode {
    FileHandle.standardError.write(Data("msgarchive: error: \(error)\n".utf8))
    return ExitCode(code)
}
