import Foundation

/// What is wrong with a pipeline file or an override of it; several problems travel together in `several`.
package enum PipelineConfigError: Error, CustomStringConvertible, Equatable {
    /// The file could not be read.
    case unreadable(file: String, reason: String)
    /// The file is not valid YAML, or its top level is not a mapping.
    case syntax(file: String, line: Int?, problem: String)
    /// A key the format does not know, with the nearest known key when one is close.
    case unknownKey(file: String, line: Int?, path: String, suggestion: String?)
    /// A value of the wrong kind (a list where a mapping belongs, text where a number belongs).
    case wrongType(file: String, line: Int?, path: String, expected: String)
    /// A value of the right kind that is out of range or malformed.
    case invalidValue(file: String, line: Int?, path: String, value: String, reason: String)
    /// A required key is absent.
    case missingKey(file: String, line: Int?, path: String)
    /// A credential in the file; the value is never repeated.
    case secretInFile(file: String, line: Int?, path: String)
    /// `tiers.cold.store` names a store that `stores` does not define.
    case unknownStore(file: String, line: Int?, path: String, name: String, known: [String])
    /// A flag or environment variable that overrides the file holds a bad value.
    case invalidOverride(name: String, value: String, reason: String)
    /// Every problem found, in file order.
    case several([PipelineConfigError])

    package var description: String {
        switch self {
        case .unreadable(let file, let reason):
            return "Cannot read pipeline file '\(file)': \(reason)."
        case .syntax(let file, let line, let problem):
            return "\(Self.place(file, line)) is not a valid pipeline file: \(problem)."
        case .unknownKey(let file, let line, let path, let suggestion):
            let hint = suggestion.map { " Did you mean '\($0)'?" } ?? " Remove it; docs/pipeline.md lists every key."
            return "\(Self.place(file, line)): unknown key '\(path)'.\(hint)"
        case .wrongType(let file, let line, let path, let expected):
            return "\(Self.place(file, line)): '\(path)' must be \(expected)."
        case .invalidValue(let file, let line, let path, let value, let reason):
            return "\(Self.place(file, line)): '\(path)' is '\(value)', but \(reason)."
        case .missingKey(let file, let line, let path):
            return "\(Self.place(file, line)): '\(path)' is required; add it (docs/pipeline.md describes it)."
        case .secretInFile(let file, let line, let path):
            return "\(Self.place(file, line)): '\(path)' looks like a credential, and pipeline files never hold "
                + "credentials. Remove it: S3 credentials come from the environment (AWS_ACCESS_KEY_ID, "
                + "AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN) or the AWS credentials file (~/.aws/credentials)."
        case .unknownStore(let file, let line, let path, let name, let known):
            let names =
                known.isEmpty
                ? "none are defined"
                : "defined stores: "
                    + known.map { "'\($0)'" }
                    .joined(separator: ", ")
            return "\(Self.place(file, line)): '\(path)' names store '\(name)', which 'stores' does not define "
                + "(\(names)); define it under 'stores' or remove '\(path)' to use '<archive>/cold'."
        case .invalidOverride(let name, let value, let reason):
            return "\(name) is '\(value)', but \(reason)."
        case .several(let problems):
            return "\(problems.count) problems:\n" + problems.map { "- \($0.description)" }.joined(separator: "\n")
        }
    }

    /// `Pipeline file 'x.yaml' line 12`, or without the line when it is unknown.
    private static func place(_ file: String, _ line: Int?) -> String {
        if let line { return "Pipeline file '\(file)' line \(line)" }
        return "Pipeline file '\(file)'"
    }

    /// The line the problem is on, when known.
    package var line: Int? {
        switch self {
        case .syntax(_, let line, _), .unknownKey(_, let line, _, _), .wrongType(_, let line, _, _),
            .invalidValue(_, let line, _, _, _), .missingKey(_, let line, _), .secretInFile(_, let line, _),
            .unknownStore(_, let line, _, _, _):
            return line
        case .unreadable, .invalidOverride, .several:
            return nil
        }
    }

    /// The single problems inside, flattening `several`.
    package var problems: [PipelineConfigError] {
        if case .several(let inner) = self { return inner.flatMap(\.problems) }
        return [self]
    }
}
