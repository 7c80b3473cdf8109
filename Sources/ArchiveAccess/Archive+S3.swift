import Foundation
import Logging
import ObjectStore
import PipelineConfig

extension Archive {
    /// The S3 store a pipeline's `s3` store names, with credentials from the environment or the AWS credentials
    /// file (never from the pipeline file).
    /// - Throws: `PipelineConfigError.invalidOverride`-style errors for a bad endpoint, `ObjectStoreError` for
    ///   missing credentials.
    package static func makeS3Store(
        _ s3: S3StoreConfig, environment: [String: String], logger: Logger
    ) throws -> any ObjectStore {
        let endpointText = s3.endpoint ?? "https://s3.\(s3.region).amazonaws.com"
        guard let endpoint = URL(string: endpointText), endpoint.scheme == "http" || endpoint.scheme == "https" else {
            throw ArchiveError.badEndpoint(endpointText)
        }
        let encryption: S3Configuration.ServerSideEncryption =
            switch s3.sse {
            case "AES256": .aes256
            case "aws:kms": .kms(keyId: s3.kmsKeyId)
            default: .none
            }
        let configuration = S3Configuration(
            endpoint: endpoint, bucket: s3.bucket, prefix: s3.prefix, region: s3.region,
            addressing: s3.addressing == .virtual ? .virtualHosted : .path, storageClass: s3.storageClass,
            serverSideEncryption: encryption, multipartThreshold: UInt64(s3.multipartThresholdBytes),
            partSize: UInt64(s3.partSizeBytes))
        return try S3Store(
            configuration: configuration, credentials: try Credentials.resolve(environment: environment),
            logger: logger)
    }
}
