import Crypto
import Foundation

/// AWS Signature Version 4: turns a request's method, path, query, headers and payload hash into an
/// `Authorization` header, a presigned query, or the signatures of an `aws-chunked` stream.
///
/// Modelled on soto-core's `SotoSignerV4`; it knows nothing of HTTP clients. The steps carry the names of the spec:
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html>.
package struct SigV4: Sendable {
    /// The algorithm named in the string to sign and the `Authorization` header.
    package static let algorithm = "AWS4-HMAC-SHA256"
    /// The payload hash S3 accepts instead of a real one (presigned URLs, streamed bodies).
    package static let unsignedPayload = "UNSIGNED-PAYLOAD"
    /// The payload hash of an `aws-chunked` upload whose chunks are signed one by one.
    package static let streamingPayload = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
    /// The hex SHA-256 of an empty body.
    package static let emptyPayloadHash = hexSHA256([UInt8]())

    /// How the path enters the canonical request.
    package enum PathHandling: Sendable {
        /// Signed as sent, URI-encoded once, no normalisation: what S3 wants (`a//b/../c` stays as it is).
        case s3
        /// `.` and `..` segments resolved and repeated slashes collapsed, then URI-encoded once: other services.
        case normalized
    }

    /// The key pair (and session token) a request is signed with.
    package struct Credentials: Sendable, CustomStringConvertible {
        /// The access key id (`AKIA...`); not a secret, but still kept out of messages.
        package var accessKeyId: String
        /// The secret access key; never printed.
        package var secretAccessKey: String
        /// The session token of temporary (STS) credentials, sent as `x-amz-security-token`.
        package var sessionToken: String?

        /// Credentials from their parts.
        package init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil) {
            self.accessKeyId = accessKeyId
            self.secretAccessKey = secretAccessKey
            self.sessionToken = sessionToken
        }

        /// Redacted: only the last four characters of the access key id show.
        package var description: String {
            "Credentials(accessKeyId: ****\(accessKeyId.suffix(4)), secretAccessKey: <redacted>"
                + (sessionToken == nil ? ")" : ", sessionToken: <redacted>)")
        }
    }

    /// The credentials requests are signed with.
    package let credentials: Credentials
    /// The region in the credential scope (`us-east-1`).
    package let region: String
    /// The service in the credential scope (`s3`).
    package let service: String
    /// How the path is canonicalised.
    package let pathHandling: PathHandling

    /// A signer for one region and service; S3 signs paths as sent, other services normalise them.
    package init(credentials: Credentials, region: String, service: String, pathHandling: PathHandling? = nil) {
        self.credentials = credentials
        self.region = region
        self.service = service
        self.pathHandling = pathHandling ?? (service == "s3" ? .s3 : .normalized)
    }
}

// MARK: - Signing whole requests

extension SigV4 {
    /// Signs a request: returns `headers` plus `x-amz-date`, `x-amz-content-sha256` (S3 only),
    /// `x-amz-security-token` (session credentials) and `authorization`.
    ///
    /// - Parameters:
    ///   - path: the path as the caller means it, not yet percent-encoded (an S3 key is `/bucket/a b`).
    ///   - query: name/value pairs, not yet percent-encoded; order and repeats are kept for the caller.
    ///   - headers: every header to sign, `host` included; names in any case.
    ///   - payloadHash: the hex SHA-256 of the body, or `unsignedPayload` / `streamingPayload`.
    ///   - date: the signing time (injectable for tests).
    package func signHeaders(
        method: String, path: String, query: [(String, String)] = [], headers: [(String, String)],
        payloadHash: String, date: Date = Date()
    ) -> [(String, String)] {
        var headers = headers
        let timestamp = Self.timestamp(date)
        headers.append(("x-amz-date", timestamp))
        if service == "s3" { headers.append(("x-amz-content-sha256", payloadHash)) }
        if let token = credentials.sessionToken { headers.append(("x-amz-security-token", token)) }
        let request = canonicalRequest(
            method: method, path: path, query: query, headers: headers, payloadHash: payloadHash)
        let signature = self.signature(
            stringToSign: stringToSign(canonicalRequest: request.text, date: date), date: date)
        headers.append(
            ("authorization", authorization(signedHeaders: request.signedHeaders, signature: signature, date: date)))
        return headers
    }

    /// Builds a presigned URL's query: `query` plus the `X-Amz-*` parameters and the signature.
    ///
    /// See: <https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html>.
    package func presignedQuery(
        method: String, path: String, query: [(String, String)] = [], host: String, expires: Int, date: Date = Date()
    ) -> [(String, String)] {
        var query = query
        query.append(("X-Amz-Algorithm", Self.algorithm))
        query.append(("X-Amz-Credential", "\(credentials.accessKeyId)/\(credentialScope(date: date))"))
        query.append(("X-Amz-Date", Self.timestamp(date)))
        query.append(("X-Amz-Expires", String(expires)))
        if let token = credentials.sessionToken { query.append(("X-Amz-Security-Token", token)) }
        query.append(("X-Amz-SignedHeaders", "host"))
        let request = canonicalRequest(
            method: method, path: path, query: query, headers: [("host", host)], payloadHash: Self.unsignedPayload)
        let signature = self.signature(
            stringToSign: stringToSign(canonicalRequest: request.text, date: date), date: date)
        query.append(("X-Amz-Signature", signature))
        return query
    }

    /// The signature of one chunk of an `aws-chunked` upload, chained on the previous one (the seed first).
    ///
    /// See: <https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html>.
    package func chunkSignature(previousSignature: String, chunkHash: String, date: Date) -> String {
        let stringToSign = [
            "AWS4-HMAC-SHA256-PAYLOAD", Self.timestamp(date), credentialScope(date: date), previousSignature,
            Self.emptyPayloadHash, chunkHash,
        ].joined(separator: "\n")
        return signature(stringToSign: stringToSign, date: date)
    }

    /// The `Authorization` header value.
    package func authorization(signedHeaders: String, signature: String, date: Date) -> String {
        "\(Self.algorithm) Credential=\(credentials.accessKeyId)/\(credentialScope(date: date)), "
            + "SignedHeaders=\(signedHeaders), Signature=\(signature)"
    }
}

// MARK: - The spec's steps

extension SigV4 {
    /// A canonical request and the list of headers it signs.
    package struct CanonicalRequest: Sendable, Equatable {
        /// The six lines joined by `\n`, as hashed into the string to sign.
        package var text: String
        /// `host;x-amz-date;...`: lower-case names, sorted, joined by `;`.
        package var signedHeaders: String
    }

    /// Step 1: the canonical request.
    ///
    /// See: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html#create-canonical-request>
    /// and, for S3's path rule, <https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html>.
    package func canonicalRequest(
        method: String, path: String, query: [(String, String)], headers: [(String, String)], payloadHash: String
    ) -> CanonicalRequest {
        let (canonicalHeaders, signedHeaders) = Self.canonicalHeaders(headers)
        let text = [
            method, canonicalPath(path), Self.canonicalQuery(query), canonicalHeaders, signedHeaders, payloadHash,
        ].joined(separator: "\n")
        return CanonicalRequest(text: text, signedHeaders: signedHeaders)
    }

    /// Step 2: the string to sign: algorithm, timestamp, credential scope, hash of the canonical request.
    ///
    /// See: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html#create-string-to-sign>
    package func stringToSign(canonicalRequest: String, date: Date) -> String {
        [
            Self.algorithm, Self.timestamp(date), credentialScope(date: date),
            Self.hexSHA256(Array(canonicalRequest.utf8)),
        ]
        .joined(separator: "\n")
    }

    /// Step 3: the signing key, `kSigning`, derived from the secret through `kDate`, `kRegion` and `kService`.
    ///
    /// See: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html#derive-signing-key>
    package func signingKey(date: Date) -> SymmetricKey {
        let kSecret = SymmetricKey(data: Array("AWS4\(credentials.secretAccessKey)".utf8))
        let kDate = Self.hmac(kSecret, String(Self.timestamp(date).prefix(8)))
        let kRegion = Self.hmac(kDate, region)
        let kService = Self.hmac(kRegion, service)
        let kSigning = Self.hmac(kService, "aws4_request")
        return kSigning
    }

    /// Step 4: the signature, hex HMAC-SHA256 of the string to sign under the signing key.
    ///
    /// See: <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html#calculate-signature>
    package func signature(stringToSign: String, date: Date) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: signingKey(date: date))
        return Self.hex(mac)
    }

    /// `20130524/us-east-1/s3/aws4_request`.
    package func credentialScope(date: Date) -> String {
        "\(Self.timestamp(date).prefix(8))/\(region)/\(service)/aws4_request"
    }

    /// The path as it enters the canonical request: normalised or not, then URI-encoded once with `/` kept.
    package func canonicalPath(_ path: String) -> String {
        let path = path.isEmpty ? "/" : path
        switch pathHandling {
        case .s3:
            return Self.uriEncode(path, keepSlash: true)
        case .normalized:
            return Self.uriEncode(Self.normalize(path), keepSlash: true)
        }
    }

    /// Resolves `.` and `..` and collapses repeated slashes (RFC 3986 section 5.2.4, as the signing guide asks).
    static func normalize(_ path: String) -> String {
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..": _ = segments.popLast()
            default: segments.append(segment)
            }
        }
        let joined = "/" + segments.joined(separator: "/")
        // A trailing slash names a different resource, so it survives unless the path collapsed to the root.
        return path.hasSuffix("/") && !segments.isEmpty ? joined + "/" : joined
    }

    /// Sorted by encoded name, then encoded value; an empty value keeps its `=`.
    package static func canonicalQuery(_ query: [(String, String)]) -> String {
        let encoded: [(name: String, value: String)] = query.map { pair in
            (uriEncode(pair.0, keepSlash: false), uriEncode(pair.1, keepSlash: false))
        }
        // Encoded text is ASCII, so String order is byte order here.
        let sorted = encoded.sorted { a, b in a.name == b.name ? a.value < b.value : a.name < b.name }
        return sorted.map { pair in pair.name + "=" + pair.value }.joined(separator: "&")
    }

    /// Lower-case names, sorted; repeated names join their values with `,` in the order sent; values are trimmed and
    /// inner runs of spaces collapse to one. Returns the header block (with its trailing newline) and the signed list.
    package static func canonicalHeaders(_ headers: [(String, String)]) -> (String, String) {
        var values: [String: [String]] = [:]
        for (name, value) in headers {
            values[name.lowercased(), default: []].append(collapseSpaces(value))
        }
        let names = values.keys.sorted()
        let block = names.map { "\($0):\(values[$0, default: []].joined(separator: ","))\n" }.joined()
        return (block, names.joined(separator: ";"))
    }

    static func collapseSpaces(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }

    /// Percent-encodes every byte outside `A-Z a-z 0-9 - . _ ~` (and `/` when asked), upper-case hex, as SigV4 wants.
    package static func uriEncode(_ string: String, keepSlash: Bool) -> String {
        var out = ""
        out.reserveCapacity(string.utf8.count)
        let hex = Array("0123456789ABCDEF".unicodeScalars)
        for byte in string.utf8 {
            if isUnreserved(byte) || (keepSlash && byte == 0x2F) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(hex[Int(byte >> 4)])
                out.unicodeScalars.append(hex[Int(byte & 15)])
            }
        }
        return out
    }

    /// RFC 3986 unreserved characters: `A-Z a-z 0-9 - . _ ~`.
    static func isUnreserved(_ byte: UInt8) -> Bool {
        let isLetter = (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
        let isDigit = byte >= 0x30 && byte <= 0x39
        return isLetter || isDigit || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x7E
    }

    /// `yyyyMMdd'T'HHmmss'Z'` in UTC, the `x-amz-date` form.
    package static func timestamp(_ date: Date) -> String {
        var time = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&time, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return pad(parts.tm_year + 1900, 4) + pad(parts.tm_mon + 1, 2) + pad(parts.tm_mday, 2) + "T"
            + pad(parts.tm_hour, 2) + pad(parts.tm_min, 2) + pad(parts.tm_sec, 2) + "Z"
    }

    /// Lower-case hex of the SHA-256 of `bytes`.
    package static func hexSHA256<Bytes: DataProtocol>(_ bytes: Bytes) -> String {
        hex(SHA256.hash(data: bytes))
    }

    static func hmac(_ key: SymmetricKey, _ message: String) -> SymmetricKey {
        SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: key))
    }

    static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
