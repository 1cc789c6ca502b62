import Yams

/// A rule-file problem, printed as `file:line:col: error: message`.
public struct RuleError: Error, Sendable, Equatable, CustomStringConvertible {
    public let location: SourceLocation
    public let message: String
    public init(_ location: SourceLocation, _ message: String) {
        self.location = location
        self.message = message
    }
    public var description: String { "\(location): error: \(message)" }
}

/// Every problem found while loading rules; loading reports them all at once.
public struct RuleLoadError: Error, Sendable, CustomStringConvertible {
    public let errors: [RuleError]
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

/// One YAML rule file being read strictly: every key must be known, every
/// problem is recorded with its position, and reading carries on to find more.
final class YAMLFile {
    let path: String
    private let text: String
    /// Split only when a location inside a block scalar is asked for (rare).
    lazy var lines: [Substring] = text.split(separator: "\n", omittingEmptySubsequences: false)
    var errors: [RuleError] = []

    init(path: String, text: String) {
        self.path = path
        self.text = text
    }

    func location(_ node: Node?) -> SourceLocation {
        let mark = node?.mark
        return SourceLocation(file: path, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    func error(_ node: Node?, _ message: String) { errors.append(RuleError(location(node), message)) }

    /// The keys of a mapping, checked against `allowed`. Returns nil (and records
    /// an error) when the node is not a mapping.
    func fields(_ node: Node, allowed: [String], what: String) -> Fields? {
        guard let mapping = node.mapping else {
            error(node, "\(what) must be a mapping")
            return nil
        }
        var values: [String: Node] = [:]
        var keyNodes: [String: Node] = [:]
        for (key, value) in mapping {
            guard let name = key.string else { error(key, "keys must be strings"); continue }
            guard allowed.contains(name) else {
                error(key, "unknown key '\(name)' in \(what) (expected one of: \(allowed.joined(separator: ", ")))")
                continue
            }
            values[name] = value
            keyNodes[name] = key
        }
        return Fields(file: self, node: node, values: values, keyNodes: keyNodes, what: what)
    }

    /// Where byte `offset` of a scalar's value sits in the file. Exact for
    /// single-line plain and quoted scalars and for literal blocks.
    func location(ofOffset offset: Int, in node: Node) -> SourceLocation {
        guard let scalar = node.scalar, let mark = scalar.mark else { return location(node) }
        let prefix = String(decoding: Array(scalar.string.utf8).prefix(offset), as: UTF8.self)
        switch scalar.style {
        case .literal, .folded:
            let valueLines = prefix.split(separator: "\n", omittingEmptySubsequences: false)
            let line = mark.line + valueLines.count  // content starts on the line after the indicator
            let indent = line - 1 < lines.count ? lines[line - 1].prefix(while: { $0 == " " }).count : 0
            return SourceLocation(file: path, line: line, column: indent + (valueLines.last?.unicodeScalars.count ?? 0) + 1)
        case .singleQuoted:
            let escapes = prefix.filter { $0 == "'" }.count
            return SourceLocation(file: path, line: mark.line, column: mark.column + 1 + prefix.unicodeScalars.count + escapes)
        case .doubleQuoted:
            let escapes = prefix.filter { $0 == "\\" || $0 == "\"" }.count
            return SourceLocation(file: path, line: mark.line, column: mark.column + 1 + prefix.unicodeScalars.count + escapes)
        default:
            return SourceLocation(file: path, line: mark.line, column: mark.column + prefix.unicodeScalars.count)
        }
    }
}

/// The values of one mapping, with typed accessors that record errors.
struct Fields {
    let file: YAMLFile
    let node: Node
    let values: [String: Node]
    let keyNodes: [String: Node]
    let what: String

    subscript(key: String) -> Node? { values[key] }

    func string(_ key: String, required: Bool = true) -> String? {
        guard let value = values[key] else {
            if required { file.error(node, "\(what) is missing required key '\(key)'") }
            return nil
        }
        guard let scalar = value.scalar, !scalar.string.isEmpty else {
            file.error(value, "'\(key)' must be a non-empty string")
            return nil
        }
        return scalar.string
    }

    func strings(_ key: String) -> [String]? {
        guard let value = values[key] else { return nil }
        if let scalar = value.scalar { return [scalar.string] }
        guard let sequence = value.sequence else {
            file.error(value, "'\(key)' must be a string or a list of strings")
            return nil
        }
        return sequence.compactMap { item in
            guard let string = item.scalar?.string else { file.error(item, "'\(key)' entries must be strings"); return nil }
            return string
        }
    }

    func bool(_ key: String) -> Bool? {
        guard let value = values[key] else { return nil }
        switch value.scalar?.string.lowercased() {
        case "true"?: return true
        case "false"?: return false
        default: file.error(value, "'\(key)' must be true or false"); return nil
        }
    }

    func int(_ key: String) -> Int? {
        guard let value = values[key] else { return nil }
        guard let number = value.scalar.flatMap({ Int($0.string) }), number >= 0 else {
            file.error(value, "'\(key)' must be a whole number ≥ 0")
            return nil
        }
        return number
    }

    func enumValue<T: RawRepresentable & CaseIterable>(_ key: String, _ type: T.Type, required: Bool = true) -> T? where T.RawValue == String {
        guard let raw = string(key, required: required) else { return nil }
        guard let value = T(rawValue: raw) else {
            file.error(values[key], "'\(raw)' is not a valid \(key) (expected one of: \(T.allCases.map(\.rawValue).joined(separator: ", ")))")
            return nil
        }
        return value
    }

    /// `all` or a list of categories.
    func categories(_ key: String) -> Set<Category>? {
        guard let names = strings(key) else { return nil }
        if names == ["all"] { return Set(Category.allCases) }
        var result = Set<Category>()
        for name in names {
            guard let category = Category(rawValue: name) else {
                file.error(values[key], "'\(name)' is not a category (expected all or: \(Category.allCases.map(\.rawValue).joined(separator: ", ")))")
                continue
            }
            result.insert(category)
        }
        return result
    }
}
