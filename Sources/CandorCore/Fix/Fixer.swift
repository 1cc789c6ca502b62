import CandorPCRE

/// Adds the disclosure a post is missing, where its jurisdictions and platform
/// want it: at the start of a caption; in a blog post, as a paragraph of its
/// own before the first block holding the evidence (so before the first
/// affiliate link), never inside front matter, a list or a table. Each fix is
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
        case caption, markdown
    }

    public struct Fix: Sendable {
        /// The file's bytes before and after.
        public let original: [UInt8]
        public let fixed: [UInt8]
        /// The disclosures added, in order.
        public let added: [String]
        /// The fixed post's report: empty of disclosure findings when the fix is complete.
        public let report: PostReport
        /// The line (0-based) before which the disclosure lines were inserted, and how many.
        public let insertedAt: Int
        public let insertedLines: Int
    }

    /// Findings a disclosure can mend; search-engine notes need markup instead.
    static func needsDisclosure(_ finding: Finding) -> Bool { finding.kind != .unmarkedLink }

    /// The fix for a post read from `original`, or nil when nothing needs one.
    public func fix(_ post: Post, report: PostReport, original: [UInt8], layout: Layout) -> Fix? {
        guard report.findings.contains(where: Fixer.needsDisclosure) else { return nil }
        let document = TextDecoding.document(original).0
        let offset = insertionOffset(report, document: document, original: original, layout: layout)
        let lineBreak = original.firstRange(of: [0x0D, 0x0A], from: 0) != nil ? "\r\n" : "\n"
        func inserting(_ disclosures: [String]) -> [UInt8] {
            let block = disclosures.joined(separator: lineBreak) + lineBreak + (layout == .markdown ? lineBreak : "")
            return Array(original[..<offset]) + Array(block.utf8) + Array(original[offset...])
        }
        var added: [String] = []
        var current = report
        // Each round adds the wording of the first finding still open, then audits again.
        for _ in 0..<4 {
            guard let next = current.findings.first(where: { Fixer.needsDisclosure($0) && !added.contains($0.suggestion) })?.suggestion else { break }
            added.append(next)
            current = auditor.audit(reread(post, inserting(added), layout: layout), options: options, scratch: MatchScratch())
            if !current.findings.contains(where: Fixer.needsDisclosure) { break }
        }
        return Fix(original: original, fixed: inserting(added), added: added, report: current,
                   insertedAt: SourceText(original).lineIndex(of: offset), insertedLines: added.count + (layout == .markdown ? 1 : 0))
    }

    /// The same post with new bytes, read the way its reader reads them.
    private func reread(_ post: Post, _ bytes: [UInt8], layout: Layout) -> Post {
        let document = TextDecoding.document(bytes).0
        var fixed: Post
        switch layout {
        case .caption: fixed = Post(path: post.path, text: document)
        case .markdown: fixed = MarkdownDocument.post(path: post.path, document: document, problem: { _ in })
        }
        fixed.platform = post.platform
        fixed.market = post.market
        fixed.declared = post.declared
        fixed.date = post.date
        return fixed
    }

    /// A caption's disclosure opens it; a blog post's goes before the top-level
    /// block holding the earliest evidence still open (or first, when the only
    /// evidence is in the front matter or declared by the input).
    private func insertionOffset(_ report: PostReport, document: SourceText, original: [UInt8], layout: Layout) -> Int {
        let bodyStart = original.starts(with: TextDecoding.bom) ? 3 : 0
        guard layout == .markdown else { return bodyStart }
        let open = report.relationships.filter { $0.verdicts.values.contains { $0 != Verdict.disclosed.name } }
        let earliest = open.flatMap(\.evidence).map(\.span.byteOffset).min()
        let starts = MarkdownDocument.topLevelBlockStarts(document)
        guard let first = starts.first else { return FrontMatter.read(document).map { document.span(of: $0.end..<$0.end).byteOffset } ?? bodyStart }
        guard let earliest else { return first }
        return starts.last { $0 <= earliest } ?? first
    }
}
