import Foundation

extension Msgarchive {
    /// Runs `msgarchive` on a thread of its own and awaits its end, so an in-process server (the `FaultProxy`)
    /// keeps the cooperative threads it needs to answer it while the test waits.
    package static func runDetached(
        _ arguments: [String], environment: [String: String] = [:], in directory: URL? = nil
    ) async throws -> ProcessResult {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try run(arguments, environment: environment, in: directory) })
            }
            thread.start()
        }
    }
}
