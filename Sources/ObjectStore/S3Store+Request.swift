import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import SigV4

/// One S3 call before signing: the key (relative to the store prefix) or the bucket itself, query, extra headers.
struct S3Request: Sendable {
    var method: HTTPMethod
    var key: String?
    var bucketLevel = false
    var query: [(String, String)] = []
    var headers: [(String, String)] = []
    var body: [UInt8] = []
    /// A GET's exact body length when known (ranged): fewer bytes means a cut connection, and is retried.
    var expectedLength: Int?
}

/// What came back: status, headers, the whole body.
struct S3Response: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]
}

/// The host, path and URL a request goes to.
struct S3Target: Equatable {
    var host: String
    var path: String
    var url: String
}

/// A transport failure or a retryable status inside the retry loop.
private enum Attempt: Error {
    case status(S3Response)
    case transport(String)
}

extension S3Store {
    /// Host, unencoded path and URL of a key (or of the bucket when `key` is nil) under the configured addressing.
    func target(key: String?, query: [(String, String)]) -> S3Target {
        let endpoint = configuration.endpoint
        let scheme = endpoint.scheme ?? "https"
        let port = endpoint.port.map { ":\($0)" } ?? ""
        let endpointHost = endpoint.host ?? ""
        let objectPath = key.map { "/" + configuration.keyPrefix + $0 } ?? "/"
        let host: String
        let path: String
        switch configuration.addressing {
        case .path:
            host = endpointHost + port
            path = "/" + configuration.bucket + (key == nil ? "" : objectPath)
        case .virtualHosted:
            host = configuration.bucket + "." + endpointHost + port
            path = objectPath
        }
        let queryString =
            query.isEmpty
            ? ""
            : "?"
                + query.map {
                    SigV4.uriEncode($0.0, keepSlash: false) + "=" + SigV4.uriEncode($0.1, keepSlash: false)
                }.joined(separator: "&")
        return S3Target(
            host: host, path: path, url: "\(scheme)://\(host)\(SigV4.uriEncode(path, keepSlash: true))\(queryString)")
    }

    /// Sends `request`, retrying transient failures with backoff; returns a 2xx response or one whose status is in
    /// `accept`.
    ///
    /// - Throws: `ObjectStoreError.s3` (with S3's code and message) or `.transport`, never with credentials inside.
    func send(_ request: S3Request, operation: String, accept: Set<Int> = []) async throws -> S3Response {
        let policy = configuration.retry
        var attempt = 1
        while true {
            do {
                return try await attemptOnce(request, operation: operation, accept: accept, attempt: attempt)
            } catch let failure as Attempt {
                var metadata: Logger.Metadata = ["s3.operation": "\(operation)", "s3.attempt": "\(attempt)"]
                if let key = request.key { metadata["s3.key"] = "\(key)" }
                switch failure {
                case .status(let response): metadata["s3.status"] = "\(response.status)"
                case .transport(let reason): metadata["s3.error"] = "\(reason)"
                }
                guard attempt < policy.maxAttempts else {
                    logger.warning("S3 request failed, giving up", metadata: metadata)
                    switch failure {
                    case .status(let response):
                        let error = S3XML.ErrorBody(response.body)
                        throw ObjectStoreError.s3(
                            operation: operation, key: request.key, status: response.status, code: error?.code,
                            message: error?.message, attempts: attempt)
                    case .transport(let reason):
                        throw ObjectStoreError.transport(
                            operation: operation, key: request.key, reason: reason, attempts: attempt)
                    }
                }
                let delay = policy.delay(afterAttempt: attempt)
                metadata["s3.retryDelay"] = "\(delay)"
                logger.debug("S3 request failed, retrying", metadata: metadata)
                try await Task.sleep(for: delay)
                attempt += 1
            }
        }
    }

    /// One signed attempt; throws `Attempt` for anything worth retrying.
    private func attemptOnce(
        _ request: S3Request, operation: String, accept: Set<Int>, attempt: Int
    ) async throws -> S3Response {
        let target = target(key: request.bucketLevel ? nil : request.key, query: request.query)
        var headers = request.headers
        headers.append(("host", target.host))
        let signed = signer.signHeaders(
            method: request.method.rawValue, path: target.path, query: request.query, headers: headers,
            payloadHash: SigV4.hexSHA256(request.body))
        var http = HTTPClientRequest(url: target.url)
        http.method = request.method
        for (name, value) in signed { http.headers.add(name: name, value: value) }
        if !request.body.isEmpty || request.method == .PUT || request.method == .POST {
            http.body = .bytes(ByteBuffer(bytes: request.body))
        }
        let response: S3Response
        requestCounter.count(request)
        do {
            let reply = try await client.execute(
                http, timeout: .nanoseconds(Int64(configuration.requestTimeout.components.seconds) * 1_000_000_000),
                logger: logger)
            // HEAD has a Content-Length but no body; ranged GETs know their size; the rest are small XML or empty.
            let limit = request.expectedLength.map { $0 + 1 } ?? (request.method == .GET ? Int.max : 64 << 20)
            let body = try await reply.body.collect(upTo: limit)
            response = S3Response(status: Int(reply.status.code), headers: reply.headers, body: Array(buffer: body))
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            // Resets, timeouts, closed connections and cut bodies: all transient from here.
            throw Attempt.transport(Self.describe(error))
        }
        switch response.status {
        case 200..<300:
            if let expected = request.expectedLength, response.body.count != expected {
                throw Attempt.transport("the body has \(response.body.count) bytes instead of \(expected)")
            }
            if request.method == .GET, request.expectedLength == nil,
                let length = response.headers.first(name: "content-length").flatMap(Int.init),
                length != response.body.count
            {
                throw Attempt.transport("the body has \(response.body.count) bytes instead of \(length)")
            }
            if request.method == .GET, request.key != nil, !request.bucketLevel {
                requestCounter.retrieved(response.body.count)
            }
            return response
        case 408, 429, 500, 502, 503, 504:
            throw Attempt.status(response)
        default:
            let error = S3XML.ErrorBody(response.body)
            // A missing bucket is never the "already gone" a 404 on a key means.
            if accept.contains(response.status) && error?.code != "NoSuchBucket" { return response }
            throw ObjectStoreError.s3(
                operation: operation, key: request.key, status: response.status, code: error?.code,
                message: error?.message, attempts: attempt)
        }
    }

    /// A transport error in words; AsyncHTTPClient's errors carry no request headers, so no secret can leak here.
    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError { return "\(error)" }
        return String(describing: type(of: error)) + ": \(error)"
    }
}
