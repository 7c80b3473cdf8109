import AsyncHTTPClient
import Foundation
import NIOCore

/// The moto_server the end-to-end S3 tests talk to, from `MSGARCHIVE_TEST_S3_ENDPOINT` (`scripts/test` starts one).
package enum MotoServer {
    /// The environment variable holding the endpoint, e.g. `http://127.0.0.1:5123`.
    package static let variable = "MSGARCHIVE_TEST_S3_ENDPOINT"

    /// Run the S3 tests when an endpoint is set, and always on CI, where a missing endpoint must fail, not skip.
    package static var shouldRun: Bool {
        let environment = ProcessInfo.processInfo.environment
        return environment[variable] != nil || environment["CI"] != nil
    }

    /// The endpoint.
    /// - Throws: `TestFailure` saying how to start moto when the variable is unset or not a URL.
    package static func endpoint() throws -> URL {
        guard let text = ProcessInfo.processInfo.environment[variable], let url = URL(string: text),
            url.scheme == "http" || url.scheme == "https"
        else {
            throw TestFailure(
                "moto_server is missing: start it ('moto_server -H 127.0.0.1 -p 5123 &') and set "
                    + "\(variable)=http://127.0.0.1:5123, or run scripts/test, which does both.")
        }
        return url
    }

    /// A bucket name no other test uses; `tag` says which test made it.
    package static func uniqueBucket(_ tag: String) -> String {
        "msgarchive-\(tag)-\(UUID().uuidString.lowercased().prefix(13))"
    }

    /// Creates `bucket` with an unsigned PUT, which moto accepts (it checks no signature).
    /// - Throws: `TestFailure` when moto does not answer 200.
    package static func createBucket(_ bucket: String, endpoint: URL) async throws {
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        do {
            var request = HTTPClientRequest(url: endpoint.appendingPathComponent(bucket).absoluteString)
            request.method = .PUT
            let response = try await client.execute(request, timeout: .seconds(30))
            let body = try await response.body.collect(upTo: 1 << 20)
            guard response.status == .ok else {
                throw TestFailure(
                    "Creating bucket '\(bucket)' at \(endpoint) answered \(response.status): "
                        + String(buffer: body))
            }
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }
}

/// The aws CLI, the "other client" that fetches what msgarchive uploaded.
package enum AWSCLI {
    /// Where the CLI is: on `PATH`, or pyenv's shim; nil when it is not installed.
    package static var executable: String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        let candidates = path.split(separator: ":").map { "\($0)/aws" } + ["/root/.pyenv/shims/aws"]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Run the tests that need the CLI when it is installed, and always on CI, where its absence must fail.
    package static var shouldRun: Bool {
        executable != nil || ProcessInfo.processInfo.environment["CI"] != nil
    }

    /// Runs `aws --endpoint-url endpoint arguments...` with throwaway credentials and returns its stdout.
    /// - Throws: `TestFailure` when the CLI is missing (install it: `pip install awscli`) or exits non-zero.
    @discardableResult
    package static func run(_ arguments: [String], endpoint: URL) throws -> Data {
        guard let executable else {
            throw TestFailure(
                "The aws CLI is missing, and the S3 tests fetch objects with it as a second client: install it "
                    + "('python3 -m pip install awscli') or put it on PATH.")
        }
        let environment = [
            "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null", "AWS_PAGER": "",
        ]
        return try TestSupport.run(
            executable, ["--endpoint-url", endpoint.absoluteString] + arguments, environment: environment)
    }

    /// `s3api list-objects-v2`: key, size and ETag of every object under `prefix`, sorted by key.
    /// - Throws: `TestFailure` when the CLI fails or prints something unexpected.
    package static func list(bucket: String, prefix: String, endpoint: URL) throws -> [ListedObject] {
        let output = try run(
            ["s3api", "list-objects-v2", "--bucket", bucket, "--prefix", prefix, "--output", "json"],
            endpoint: endpoint)
        // An empty listing prints nothing at all.
        guard !output.isEmpty else { return [] }
        guard let object = try JSONSerialization.jsonObject(with: output) as? [String: Any] else {
            throw TestFailure("aws s3api list-objects-v2 printed no JSON object")
        }
        let contents = object["Contents"] as? [[String: Any]] ?? []
        return contents.compactMap { item in
            guard let key = item["Key"] as? String, let size = item["Size"] as? Int,
                let etag = item["ETag"] as? String
            else { return nil }
            return ListedObject(key: key, size: size, etag: etag)
        }.sorted { $0.key < $1.key }
    }

    /// `s3api head-object`: the object's size, ETag and user metadata.
    /// - Throws: `TestFailure` when the CLI fails (a missing object among other causes).
    package static func head(bucket: String, key: String, endpoint: URL) throws -> HeadedObject {
        let output = try run(["s3api", "head-object", "--bucket", bucket, "--key", key], endpoint: endpoint)
        guard let object = try JSONSerialization.jsonObject(with: output) as? [String: Any],
            let size = object["ContentLength"] as? Int, let etag = object["ETag"] as? String
        else {
            throw TestFailure("aws s3api head-object printed no ContentLength or ETag for '\(key)'")
        }
        return HeadedObject(size: size, etag: etag, metadata: object["Metadata"] as? [String: String] ?? [:])
    }

    /// `s3api list-multipart-uploads`: the keys of the multipart uploads begun and neither completed nor aborted.
    /// - Throws: `TestFailure` when the CLI fails or prints something unexpected.
    package static func multipartUploads(bucket: String, endpoint: URL) throws -> [String] {
        let output = try run(
            ["s3api", "list-multipart-uploads", "--bucket", bucket, "--output", "json"], endpoint: endpoint)
        guard !output.isEmpty else { return [] }
        guard let object = try JSONSerialization.jsonObject(with: output) as? [String: Any] else {
            throw TestFailure("aws s3api list-multipart-uploads printed no JSON object")
        }
        return (object["Uploads"] as? [[String: Any]] ?? []).compactMap { $0["Key"] as? String }
    }

    /// `s3 cp s3://bucket/key -`: the object's bytes.
    /// - Throws: `TestFailure` when the CLI fails.
    package static func get(bucket: String, key: String, endpoint: URL) throws -> Data {
        try run(["s3", "cp", "--quiet", "s3://\(bucket)/\(key)", "-"], endpoint: endpoint)
    }

    /// One object of a listing.
    package struct ListedObject: Sendable, Equatable {
        package var key: String
        package var size: Int
        package var etag: String
    }

    /// What HEAD tells about an object.
    package struct HeadedObject: Sendable {
        package var size: Int
        /// With its quotes, as S3 sends it.
        package var etag: String
        package var metadata: [String: String]
    }
}
