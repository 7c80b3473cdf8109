import Foundation
import Testing

@testable import SigV4

/// Every example of `fixtures/sigv4/s3-sigv4-examples.md` (S3 API Reference, signature calculations).
struct S3ExampleTests {
    static let signer = SigV4(
        credentials: .init(
            accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        region: "us-east-1", service: "s3")
    static let date = Date(timeIntervalSince1970: 1_369_353_600)  // 20130524T000000Z
    static let host = "examplebucket.s3.amazonaws.com"
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures/sigv4/s3-sigv4-examples.md")

    /// Signs, checks the string to sign's hash line and signature, and that the signature is quoted in the fixture.
    func check(
        method: String, path: String, query: [(String, String)] = [], headers: [(String, String)], payloadHash: String,
        canonical: String? = nil, stsHash: String, signature: String
    ) throws {
        let fixture = try String(contentsOf: Self.examples, encoding: .utf8)
        #expect(fixture.contains(signature) && fixture.contains(stsHash))
        let request = Self.signer.canonicalRequest(
            method: method, path: path, query: query, headers: headers, payloadHash: payloadHash)
        if let canonical { #expect(request.text == canonical) }
        let sts = Self.signer.stringToSign(canonicalRequest: request.text, date: Self.date)
        #expect(sts.split(separator: "\n").last.map(String.init) == stsHash)
        #expect(Self.signer.signature(stringToSign: sts, date: Self.date) == signature)
    }

    @Test func getObjectWithRange() throws {
        let headers = Self.signer.signHeaders(
            method: "GET", path: "/test.txt", headers: [("Host", Self.host), ("Range", "bytes=0-9")],
            payloadHash: SigV4.emptyPayloadHash, date: Self.date)
        let authorization = try #require(headers.first { $0.0 == "authorization" }?.1)
        #expect(
            authorization == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
                + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
        try check(
            method: "GET", path: "/test.txt",
            headers: [
                ("Host", Self.host), ("Range", "bytes=0-9"), ("x-amz-content-sha256", SigV4.emptyPayloadHash),
                ("x-amz-date", "20130524T000000Z"),
            ],
            payloadHash: SigV4.emptyPayloadHash,
            canonical: """
                GET
                /test.txt

                host:examplebucket.s3.amazonaws.com
                range:bytes=0-9
                x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                x-amz-date:20130524T000000Z

                host;range;x-amz-content-sha256;x-amz-date
                e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                """,
            stsHash: "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972",
            signature: "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    }

    @Test func putObjectWithKeyNeedingEncoding() throws {
        let body = SigV4.hexSHA256(Array("Welcome to Amazon S3.".utf8))
        #expect(body == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072")
        try check(
            method: "PUT", path: "/test$file.text",
            headers: [
                ("Host", Self.host), ("Date", "Fri, 24 May 2013 00:00:00 GMT"), ("x-amz-date", "20130524T000000Z"),
                ("x-amz-storage-class", "REDUCED_REDUNDANCY"), ("x-amz-content-sha256", body),
            ],
            payloadHash: body,
            canonical: """
                PUT
                /test%24file.text

                date:Fri, 24 May 2013 00:00:00 GMT
                host:examplebucket.s3.amazonaws.com
                x-amz-content-sha256:44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072
                x-amz-date:20130524T000000Z
                x-amz-storage-class:REDUCED_REDUNDANCY

                date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class
                44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072
                """,
            stsHash: "9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d",
            signature: "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")
    }

    static let plainHeaders = [
        ("Host", host), ("x-amz-content-sha256", SigV4.emptyPayloadHash), ("x-amz-date", "20130524T000000Z"),
    ]

    @Test func getBucketLifecycleSubresourceWithoutValue() throws {
        try check(
            method: "GET", path: "/", query: [("lifecycle", "")], headers: Self.plainHeaders,
            payloadHash: SigV4.emptyPayloadHash,
            canonical: """
                GET
                /
                lifecycle=
                host:examplebucket.s3.amazonaws.com
                x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                x-amz-date:20130524T000000Z

                host;x-amz-content-sha256;x-amz-date
                e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                """,
            stsHash: "9766c798316ff2757b517bc739a67f6213b4ab36dd5da2f94eaebf79c77395ca",
            signature: "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543")
    }

    @Test func listObjectsSortsQueryByKey() throws {
        #expect(SigV4.canonicalQuery([("prefix", "J"), ("max-keys", "2")]) == "max-keys=2&prefix=J")
        try check(
            method: "GET", path: "/", query: [("prefix", "J"), ("max-keys", "2")], headers: Self.plainHeaders,
            payloadHash: SigV4.emptyPayloadHash,
            stsHash: "df57d21db20da04d7fa30298dd4488ba3a2b47ca3a489c74750e0f1e7df1b9b7",
            signature: "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7")
    }

    @Test func chunkedUploadSeedAndChunkSignatures() throws {
        let headers = [
            ("Host", "s3.amazonaws.com"), ("x-amz-date", "20130524T000000Z"),
            ("x-amz-storage-class", "REDUCED_REDUNDANCY"), ("x-amz-content-sha256", SigV4.streamingPayload),
            ("Content-Encoding", "aws-chunked"), ("x-amz-decoded-content-length", "66560"),
            ("Content-Length", "66824"),
        ]
        let seed = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
        try check(
            method: "PUT", path: "/examplebucket/chunkObject.txt", headers: headers,
            payloadHash: SigV4.streamingPayload,
            stsHash: "cee3fed04b70f867d036f722359b0b1f2f0e5dc0efadbc082b76c4c60e316455", signature: seed)
        let expected = [
            "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
            "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
            "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
        ]
        var previous = seed
        for (size, signature) in zip([65536, 1024, 0], expected) {
            let chunkHash = SigV4.hexSHA256([UInt8](repeating: UInt8(ascii: "a"), count: size))
            previous = Self.signer.chunkSignature(previousSignature: previous, chunkHash: chunkHash, date: Self.date)
            #expect(previous == signature)
        }
    }

    @Test func presignedGet() throws {
        let query = Self.signer.presignedQuery(
            method: "GET", path: "/test.txt", host: Self.host, expires: 86400, date: Self.date)
        let url =
            "https://\(Self.host)/test.txt?"
            + query.map { "\($0.0)=\(SigV4.uriEncode($0.1, keepSlash: false))" }.joined(separator: "&")
        let fixture = try String(contentsOf: Self.examples, encoding: .utf8)
        #expect(fixture.contains(url))
        #expect(query.last?.1 == "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")
    }

    @Test func s3PathIsSignedAsSentWithoutNormalisation() {
        let path = "/my-object//example//photo.user/../x y"
        #expect(Self.signer.canonicalPath(path) == "/my-object//example//photo.user/../x%20y")
        let generic = SigV4(credentials: Self.signer.credentials, region: "us-east-1", service: "service")
        #expect(generic.canonicalPath(path) == "/my-object/example/x%20y")
    }
}
