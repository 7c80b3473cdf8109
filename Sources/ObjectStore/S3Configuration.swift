import Foundation

/// Where and how an `S3Store` writes: the client's settings, resolved (an endpoint URL, an encryption choice) and
/// with its runtime knobs (parts in parallel, retries, timeouts, listing page size).
///
/// The pipeline file's `s3` store keys are `PipelineConfig.S3StoreConfig`'s (`docs/pipeline.md`), which the
/// archive turns into this when it opens the store; this type knows nothing of the file, so the object store
/// does not depend on its format.
package struct S3Configuration: Sendable {
    /// Path-style (`endpoint/bucket/key`) or virtual-hosted (`bucket.endpoint/key`) URLs.
    package enum Addressing: String, Sendable, Codable {
        case path
        case virtualHosted
    }

    /// Server-side encryption asked of S3 on every write.
    package enum ServerSideEncryption: Sendable, Equatable {
        case none
        case aes256
        case kms(keyId: String?)
    }

    /// The server's base URL (scheme, host, optional port; no bucket).
    package var endpoint: URL
    /// The bucket name.
    package var bucket: String
    /// Prepended to every key (`archive/`), so several archives can share a bucket.
    package var prefix: String
    /// The signing region.
    package var region: String
    /// How the bucket appears in the URL.
    package var addressing: Addressing
    /// `x-amz-storage-class` of new objects; nil leaves S3's default.
    package var storageClass: String?
    /// Encryption of new objects.
    package var serverSideEncryption: ServerSideEncryption
    /// Files larger than this are uploaded in parts.
    package var multipartThreshold: UInt64
    /// Size of each part but the last.
    package var partSize: UInt64
    /// Parts uploaded at once.
    package var partParallelism: Int
    /// Backoff and attempts for transient failures.
    package var retry: RetryPolicy
    /// Bound on one attempt of one request.
    package var requestTimeout: Duration
    /// `max-keys` of a listing page (tests lower it to exercise continuation tokens).
    package var listPageSize: Int

    /// A configuration; everything but endpoint and bucket has a default.
    package init(
        endpoint: URL, bucket: String, prefix: String = "", region: String = "us-east-1",
        addressing: Addressing = .path, storageClass: String? = nil, serverSideEncryption: ServerSideEncryption = .none,
        multipartThreshold: UInt64 = 64 << 20, partSize: UInt64 = 16 << 20, partParallelism: Int = 4,
        retry: RetryPolicy = RetryPolicy(), requestTimeout: Duration = .seconds(300), listPageSize: Int = 1000
    ) {
        self.endpoint = endpoint
        self.bucket = bucket
        self.prefix = prefix
        self.region = region
        self.addressing = addressing
        self.storageClass = storageClass
        self.serverSideEncryption = serverSideEncryption
        self.multipartThreshold = multipartThreshold
        self.partSize = partSize
        self.partParallelism = partParallelism
        self.retry = retry
        self.requestTimeout = requestTimeout
        self.listPageSize = listPageSize
    }

    /// The prefix as used in keys: empty, or ending in exactly one `/`.
    var keyPrefix: String {
        prefix.isEmpty || prefix.hasSuffix("/") ? prefix : prefix + "/"
    }

    /// Checks what would otherwise fail late and obscurely.
    ///
    /// - Throws: `ObjectStoreError.invalidConfiguration`.
    func validate() throws {
        func fail(_ reason: String) -> ObjectStoreError { .invalidConfiguration(reason: reason) }
        guard let scheme = endpoint.scheme, ["http", "https"].contains(scheme), endpoint.host != nil else {
            throw fail("endpoint '\(endpoint.absoluteString)' must be an http or https URL with a host")
        }
        guard !bucket.isEmpty, !bucket.contains("/") else { throw fail("bucket '\(bucket)' must be a bucket name") }
        if !keyPrefix.isEmpty { try ObjectKey.validatePrefix(keyPrefix) }
        guard partSize >= 5 << 20 else { throw fail("partSize \(partSize) is below S3's minimum of 5 MiB (5242880)") }
        guard partParallelism >= 1 else { throw fail("partParallelism must be at least 1") }
        guard retry.maxAttempts >= 1 else { throw fail("retry.maxAttempts must be at least 1") }
        guard (1...1000).contains(listPageSize) else { throw fail("listPageSize must be within 1...1000") }
    }
}
