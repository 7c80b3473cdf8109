import ArgumentParser
import Foundation
import PipelineConfig

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate", abstract: "Check a pipeline file and print what it configures.")

    @Argument(help: "Pipeline file (YAML).")
    var file: String

    func run() throws {
        let config = try PipelineOptions.parse(["--pipeline", file]).load()
        print(config.summary())
        print("\(file): valid")
    }
}
