import Yams

/// The YAML (`---`) or TOML (`+++`) block at the top of a Markdown post.
/// `title` and `description` (or `summary`, `excerpt`) are shown to readers
/// and audited; `sponsored: true`, `affiliate: true`, `gifted: true`,
/// `partner: Brand` and `relationship: [gift, stay]` declare relationships the
/// post must disclose; `market`, `date` and `author` describe the post.
struct FrontMatter {
    /// Document offset just past the closing delimiter's line.
    var end: Int
    /// Audited values, with the document offset of the line they are on.
    var audited: [(value: String, searchFrom: Int)] = []
    var declared: [Category] = []
    var market: String?
    var date: String?
    var author: String?
    var problems: [(line: Int, message: String)] = []

    static let auditedKeys = ["title", "description", "summary", "excerpt"]

    static func read(_ document: SourceText) -> FrontMatter? {
        let bytes = document.bytes
        let opening: String
        if bytes.starts(with: Array("---".utf8)) { opening = "---" } else if bytes.starts(with: Array("+++".utf8)) { opening = "+++" } else { return nil }
        guard let firstEnd = document.lineStart(1), document.string(0..<firstEnd).trimmingCharacters(in: .whitespacesAndNewlines) == opening else { return nil }
        // The block closes at the next line holding only the delimiter (YAML may also close with `...`).
        var line = 1
        while let start = document.lineStart(line) {
            let range = document.lineRange(containing: start)
            let content = document.string(range).trimmingCharacters(in: .whitespaces)
            if content == opening || (opening == "---" && content == "...") {
                let end = document.lineStart(line + 1) ?? bytes.count
                var frontMatter = FrontMatter(end: end)
                let body = document.string(firstEnd..<range.lowerBound)
                if opening == "---" { frontMatter.readYAML(body, document: document) } else { frontMatter.readTOML(body, document: document) }
                return frontMatter
            }
            line += 1
        }
        return nil  // never closed: not front matter
    }

    private mutating func readYAML(_ text: String, document: SourceText) {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            if case let .scanner(_, problem, mark, _) = error {
                problems.append((mark.line + 1, "front matter is not valid YAML: \(problem)"))
            } else if case let .parser(_, problem, mark, _) = error {
                problems.append((mark.line + 1, "front matter is not valid YAML: \(problem)"))
            } else {
                problems.append((1, "front matter is not valid YAML"))
            }
            return
        } catch {
            problems.append((1, "front matter is not valid YAML"))
            return
        }
        guard let mapping = node?.mapping else { return }
        for (key, value) in mapping {
            guard let name = key.string?.lowercased() else { continue }
            let lineStart = document.lineStart(value.mark.map { $0.line } ?? 1) ?? 0  // mark lines count from the opening delimiter's next line
            if let scalar = value.scalar {
                set(name, scalar.string, bool: value.bool, at: lineStart)
            } else if let sequence = value.sequence {
                for item in sequence { if let string = item.string { set(name, string, bool: nil, at: lineStart) } }
            }
        }
    }

    /// The flat `key = value` lines of TOML front matter; tables are not looked into.
    private mutating func readTOML(_ text: String, document: SourceText) {
        var lineNumber = 1
        // Split on any line end: in Swift "\r\n" is one character, never "\n".
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            defer { lineNumber += 1 }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("[") { break }  // a table: the top-level keys are done
            guard let equals = trimmed.firstIndex(of: "="), !trimmed.hasPrefix("#") else { continue }
            let key = trimmed[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            var value = trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            let lineStart = document.lineStart(lineNumber) ?? 0
            if value.hasPrefix("["), value.hasSuffix("]") {
                for item in value.dropFirst().dropLast().split(separator: ",") {
                    set(key, FrontMatter.unquote(item.trimmingCharacters(in: .whitespaces)), bool: nil, at: lineStart)
                }
                continue
            }
            if value.hasPrefix("\"") || value.hasPrefix("'") { value = FrontMatter.unquote(value) }
            set(key, value, bool: value == "true" ? true : value == "false" ? false : nil, at: lineStart)
        }
    }

    private static func unquote(_ value: String) -> String {
        guard let quote = value.first, quote == "\"" || quote == "'", value.count >= 2, value.last == quote else { return value }
        return String(value.dropFirst().dropLast())
    }

    private mutating func set(_ key: String, _ value: String, bool: Bool?, at lineStart: Int) {
        switch key {
        case _ where FrontMatter.auditedKeys.contains(key):
            if !value.isEmpty { audited.append((value, lineStart)) }
        case "sponsored", "paid": if bool == true { declared.append(.paid) }
        case "affiliate": if bool == true { declared.append(.affiliate) }
        case "gifted": if bool == true { declared.append(.gift) }
        case "partner", "sponsor", "brand": if !value.isEmpty, bool != false { declared.append(.paid) }
        case "relationship", "relationships":
            if let category = Category(rawValue: value.lowercased()) { declared.append(category) }
        case "market": market = value
        case "date", "published_at", "published": date = value
        case "author": author = value
        default: break
        }
    }
}
