import ArgumentParser
import Pipeline

@main
struct Msgarchive: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "msgarchive", abstract: "Archive chat message logs into tiered, deduplicated, compressed segments.")
}
