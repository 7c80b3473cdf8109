import ArchiveAccess
import ArchiveRead
import ArgumentParser
import Foundation
import PipelineConfig

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Read every segment of an archive, local and cold, and check every checksum.",
        discussion:
            "Exit 0 when every segment reads back intact and matches the catalog; 1 otherwise, with each problem listed."
    )

    @OptionGroup var pipeline: PipelineOptions

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let logger = logging.bootstrap(label: "msgarchive.verify")
        let config = try pipeline.load()
        let problems: [ArchiveVerifier.Problem]
        let count: Int
        do {
            let archive = try Archive(
                config: config, readOnly: true, environment: ProcessInfo.processInfo.environment, logger: logger)
            count = try archive.catalog.segments().count
            problems = try await ArchiveVerifier(archive: archive, logger: logger).verify()
            try await archive.store.shutdown()
        } catch {
            throw fail(error)
        }
        for problem in problems { print("FAIL \(problem)") }
        print("\(count - problems.count) of \(count) segments verified")
        if !problems.isEmpty { throw ExitCode(1) }
    }
}
