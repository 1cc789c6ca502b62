import CandorPCRE

/// Adds the disclosure a post is missing, where its jurisdictions and platform
/// want it: at the start of a caption; in a blog post, as a paragraph of its
/// own before the first block holding the evidence (so before the first
/// affiliate link), never inside front matter, a list or a table; in an HTML
/// page, as a `<p>` before the outermost paragraph, heading, list or table
/// holding it (or, when there is none, right after `<body>`). Each fix is
/// checked by auditing the fixed post again; a second jurisdiction's wording
/// is added only if the first one's does not satisfy it.
public struct Fixer: Sendable {
    public let auditor: Auditor
    public let options: AuditOptions

    public init(auditor: Auditor, options: AuditOptions) {
        self.auditor = auditor
        self.options = options
    }

    /// How the post's file is written, which decides where a disclosure goes.
    public enum Layout: Sendable {
        case caption, markdown, html
    }

    public struct Fix: Sendable {
        /// The file's bytes before the fix.
        public let original: [UInt8]
        /// Where in `original` the disclosure goes, and the bytes inserted there.
        public let offset: Int
        public let inserted: [UInt8]
        /// The disclosures added, in order.
        public let added: [String]
        /// The fixed post's report: empty of disclosure findings when the fix is complete.
        public let report: PostReport

        public var fixed: [UInt8] { Array(original[..<offset]) + inserted + Array(original[offset...]) }
    }

    /// A post that needs a disclosure Candor cannot place.
    public struct Unfixable: Error, CustomStringConvertible {
        public let description: String
    }

    /// How a post's file is laid out; nil for what `--fix` does not change (a batch record).
    static func layout(of post: Post, format: InputFormat) -> Layout? {
        guard post.record == nil else { return nil }
        switch InputSource(path: post.path, format: post.path == "-" && format == .auto ? .text : format).formatByExtension {
        case .text: return .caption
        case .markdown: return .markdown
        case .html: return .html
        default: return nil
        }
    }

    /// Findings a disclosure can mend; search-engine notes need markup instead.
    static func needsDisclosure(_ finding: Finding) -> Bool { finding.kind != .unmarkedLink }

    /// What the project keeps of a report (disabled rules, suppressions, ignore
    /// file, baseline), given the bytes it was audited from.
    public typealias Policy = (PostReport, [UInt8]) -> PostReport

    /// The fix for a post read from `original`, or nil when nothing needs one.
    /// Each fixed version's report goes through `policy` as the post's did.
    public func fix(_ post: Post, report: PostReport, original: [UInt8], layout: Layout,
                    policy: Policy = { report, _ in report }) throws(Unfixable) -> Fix? {
        guard report.findings.contains(where: Fixer.needsDisclosure) else { return nil }
        let document = TextDecoding.document(original).0
        let place = try insertionPoint(report, document: document, original: original, layout: layout)
        let lineBreak = original.firstRange(of: [0x0D, 0x0A], from: 0) != nil ? "\r\n" : "\n"
        // A pure-ASCII page may be read in any encoding: it gets character references.
        let ascii = !TextDecoding.utf8Check(original[...]).hasMultibyte
        func block(_ disclosures: [String]) -> [UInt8] {
            switch place.kind {
            case .lines: return Array((disclosures.joined(separator: lineBreak) + lineBreak + (layout == .markdown ? lineBreak : "")).utf8)
            case let .paragraphs(indent, afterTag):
                let paragraphs = disclosures.map { indent + "<p>" + Fixer.htmlText($0, ascii: ascii) + "</p>" }.joined(separator: lineBreak)
                return Array((afterTag ? lineBreak + paragraphs : paragraphs + lineBreak).utf8)
            }
        }
        func inserting(_ disclosures: [String]) -> [UInt8] {
            Array(original[..<place.offset]) + block(disclosures) + Array(original[place.offset...])
        }
        var added: [String] = []
        var current = report
        // Each round adds the wording of the first finding still open, then audits again.
        for _ in 0..<4 {
            guard let next = current.findings.first(where: { Fixer.needsDisclosure($0) && !added.contains($0.suggestion) })?.suggestion else { break }
            added.append(next)
            let bytes = inserting(added)
            current = policy(auditor.audit(reread(post, bytes, layout: layout), options: options, scratch: MatchScratch()), bytes)
            if !current.findings.contains(where: Fixer.needsDisclosure) { break }
        }
        return Fix(original: original, offset: place.offset, inserted: block(added), added: added, report: current)
    }

    /// The fix `--fix` would write to a post's file, if it would write one.
    public func proposal(_ post: Post, report: PostReport, format: InputFormat, policy: Policy = { report, _ in report }) -> Fix? {
        guard post.path != "-", let layout = Fixer.layout(of: post, format: format) else { return nil }
        let original = post.text.document.bytes
        guard TextDecoding.utf8Check(original[...]).firstInvalid == nil else { return nil }
        return try? fix(post, report: report, original: original, layout: layout, policy: policy)
    }

    /// Text for an HTML page, escaped; in a page without any UTF-8 yet, non-ASCII as character references.
    static func htmlText(_ text: String, ascii: Bool) -> String {
        let escaped = HTMLReporter.escape(text)
        guard ascii else { return escaped }
        return escaped.unicodeScalars.map { $0.isASCII ? String($0) : "&#x\(String($0.value, radix: 16, uppercase: true));" }.joined()
    }

    /// The same post with new bytes, read the way its reader reads them.
    private func reread(_ post: Post, _ bytes: [UInt8], layout: Layout) -> Post {
        let document = TextDecoding.document(bytes).0
        var fixed: Post
        switch layout {
        case .caption: fixed = Post(path: post.path, text: document)
        case .markdown: fixed = MarkdownDocument.post(path: post.path, document: document, problem: { _ in })
        case .html: fixed = HTMLDocument.post(path: post.path, text: document)
        }
        fixed.platform = post.platform
        fixed.market = post.market
        fixed.declared = post.declared
        fixed.date = post.date
        return fixed
    }

    /// Where the disclosure goes: whole lines (a caption, Markdown), or `<p>`
    /// elements on lines of their own, before a tag or after the `<body>` tag.
    private struct Place {
        enum Kind { case lines, paragraphs(indent: String, afterTag: Bool) }
        let offset: Int
        let kind: Kind
    }

    /// A caption's disclosure opens it; a blog post's goes before the top-level
    /// block holding the earliest evidence still open (or first, when the only
    /// evidence is in the front matter, the page's head, or declared by the input).
    private func insertionPoint(_ report: PostReport, document: SourceText, original: [UInt8], layout: Layout) throws(Unfixable) -> Place {
        let bodyStart = original.starts(with: TextDecoding.bom) ? 3 : 0
        let open = report.relationships.filter { $0.verdicts.values.contains { $0 != Verdict.disclosed.name } }
        let earliest = open.flatMap(\.evidence).map(\.span.byteOffset).min()
        func before(_ starts: [Int]) -> Int? {
            guard let first = starts.first else { return nil }
            guard let earliest else { return first }
            return starts.last { $0 <= earliest } ?? first
        }
        func lineStart(_ offset: Int) -> Int { original[..<offset].lastIndex(of: 0x0A).map { $0 + 1 } ?? bodyStart }
        /// Before a tag (or a comment): on a line of its own above it, indented alike, when it opens its line.
        func htmlPlace(before tag: Int) -> Place {
            let start = lineStart(tag)
            let indent = original[start..<tag]
            guard indent.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) else { return Place(offset: tag, kind: .paragraphs(indent: "", afterTag: false)) }
            return Place(offset: start, kind: .paragraphs(indent: String(decoding: indent, as: UTF8.self), afterTag: false))
        }
        var place: Place
        switch layout {
        case .caption:
            return Place(offset: bodyStart, kind: .lines)
        case .markdown:
            let offset = before(MarkdownDocument.topLevelBlockStarts(document))
                ?? FrontMatter.read(document).map { document.span(of: $0.end..<$0.end).byteOffset } ?? bodyStart
            place = Place(offset: offset, kind: .lines)
        case .html:
            let places = HTMLDocument.paragraphPlaces(document)
            if let tag = before(places.blocks) {
                place = htmlPlace(before: tag)
            } else if let body = places.bodyStart {
                place = Place(offset: body, kind: .paragraphs(indent: "", afterTag: true))
            } else {
                throw Unfixable(description: "no paragraph, heading, list or <body> tag to put the disclosure before")
            }
        }
        // A `candor-disable-next-line` comment must stay right above its line:
        // a disclosure that would come between them goes above the comment.
        let lines = SourceText(original)
        let suppressions = Suppression.scan(original)
        while true {
            let line = lines.lineIndex(of: place.offset) + 1
            let atLineStart = place.offset == lineStart(place.offset)
            guard let comment = suppressions.first(where: { $0.scope == .line(line) || (!atLineStart && $0.scope == .line(line + 1)) }) else {
                return place
            }
            let commentLine = lineStart(lines.lineStart(comment.line - 1) ?? 0)
            let lead = original[commentLine...].prefix { $0 == 0x20 || $0 == 0x09 }.count
            guard atLineStart, comment.column - 1 == lead else {
                throw Unfixable(description: "a candor-disable-next-line comment shares a line with where the disclosure would go")
            }
            place = layout == .html ? htmlPlace(before: commentLine + lead) : Place(offset: commentLine, kind: .lines)
        }
    }
}
