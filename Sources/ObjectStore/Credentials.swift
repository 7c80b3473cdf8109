import Foundation
import SigV4

/// AWS credentials: access key id, secret access key and optional session token; `description` redacts them.
package typealias Credentials = SigV4.Credentials

extension SigV4.Credentials {
    /// Finds credentials the way the AWS CLI does, minus instance roles: `AWS_ACCESS_KEY_ID`,
    /// `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` first, else the shared credentials file
    /// (`AWS_SHARED_CREDENTIALS_FILE`, default `~/.aws/credentials`, `HOME` from `environment`) at profile
    /// `AWS_PROFILE` (default `default`): keys `aws_access_key_id`, `aws_secret_access_key`, `aws_session_token`.
    ///
    /// - Throws: `ObjectStoreError.missingCredentials` or `.unreadableCredentialsFile`; never with a secret inside.
    package static func resolve(environment: [String: String]) throws -> Self {
        if let id = environment["AWS_ACCESS_KEY_ID"], !id.isEmpty,
            let secret = environment["AWS_SECRET_ACCESS_KEY"], !secret.isEmpty
        {
            let token = environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
            return Self(accessKeyId: id, secretAccessKey: secret, sessionToken: token)
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        let file =
            environment["AWS_SHARED_CREDENTIALS_FILE"].flatMap { $0.isEmpty ? nil : $0 }
            ?? home + "/.aws/credentials"
        let profile = environment["AWS_PROFILE"].flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        guard let data = FileManager.default.contents(atPath: file) else {
            if FileManager.default.fileExists(atPath: file) {
                throw ObjectStoreError.unreadableCredentialsFile(file: file, errno: EACCES)
            }
            throw ObjectStoreError.missingCredentials(profile: profile, file: file)
        }
        let values = parseProfile(String(decoding: data, as: UTF8.self), profile: profile)
        guard let id = values["aws_access_key_id"], let secret = values["aws_secret_access_key"] else {
            throw ObjectStoreError.missingCredentials(profile: profile, file: file)
        }
        return Self(accessKeyId: id, secretAccessKey: secret, sessionToken: values["aws_session_token"])
    }

    /// The `key = value` lines of `[profile]` in an INI file (`#` and `;` start comments).
    static func parseProfile(_ text: String, profile: String) -> [String: String] {
        var values: [String: String] = [:]
        var inProfile = false
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                let name = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                inProfile = name == profile || name == "profile \(profile)"
                continue
            }
            guard inProfile, let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            values[key] = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        }
        return values
    }
}
