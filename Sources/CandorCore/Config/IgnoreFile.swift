import Foundation

/// `.candorignore`: findings to drop, one fingerprint (`Fingerprint.of`) a
/// line, with an optional `# reason`. For posts where a suppression comment
/// would be published (captions, batches, exports), but it applies to any file.
/// Documents in fingerprints are named relative to the ignore file's folder.
public struct IgnoreFile: Sendable {
    public static let fileName = ".candorignore"
    public let path: String
    public var directory: String { (ProjectPaths.absolute(path) as NSString).deletingLastPathComponent }
    /// Fingerprint → the line it is on.
    public let entries: [String: Int]

    public static func load(_ path: String) throws(RuleLoadError) -> IgnoreFile {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw RuleLoadError(errors: [RuleError(SourceLocation(file: path, line: 1, column: 1), "cannot read ignore file")])
        }
        var entries: [String: Int] = [:]
        var errors: [RuleError] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let content = line.prefix { $0 != "#" }
            let fingerprint = content.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !fingerprint.isEmpty else { continue }
            let column = content.prefix { $0 == " " || $0 == "\t" }.count + 1
            guard fingerprint.count == 16, fingerprint.allSatisfy(\.isHexDigit) else {
                errors.append(RuleError(SourceLocation(file: path, line: index + 1, column: column),
                                        "'\(fingerprint)' is not a finding fingerprint (16 hex digits, then an optional # reason)"))
                continue
            }
            entries[fingerprint.lowercased()] = entries[fingerprint.lowercased()] ?? index + 1
        }
        guard errors.isEmpty else { throw RuleLoadError(errors: errors) }
        return IgnoreFile(path: path, entries: entries)
    }
}
