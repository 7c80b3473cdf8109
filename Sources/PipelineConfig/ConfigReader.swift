import Foundation
import Yams

/// What decoding one pipeline file shares: the file's name and directory, its node tree, and every problem found.
///
/// The sections decode through Yams' `YAMLDecoder`, which hands each one a `Decoder` holding this reader in its
/// `userInfo`. They record problems here instead of throwing, so one pass reports all of them. Yams' decoder
/// skips keys a type does not ask for, so ``checkKeys(_:path:allowed:)`` reads the keys from ``root``, where
/// each key keeps its line, and reports the unknown ones.
final class ConfigReader {
    /// The file as shown in messages.
    let file: String
    /// The file as given; nil for YAML that has none.
    let url: URL?
    /// Directory relative paths resolve against.
    let base: URL
    /// The composed file, for the lines of keys.
    let root: Node
    /// Problems in the order they were found.
    var problems: [PipelineConfigError] = []

    /// The `userInfo` key under which decoders carry the reader; `init(rawValue:)` is failable only to be
    /// `RawRepresentable`, and never fails.
    static let userInfoKey = CodingUserInfoKey(rawValue: "msgarchive.ConfigReader")!

    /// Key names that hold credentials in AWS tools; refused wherever they appear.
    static let secretKeys: Set<String> = [
        "access_key", "access_key_id", "aws_access_key_id", "secret_key", "secret_access_key",
        "aws_secret_access_key", "session_token", "aws_session_token", "security_token", "password", "credentials",
    ]

    init(file: String, url: URL?, base: URL, root: Node) {
        self.file = file
        self.url = url
        self.base = base
        self.root = root
    }

    // MARK: Strict keys

    /// Records every key in `keyNodes` (those of the mapping at `path`) that is not in `allowed`, with the nearest
    /// allowed key as a suggestion, every credential, and every key that is not text.
    func checkKeys(_ keyNodes: [Node], path: String, allowed: [String]) {
        for keyNode in keyNodes {
            guard let key = name(of: keyNode, in: path) else { continue }
            let full = path.isEmpty ? key : "\(path).\(key)"
            if Self.secretKeys.contains(key.lowercased()) {
                problems.append(.secretInFile(file: file, line: keyNode.mark?.line, path: full))
            } else if !allowed.contains(key) {
                let suggestion = Self.suggestion(for: key, in: allowed)
                problems.append(.unknownKey(file: file, line: keyNode.mark?.line, path: full, suggestion: suggestion))
            }
        }
    }

    /// The key nodes of the mapping at `codingPath`, in file order, each with its line.
    func keyNodes(of codingPath: [any CodingKey]) -> [Node] {
        guard case .mapping(let mapping)? = node(at: codingPath) else { return [] }
        return mapping.map(\.key)
    }

    /// The text of `keyNode`, or nil after recording that the mapping at `path` has a key that is not text.
    func name(of keyNode: Node, in path: String) -> String? {
        if case .scalar(let scalar) = keyNode { return scalar.string }
        problems.append(
            .wrongType(
                file: file, line: keyNode.mark?.line, path: path.isEmpty ? "the top level" : path,
                expected: "a mapping with text keys"))
        return nil
    }

    /// `node` with each mapping key tagged by its text alone, as Yams' decoder looks keys up: without this, a store
    /// written `"1":` or `'true':` (text, not a number or a boolean) would not be found under the name it has.
    static func keysByText(_ node: Node) -> Node {
        switch node {
        case .mapping(let mapping):
            let pairs = mapping.map { key, value in
                let text = key.scalar.map { Node.scalar(.init($0.string, .implicit, $0.style, $0.mark)) }
                return (text ?? key, keysByText(value))
            }
            return .mapping(.init(pairs, mapping.tag, mapping.style, mapping.mark))
        case .sequence(let sequence):
            return .sequence(.init(sequence.map(keysByText), sequence.tag, sequence.style, sequence.mark))
        default:
            return node
        }
    }

    /// The node Yams' decoder reached through `codingPath`.
    private func node(at codingPath: [any CodingKey]) -> Node? {
        codingPath.reduce(root as Node?) { node, key in
            switch node {
            case .sequence(let list)?: key.intValue.flatMap { list.indices.contains($0) ? list[$0] : nil }
            case .mapping(let mapping)?: mapping[key.stringValue]
            default: nil
            }
        }
    }

    /// The allowed key nearest to `key` when it is within two edits, else nil.
    static func suggestion(for key: String, in allowed: [String]) -> String? {
        let scored = allowed.map { ($0, editDistance(key, $0)) }.filter { $0.1 <= 2 }
        return scored.min { $0.1 < $1.1 }?.0
    }

    /// Levenshtein distance over characters.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            previous = current
        }
        return previous[b.count]
    }

    // MARK: Recording

    func invalid(_ value: Located, _ text: String, _ reason: String) {
        problems.append(.invalidValue(file: file, line: value.line, path: value.path, value: text, reason: reason))
    }

    func wrongType(_ value: Located, _ expected: String) {
        problems.append(.wrongType(file: file, line: value.line, path: value.path, expected: expected))
    }

    /// `path` made absolute against the pipeline file's directory, with `.` and `..` folded; glob characters
    /// are left alone.
    func resolve(_ path: String) -> String {
        ConfigPaths.absolute(path, base: base)
    }

    /// The syntax error Yams reported, with its line.
    static func syntaxError(_ error: YamlError, file: String) -> PipelineConfigError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let detail = context.map { "\(problem) \($0.text)" } ?? problem
            return .syntax(file: file, line: mark.line, problem: detail)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return .syntax(
                file: file, line: context.mark.line,
                problem: "key \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) appears twice in one mapping")
        default:
            return .syntax(file: file, line: nil, problem: "\(error)")
        }
    }
}
