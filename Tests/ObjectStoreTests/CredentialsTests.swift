import Foundation
import Testing

@testable import ObjectStore

struct CredentialsTests {
    static let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY"

    @Test func environmentComesFirst() throws {
        let credentials = try Credentials.resolve(environment: [
            "AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": Self.secret, "AWS_SESSION_TOKEN": "TOKENVALUE",
            "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
        ])
        #expect(credentials.accessKeyId == "AKIAENV")
        #expect(credentials.secretAccessKey == Self.secret)
        #expect(credentials.sessionToken == "TOKENVALUE")
        #expect(!"\(credentials)".contains(Self.secret) && !"\(credentials)".contains("TOKENVALUE"))
        #expect(!String(reflecting: credentials).contains(Self.secret))
    }

    @Test func sharedFileProfileIsRead() async throws {
        try await withTemporaryDirectory { dir in
            let file = dir.appendingPathComponent("credentials")
            try """
            # comment
            [default]
            aws_access_key_id = AKIADEFAULT
            aws_secret_access_key = defaultsecret

            [archive]
            aws_access_key_id=AKIAARCHIVE
            aws_secret_access_key = \(Self.secret)
            aws_session_token = tok
            """.write(to: file, atomically: true, encoding: .utf8)
            let chosen = try Credentials.resolve(environment: [
                "AWS_SHARED_CREDENTIALS_FILE": file.path, "AWS_PROFILE": "archive",
            ])
            #expect(chosen.accessKeyId == "AKIAARCHIVE" && chosen.secretAccessKey == Self.secret)
            #expect(chosen.sessionToken == "tok")
            let home = dir.appendingPathComponent("home/.aws")
            try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: file, to: home.appendingPathComponent("credentials"))
            let fallback = try Credentials.resolve(environment: ["HOME": dir.appendingPathComponent("home").path])
            #expect(fallback.accessKeyId == "AKIADEFAULT" && fallback.sessionToken == nil)
        }
    }

    @Test func missingCredentialsSaysWhereItLookedWithoutSecrets() async throws {
        try await withTemporaryDirectory { dir in
            let file = dir.appendingPathComponent("credentials")
            try "[other]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = \(Self.secret)\n"
                .write(to: file, atomically: true, encoding: .utf8)
            do {
                _ = try Credentials.resolve(environment: ["AWS_SHARED_CREDENTIALS_FILE": file.path])
                Issue.record("resolved credentials from a file without the default profile")
            } catch let error as ObjectStoreError {
                let text = "\(error)"
                #expect(text.contains("AWS_ACCESS_KEY_ID") && text.contains("'default'") && text.contains(file.path))
                #expect(!text.contains(Self.secret))
            }
        }
    }
}
