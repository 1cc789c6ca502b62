/// Suppression comments in Markdown and HTML, where a comment is not published:
///
///     <!-- candor-disable-next-line affiliate.amazon-short-link: the brand's own shop -->
///     <!-- candor-disable label.en.thanks: quoted, not our wording -->
///     …
///     <!-- candor-enable label.en.thanks -->
///
/// Several rule ids may be separated by commas or spaces; none, or `all`, means
/// every rule. A reason follows a colon.
public struct Suppression: Sendable, Equatable {
    public enum Scope: Sendable, Equatable {
        /// Findings on this document line.
        case line(Int)
        /// Findings starting in this byte range of the document.
        case block(Range<Int>)
    }
    public var rules: [String]
    public var reason: String?
    public var scope: Scope
    /// Where the comment starts (line, column in Unicode scalars).
    public var line: Int
    public var column: Int
    /// Why a `candor-` comment silences nothing (a misspelt directive, an
    /// enable with nothing to close); its scope is then no line.
    public var problem: String?

    public func covers(_ finding: Finding) -> Bool {
        guard rules.isEmpty || rules.contains(finding.ruleId) else { return false }
        switch scope {
        case let .line(line): return finding.line == line
        case let .block(range): return range.contains(finding.byteOffset)
        }
    }

    /// Every suppression comment in a document's bytes, in document order.
    public static func scan(_ bytes: [UInt8]) -> [Suppression] {
        let open = Array("<!--".utf8), close = Array("-->".utf8), marker = Array("candor-".utf8)
        var found: [Suppression] = []
        var blocks: [Suppression] = []  // open `candor-disable` blocks, their range still to be closed
        var line = 1, lineStart = 0, scanned = 0
        func position(_ offset: Int) -> (line: Int, column: Int) {
            for index in scanned..<Swift.max(scanned, offset) where bytes[index] == 0x0A { line += 1; lineStart = index + 1 }
            scanned = max(scanned, offset)
            return (line, String(decoding: bytes[lineStart..<offset], as: UTF8.self).unicodeScalars.count + 1)
        }
        var offset = 0
        while let start = bytes.firstRange(of: open, in: offset..<bytes.count) {
            guard let end = bytes.firstRange(of: close, in: start.upperBound..<bytes.count) else { break }
            offset = end.upperBound
            var body = String(decoding: bytes[start.upperBound..<end.lowerBound], as: UTF8.self)[...]
            body = body.drop { $0.isWhitespace }
            guard body.utf8.starts(with: marker) else { continue }
            let directive = body.prefix { !$0.isWhitespace && $0 != ":" }
            let rest = body[directive.endIndex...]
            let names = rest.prefix { $0 != ":" }
            let reason = rest.dropFirst(names.count).dropFirst().trimmingCharacters(in: .whitespacesAndNewlines)
            var rules = names.split { $0 == "," || $0.isWhitespace }.map(String.init)
            if rules.contains("all") { rules = [] }
            let (commentLine, column) = position(start.lowerBound)
            let entry = Suppression(rules: rules, reason: reason.isEmpty ? nil : reason, scope: .line(0), line: commentLine, column: column)
            switch directive {
            case "candor-disable-next-line":
                var next = entry
                next.scope = .line(position(end.upperBound).line + 1)
                found.append(next)
            case "candor-disable":
                var block = entry
                block.scope = .block(end.upperBound..<end.upperBound)
                blocks.append(block)
            case "candor-enable":
                // Closes the blocks it names (all of them when it names none).
                let open = blocks.count
                blocks.removeAll { block in
                    guard rules.isEmpty || block.rules.isEmpty == false && Set(block.rules).isSubset(of: rules) else { return false }
                    var closed = block
                    if case let .block(range) = block.scope { closed.scope = .block(range.lowerBound..<start.lowerBound) }
                    found.append(closed)
                    return true
                }
                if blocks.count == open {
                    var stray = entry
                    stray.problem = "candor-enable closes no candor-disable" + (rules.isEmpty ? "" : " for \(rules.joined(separator: ", "))")
                    found.append(stray)
                }
            default:
                var unknown = entry
                unknown.problem = "unknown suppression '\(directive)' (expected candor-disable-next-line, candor-disable or candor-enable)"
                found.append(unknown)
            }
        }
        // A block never enabled again runs to the end of the document.
        for var block in blocks {
            if case let .block(range) = block.scope { block.scope = .block(range.lowerBound..<bytes.count) }
            found.append(block)
        }
        return found.sorted { ($0.line, $0.column) < ($1.line, $1.column) }
    }
}
