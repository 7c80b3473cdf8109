import Foundation
import Logging
import Synchronization
import TestSupport
import Testing

@testable import ObjectStore

/// The moto_server the S3 tests talk to, from `MSGARCHIVE_TEST_S3_ENDPOINT`.
enum Moto {
    static let variable = "MSGARCHIVE_TEST_S3_ENDPOINT"
    static let environment = ProcessInfo.processInfo.environment

    /// Run the S3 tests when an endpoint is set, and always on CI (where a missing endpoint must fail, not skip).
    static var shouldRun: Bool { environment[variable] != nil || environment["CI"] != nil }

    /// The endpoint; fails the test with what to do when it is missing.
    static func endpoint() throws -> URL {
        guard let text = environment[variable], let url = URL(string: text) else {
            let message =
                "moto_server is missing: start it ('moto_server -H 127.0.0.1 -p 5123 &') and set "
                + "\(variable)=http://127.0.0.1:5123."
            Issue.record(Comment(rawValue: message))
            throw MissingEndpoint()
        }
        return url
    }

    struct MissingEndpoint: Error {}

    static let credentials = Credentials(accessKeyId: "AKIAMOTOTEST", secretAccessKey: "motoSecretKeyNeverShown123")

    /// A bucket name no other test uses.
    static func uniqueBucket() -> String {
        "msgarchive-test-\(UUID().uuidString.lowercased().prefix(18))"
    }

    /// A store on a fresh bucket (created), shut down after `body`.
    static func withStore<T>(
        endpoint: URL? = nil, bucket: String? = nil, createBucket: Bool = true, logger: Logger = Logger(label: "test"),
        credentials: Credentials = Moto.credentials, configure: (inout S3Configuration) -> Void = { _ in },
        _ body: (S3Store) async throws -> T
    ) async throws -> T {
        var configuration = S3Configuration(
            endpoint: try endpoint ?? Moto.endpoint(), bucket: bucket ?? uniqueBucket(), prefix: "archive",
            retry: RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(1), maxDelay: .milliseconds(10), seed: 7))
        configure(&configuration)
        let store = try S3Store(configuration: configuration, credentials: credentials, logger: logger)
        do {
            if createBucket { try await store.createBucket() }
            let result = try await body(store)
            try await store.shutdown()
            return result
        } catch {
            try? await store.shutdown()
            throw error
        }
    }
}

/// Deterministic bytes for `seed`.
func sampleBytes(_ count: Int, seed: Int) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 13 &+ seed &* 31) }
}

/// Keeps every log line (message and metadata) to check that no secret reaches the logs.
struct CapturingLogHandler: LogHandler {
    let lines: Locked<[String]>
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        lines.withLock { $0.append("\(event.message) \(event.metadata ?? [:]) \(metadata)") }
    }
}

/// A logger at trace level whose lines land in `sink`.
final class LogSink: Sendable {
    let handler = CapturingLogHandler(lines: Locked([]))
    var lines: [String] { handler.lines.withLock { $0 } }
    var logger: Logger {
        let handler = self.handler
        return Logger(label: "capture") { _ in handler }
    }
}
