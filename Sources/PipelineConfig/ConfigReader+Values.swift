import Codecs
import Foundation
import Ingest
import Ledger
import Yams

/// Typed values of single nodes, each recording a problem instead of failing.
extension ConfigReader {
    // MARK: Values

    /// The mapping in `node`, or nil after recording a type error.
    func mapping(_ node: Node, path: String) -> Node.Mapping? {
        if case .mapping(let map) = node { return map }
        problems.append(.wrongType(file: file, line: line(node), path: name(path), expected: "a mapping of keys"))
        return nil
    }

    /// The values under the known keys of `map`; records unknown keys (with a suggestion) and credentials.
    /// Keys whose value is null are left out, as if absent.
    func fields(_ map: Node.Mapping, path: String, allowed: [String]) -> [String: Node] {
        var found: [String: Node] = [:]
        for (keyNode, value) in map {
            guard let key = key(keyNode, path: path) else { continue }
            let full = path.isEmpty ? key : "\(path).\(key)"
            if Self.secretKeys.contains(key.lowercased()) {
                problems.append(.secretInFile(file: file, line: line(keyNode), path: full))
            } else if !allowed.contains(key) {
                problems.append(
                    .unknownKey(
                        file: file, line: line(keyNode), path: full, suggestion: Self.suggestion(for: key, in: allowed))
                )
            } else if !isNull(value) {
                found[key] = value
            }
        }
        return found
    }

    func key(_ node: Node, path: String) -> String? {
        if case .scalar(let scalar) = node { return scalar.string }
        problems.append(
            .wrongType(file: file, line: line(node), path: name(path), expected: "a mapping with text keys"))
        return nil
    }

    func string(_ node: Node, path: String) -> String? {
        if case .scalar(let scalar) = node { return scalar.string }
        problems.append(.wrongType(file: file, line: line(node), path: path, expected: "text, not a list or mapping"))
        return nil
    }

    func int(_ node: Node, path: String) -> Int? {
        if case .scalar(let scalar) = node, let value = Int(scalar.string) { return value }
        problems.append(.wrongType(file: file, line: line(node), path: path, expected: "a whole number"))
        return nil
    }

    func number(_ node: Node, path: String) -> Double? {
        if case .scalar(let scalar) = node, let value = Double(scalar.string), value.isFinite { return value }
        problems.append(.wrongType(file: file, line: line(node), path: path, expected: "a number such as 0.023"))
        return nil
    }

    /// A size in bytes; one outside `range` is recorded as invalid with `reason` and gives nil.
    func size(
        _ node: Node, path: String, in range: ClosedRange<Int> = 0...Int.max, _ reason: String = ""
    ) -> Int? {
        guard case .scalar(let scalar) = node else {
            problems.append(.wrongType(file: file, line: line(node), path: path, expected: "a size such as '64MiB'"))
            return nil
        }
        if let value = Units.bytes(scalar.string) {
            if range.contains(value) { return value }
            invalid(node, path, scalar.string, reason)
            return nil
        }
        invalid(
            node, path, scalar.string,
            "a size is a whole number of bytes or a number with KiB, MiB, GiB, KB, MB or GB (for example '64MiB')")
        return nil
    }

    func days(_ node: Node, path: String) -> Int? {
        guard case .scalar(let scalar) = node else {
            problems.append(
                .wrongType(file: file, line: line(node), path: path, expected: "a number of days such as '7d'"))
            return nil
        }
        if let value = Units.days(scalar.string) { return value }
        invalid(node, path, scalar.string, "partitions are whole UTC days, so write a number of days such as '7d'")
        return nil
    }

    func choice<Value: RawRepresentable & CaseIterable>(
        _ node: Node, path: String, _ type: Value.Type
    ) -> Value? where Value.RawValue == String {
        guard let text = string(node, path: path) else { return nil }
        if let value = Value(rawValue: text) { return value }
        let options = Value.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        let hint = Self.suggestion(for: text, in: Value.allCases.map(\.rawValue)).map { " (did you mean '\($0)'?)" }
        invalid(node, path, text, "it must be one of \(options)\(hint ?? "")")
        return nil
    }

    // MARK: Helpers

    func invalid(_ node: Node, _ path: String, _ value: String, _ reason: String) {
        problems.append(.invalidValue(file: file, line: line(node), path: path, value: value, reason: reason))
    }

    func line(_ node: Node) -> Int? { node.mark?.line }

    func name(_ path: String) -> String { path.isEmpty ? "the top level" : path }

    func scalarText(_ node: Node) -> String {
        if case .scalar(let scalar) = node { return scalar.string }
        return "(not text)"
    }

    /// YAML null (`key:`, `~`, `null`) but not the quoted string `""`.
    func isNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// `path` made absolute against the pipeline file's directory, with `.` and `..` folded; glob characters
    /// are left alone.
    func resolve(_ path: String) -> String {
        ConfigPaths.absolute(path, base: base)
    }

    /// The syntax error Yams reported, with its line.
    func syntaxError(_ error: YamlError) -> PipelineConfigError {
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
}
