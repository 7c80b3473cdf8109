import Foundation
import Testing

@testable import SigV4

/// Every case of the AWS Signature Version 4 test suite in `fixtures/sigv4/aws-sig-v4-test-suite`.
struct SigV4TestSuiteTests {
    static let suite = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures/sigv4/aws-sig-v4-test-suite")
    static let cases: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: suite.path)) ?? []
        return names.filter { !$0.contains(".") && !["LICENSE", "NOTICE", "SHA256SUMS"].contains($0) }.sorted()
    }()
    static let signer = SigV4(
        credentials: .init(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
        region: "us-east-1", service: "service")

    @Test func suiteHasAllThirtyOneCases() {
        #expect(Self.cases.count == 31)
    }

    @Test(arguments: SigV4TestSuiteTests.cases)
    func matchesCanonicalRequestStringToSignAndAuthorization(name: String) throws {
        let dir = Self.suite.appendingPathComponent(name)
        func read(_ ext: String) throws -> String {
            try String(contentsOf: dir.appendingPathComponent("\(name).\(ext)"), encoding: .utf8)
        }
        let request = try ParsedRequest(try read("req"))
        let date = try #require(request.date)
        let canonical = Self.signer.canonicalRequest(
            method: request.method, path: request.path, query: request.query, headers: request.headers,
            payloadHash: SigV4.hexSHA256(Array(request.body.utf8)))
        #expect(canonical.text == (try read("creq")))
        let stringToSign = Self.signer.stringToSign(canonicalRequest: canonical.text, date: date)
        #expect(stringToSign == (try read("sts")))
        let signature = Self.signer.signature(stringToSign: stringToSign, date: date)
        let authorization = Self.signer.authorization(
            signedHeaders: canonical.signedHeaders, signature: signature, date: date)
        #expect(authorization == (try read("authz")))
    }

    @Test func signHeadersAddsDateAndAuthorizationForVanillaGet() throws {
        let date = Date(timeIntervalSince1970: 1_440_938_160)  // 20150830T123600Z
        let headers = Self.signer.signHeaders(
            method: "GET", path: "/", headers: [("Host", "example.amazonaws.com")],
            payloadHash: SigV4.emptyPayloadHash, date: date)
        let expected = try String(
            contentsOf: Self.suite.appendingPathComponent("get-vanilla/get-vanilla.authz"), encoding: .utf8)
        #expect(headers.first { $0.0 == "authorization" }?.1 == expected)
        #expect(headers.first { $0.0 == "x-amz-date" }?.1 == "20150830T123600Z")
        // Not S3: no x-amz-content-sha256.
        #expect(!headers.contains { $0.0 == "x-amz-content-sha256" })
    }

    @Test func sessionTokenIsSignedAsTheStsHeaderBeforeCase() throws {
        let request = try String(
            contentsOf: Self.suite.appendingPathComponent("post-sts-header-before/post-sts-header-before.req"),
            encoding: .utf8)
        let line = try #require(request.split(separator: "\n").first { $0.hasPrefix("X-Amz-Security-Token:") })
        let token = String(line.dropFirst("X-Amz-Security-Token:".count))
        var credentials = Self.signer.credentials
        credentials.sessionToken = token
        let signer = SigV4(credentials: credentials, region: "us-east-1", service: "service")
        let headers = signer.signHeaders(
            method: "POST", path: "/", headers: [("Host", "example.amazonaws.com")],
            payloadHash: SigV4.emptyPayloadHash, date: Date(timeIntervalSince1970: 1_440_938_160))
        let expected = try String(
            contentsOf: Self.suite.appendingPathComponent("post-sts-header-before/post-sts-header-before.authz"),
            encoding: .utf8)
        #expect(headers.first { $0.0 == "authorization" }?.1 == expected)
    }

    @Test func credentialsDescriptionRedactsSecrets() {
        let credentials = SigV4.Credentials(
            accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG", sessionToken: "TOKEN123")
        let text = "\(credentials)"
        #expect(!text.contains("wJalrXUtnFEMI"))
        #expect(!text.contains("TOKEN123"))
        #expect(!text.contains("AKIDEXAMPLE"))
    }
}

/// A test-suite `.req` file: request line, headers (continuation lines add a value), blank line, body.
struct ParsedRequest {
    var method: String
    var path: String
    var query: [(String, String)] = []
    var headers: [(String, String)] = []
    var body = ""

    struct Malformed: Error {}

    init(_ text: String) throws {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let requestLine = try #require(lines.first)
        let methodEnd = try #require(requestLine.firstIndex(of: " "))
        method = String(requestLine[..<methodEnd])
        let target = requestLine[requestLine.index(after: methodEnd)...].replacingOccurrences(of: " HTTP/1.1", with: "")
        if let mark = target.firstIndex(of: "?") {
            path = String(target[..<mark])
            for pair in target[target.index(after: mark)...].split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                query.append((String(parts[0]), parts.count > 1 ? String(parts[1]) : ""))
            }
        } else {
            path = target
        }
        var index = 1
        while index < lines.count, !lines[index].isEmpty {
            let line = lines[index]
            if line.first == " " || line.first == "\t", let last = headers.last {
                headers.append((last.0, line))
            } else {
                guard let colon = line.firstIndex(of: ":") else { throw Malformed() }
                headers.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
            }
            index += 1
        }
        body = lines.dropFirst(index + 1).joined(separator: "\n")
    }

    /// The `X-Amz-Date` header as a date.
    var date: Date? {
        guard let value = headers.first(where: { $0.0.lowercased() == "x-amz-date" })?.1 else { return nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.date(from: value)
    }
}
