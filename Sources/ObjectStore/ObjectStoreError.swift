import FileIO
import Foundation

/// Everything that can go wrong in a store; messages name the key or path and say what to do, never a secret.
package enum ObjectStoreError: Error, CustomStringConvertible {
    /// A key breaks the naming rules (`..`, empty segment, leading `/`, NUL, too long).
    case invalidKey(key: String, reason: String)
    /// A metadata name or value S3 cannot carry in a header.
    case invalidMetadata(name: String, reason: String)
    /// The store's configuration cannot work (bad endpoint, part size).
    case invalidConfiguration(reason: String)
    /// A local file operation failed.
    case io(operation: String, path: String, errno: Int32)
    /// No credentials in the environment nor in the shared credentials file.
    case missingCredentials(profile: String, file: String)
    /// The shared credentials file exists but cannot be read.
    case unreadableCredentialsFile(file: String, errno: Int32)
    /// `get` of a key that does not exist.
    case notFound(location: String, key: String)
    /// A range that reaches past the end of the object.
    case rangeOutOfBounds(key: String, range: Range<UInt64>, size: UInt64)
    /// S3 answered with an error status (after retries, if it was retryable).
    case s3(operation: String, key: String?, status: Int, code: String?, message: String?, attempts: Int)
    /// The connection failed, timed out or the body came short (after retries).
    case transport(operation: String, key: String?, reason: String, attempts: Int)
    /// S3 answered 2xx with a body we could not use.
    case malformedResponse(operation: String, key: String?, reason: String)

    /// A sentence naming the thing and saying what to do.
    package var description: String {
        switch self {
        case .invalidKey(let key, let reason):
            return "Object key '\(key.replacingOccurrences(of: "\0", with: "\\0"))' is not allowed: \(reason); "
                + "build keys from sanitised parts separated by single '/'."
        case .invalidMetadata(let name, let reason):
            return "Metadata '\(name)' cannot be stored: \(reason); use printable ASCII names and values."
        case .invalidConfiguration(let reason):
            return "The object store configuration is invalid: \(reason)."
        case .io(let operation, let path, let errno):
            return "Could not \(operation) '\(path)': \(FileIO.explain(errno)); "
                + "check that the directory exists, is writable and the disk is not full."
        case .missingCredentials(let profile, let file):
            return "No AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN "
                + "for temporary credentials), or add aws_access_key_id and aws_secret_access_key to profile "
                + "'\(profile)' in '\(file)' (AWS_SHARED_CREDENTIALS_FILE, AWS_PROFILE choose the file and profile)."
        case .unreadableCredentialsFile(let file, let errno):
            return "The AWS credentials file '\(file)' cannot be read: \(FileIO.explain(errno)); "
                + "fix its permissions or point AWS_SHARED_CREDENTIALS_FILE elsewhere."
        case .notFound(let location, let key):
            return "Object '\(key)' does not exist in '\(location)'; run 'msgarchive verify' to see what is missing."
        case .rangeOutOfBounds(let key, let range, let size):
            return "Bytes \(range.lowerBound)..<\(range.upperBound) of object '\(key)' were asked for but it holds "
                + "only \(size) bytes; the catalog or segment index is out of date: run 'msgarchive verify'."
        case .s3(let operation, let key, let status, let code, let message, let attempts):
            let what = key.map { "\(operation) of '\($0)'" } ?? operation
            let said = [code, message].compactMap { $0 }.joined(separator: ": ")
            let tries = attempts > 1 ? " after \(attempts) attempts" : ""
            return "S3 \(what) failed with HTTP \(status)\(said.isEmpty ? "" : " (\(said))")\(tries); "
                + Self.advice(status: status, code: code)
        case .transport(let operation, let key, let reason, let attempts):
            let what = key.map { "\(operation) of '\($0)'" } ?? operation
            return "S3 \(what) failed after \(attempts) attempts: \(reason); check the endpoint, the network and "
                + "that the server is up, then run again (nothing half-written is visible)."
        case .malformedResponse(let operation, let key, let reason):
            let what = key.map { "\(operation) of '\($0)'" } ?? operation
            return "S3 \(what) returned a response that could not be understood (\(reason)); check that the "
                + "endpoint is an S3-compatible server."
        }
    }

    /// What to do about an S3 error code or status.
    static func advice(status: Int, code: String?) -> String {
        switch code {
        case "SignatureDoesNotMatch":
            return "check the secret access key and that this machine's clock is right."
        case "InvalidAccessKeyId":
            return "check the access key id (AWS_ACCESS_KEY_ID or the credentials file)."
        case "NoSuchBucket":
            return "create the bucket or fix the bucket name in the pipeline file."
        case "AccessDenied", "AllAccessDisabled":
            return "check the bucket policy and the IAM permissions of these credentials."
        case "RequestTimeTooSkewed":
            return "set this machine's clock right (NTP)."
        case "SlowDown", "InternalError", "ServiceUnavailable":
            return "the server is overloaded or failing: run again later."
        default:
            switch status {
            case 403: return "check the credentials, the bucket policy and this machine's clock."
            case 404: return "check the bucket name and the prefix."
            case 500...599: return "the server is failing: run again later."
            default: return "check the store settings in the pipeline file."
            }
        }
    }
}
