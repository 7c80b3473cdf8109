import AsyncHTTPClient
import Crypto
import FileIO
import Foundation
import Ledger
import Logging
import NIOCore
import NIOHTTP1
import SigV4

/// An object store in an S3-compatible bucket, over AsyncHTTPClient, signed with SigV4.
///
/// One `HTTPClient` per store; call `shutdown()` once at the end. Transient failures (500, 502, 503, 504, 408, 429,
/// resets, timeouts, short bodies) are retried per `S3Configuration.retry`; other 4xx are not. Bodies are signed with
/// their real SHA-256 and carry `x-amz-checksum-sha256`, so S3 rejects any byte changed on the way.
package final class S3Store: ObjectStore {
    /// The configuration the store was made with.
    package let configuration: S3Configuration
    let signer: SigV4
    let client: HTTPClient
    let logger: Logger
    let requestCounter = RequestCounter()

    /// A store for `configuration`, signing with `credentials` and logging to `logger`.
    ///
    /// - Throws: `ObjectStoreError.invalidConfiguration`.
    package init(configuration: S3Configuration, credentials: Credentials, logger: Logger) throws {
        try configuration.validate()
        self.configuration = configuration
        self.signer = SigV4(credentials: credentials, region: configuration.region, service: "s3")
        self.logger = logger
        var httpConfiguration = HTTPClient.Configuration()
        httpConfiguration.decompression = .disabled
        httpConfiguration.redirectConfiguration = .disallow
        self.client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: httpConfiguration)
    }

    /// Every attempt sent so far, retries included.
    package var requests: RequestFigures { requestCounter.current }

    /// `s3://bucket/prefix`.
    package var location: String { "s3://\(configuration.bucket)/\(configuration.keyPrefix)" }

    /// Uploads `file`: one PUT up to `multipartThreshold`, parts above it.
    ///
    /// - Throws: `ObjectStoreError`.
    package func put(key: String, file: URL, metadata: [String: String]) async throws -> ObjectInfo {
        try ObjectKey.validate(key)
        try Self.validate(metadata)
        let size = try Self.fileSize(file)
        if size > configuration.multipartThreshold {
            return try await putMultipart(key: key, file: file, size: size, metadata: metadata)
        }
        // At most `multipartThreshold` bytes: held in memory so every retry resends (and re-signs) the same body.
        let bytes = try Self.read(file, offset: 0, count: Int(size))
        return try await put(key: key, bytes: bytes, metadata: metadata)
    }

    /// One PUT with `x-amz-checksum-sha256` and `x-amz-meta-*` headers.
    ///
    /// - Throws: `ObjectStoreError`.
    package func put(key: String, bytes: [UInt8], metadata: [String: String]) async throws -> ObjectInfo {
        try ObjectKey.validate(key)
        try Self.validate(metadata)
        var headers = writeHeaders(metadata: metadata)
        headers.append(("x-amz-checksum-sha256", Self.base64SHA256(bytes)))
        _ = try await send(S3Request(method: .PUT, key: key, headers: headers, body: bytes), operation: "PUT")
        return ObjectInfo(key: key, size: UInt64(bytes.count), metadata: DirectoryStore.normalized(metadata))
    }

    /// HEAD: size and `x-amz-meta-*`, or nil on 404.
    ///
    /// - Throws: `ObjectStoreError`.
    package func head(key: String) async throws -> ObjectInfo? {
        try ObjectKey.validate(key)
        let response = try await send(S3Request(method: .HEAD, key: key), operation: "HEAD", accept: [404])
        guard response.status != 404 else { return nil }
        guard let length = response.headers.first(name: "content-length").flatMap({ UInt64($0) }) else {
            throw ObjectStoreError.malformedResponse(operation: "HEAD", key: key, reason: "no Content-Length")
        }
        var metadata: [String: String] = [:]
        for (name, value) in response.headers where name.lowercased().hasPrefix("x-amz-meta-") {
            metadata[String(name.lowercased().dropFirst("x-amz-meta-".count))] = value
        }
        return ObjectInfo(key: key, size: length, metadata: metadata)
    }

    /// GET, with `Range: bytes=a-b` when a range is given; a body shorter than asked is retried.
    ///
    /// - Throws: `ObjectStoreError.notFound`, `.rangeOutOfBounds` (416) or another `ObjectStoreError`.
    package func get(key: String, range: Range<UInt64>?) async throws -> [UInt8] {
        try ObjectKey.validate(key)
        if let range, range.isEmpty { return [] }
        var headers: [(String, String)] = []
        if let range { headers.append(("range", "bytes=\(range.lowerBound)-\(range.upperBound - 1)")) }
        let request = S3Request(method: .GET, key: key, headers: headers, expectedLength: range.map { Int($0.count) })
        let response = try await send(request, operation: "GET", accept: [404, 416])
        switch response.status {
        case 404:
            throw ObjectStoreError.notFound(location: location, key: key)
        case 416:
            let size = try await head(key: key)?.size ?? 0
            throw ObjectStoreError.rangeOutOfBounds(key: key, range: range ?? 0..<0, size: size)
        default:
            return response.body
        }
    }

    /// ListObjectsV2 page by page (`listPageSize` keys each), following continuation tokens; metadata left empty.
    ///
    /// - Throws: `ObjectStoreError`.
    package func list(prefix: String) async throws -> [ObjectInfo] {
        try ObjectKey.validatePrefix(prefix)
        let fullPrefix = configuration.keyPrefix + prefix
        var found: [ObjectInfo] = []
        var token: String?
        repeat {
            var query = [("list-type", "2"), ("prefix", fullPrefix), ("max-keys", String(configuration.listPageSize))]
            if let token { query.append(("continuation-token", token)) }
            let response = try await send(S3Request(method: .GET, query: query), operation: "ListObjectsV2")
            let page = try S3XML.ListPage(response.body, operation: "ListObjectsV2")
            for object in page.objects where object.key.hasPrefix(configuration.keyPrefix) {
                found.append(
                    ObjectInfo(key: String(object.key.dropFirst(configuration.keyPrefix.count)), size: object.size))
            }
            token = page.isTruncated ? page.nextToken : nil
        } while token != nil
        return found.sorted { ObjectKey.precedes($0.key, $1.key) }
    }

    /// DELETE; 204 and 404 both mean gone.
    ///
    /// - Throws: `ObjectStoreError`.
    package func delete(key: String) async throws {
        try ObjectKey.validate(key)
        _ = try await send(S3Request(method: .DELETE, key: key), operation: "DELETE", accept: [404])
    }

    /// Creates the bucket (a `LocationConstraint` outside `us-east-1`); an existing bucket of ours is fine.
    ///
    /// - Throws: `ObjectStoreError`.
    package func createBucket() async throws {
        var body: [UInt8] = []
        if configuration.region != "us-east-1" {
            body = Array(
                ("<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LocationConstraint>"
                    + "\(configuration.region)</LocationConstraint></CreateBucketConfiguration>").utf8)
        }
        let response = try await send(
            S3Request(method: .PUT, bucketLevel: true, body: body), operation: "CreateBucket", accept: [409])
        if response.status == 409, S3XML.ErrorBody(response.body)?.code != "BucketAlreadyOwnedByYou" {
            let error = S3XML.ErrorBody(response.body)
            throw ObjectStoreError.s3(
                operation: "CreateBucket '\(configuration.bucket)'", key: nil, status: 409, code: error?.code,
                message: error?.message, attempts: 1)
        }
    }

    /// Shuts the HTTP client down.
    ///
    /// - Throws: what `HTTPClient.shutdown()` throws.
    package func shutdown() async throws {
        try await client.shutdown()
    }

    /// Headers every object write carries: metadata, storage class, encryption.
    func writeHeaders(metadata: [String: String]) -> [(String, String)] {
        var headers = metadata.sorted { $0.key < $1.key }.map { ("x-amz-meta-\($0.key.lowercased())", $0.value) }
        if let storageClass = configuration.storageClass { headers.append(("x-amz-storage-class", storageClass)) }
        switch configuration.serverSideEncryption {
        case .none: break
        case .aes256: headers.append(("x-amz-server-side-encryption", "AES256"))
        case .kms(let keyId):
            headers.append(("x-amz-server-side-encryption", "aws:kms"))
            if let keyId { headers.append(("x-amz-server-side-encryption-aws-kms-key-id", keyId)) }
        }
        return headers
    }

    /// Metadata must travel in HTTP headers: printable ASCII only.
    static func validate(_ metadata: [String: String]) throws {
        for (name, value) in metadata {
            let nameOK = !name.isEmpty && name.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") }
            guard nameOK else { throw ObjectStoreError.invalidMetadata(name: name, reason: "the name is not a token") }
            guard value.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else {
                throw ObjectStoreError.invalidMetadata(name: name, reason: "the value is not printable ASCII")
            }
        }
    }

    static func base64SHA256(_ bytes: [UInt8]) -> String {
        Data(SHA256.hash(data: bytes)).base64EncodedString()
    }

    static func fileSize(_ file: URL) throws -> UInt64 {
        do {
            return try FileIO.size(file.path)
        } catch {
            throw ObjectStoreError.io(operation: error.operation, path: file.path, errno: error.errno)
        }
    }

    /// `count` bytes of `file` from `offset` (a part, or a whole small file).
    static func read(_ file: URL, offset: UInt64, count: Int) throws -> [UInt8] {
        let fd = open(file.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ObjectStoreError.io(operation: "open", path: file.path, errno: errno) }
        defer { close(fd) }
        return try DirectoryStore.readExactly(fd, path: file.path, offset: offset, count: count)
    }
}
