/// What Candor reports about one post. Encoded as JSON this is the public
/// `json`/`jsonl` contract documented in the README: fields may be added, never
/// renamed or removed.
public struct PostReport: Sendable {
    public var path: String
    /// 1-based line of the record in a batch file; absent for a single-post file.
    public var record: Int?
    public var id: String?
    /// The author and address of the post, when the input names them.
    public var author: String?
    public var url: String?
    public var platform: Platform
    /// The market the input named, if any; `jurisdictions` shows what was applied.
    public var market: String?
    public var language: String?
    public var jurisdictions: [String]
    public var relationships: [Relationship]
    public var disclosures: [Disclosure]
    public var findings: [Finding]
    /// Rules that could not finish on this post (for example a match limit).
    public var diagnostics: [String]

    /// A batch record (a JSONL line, a CSV row) with no finding: suppression
    /// comments cannot reach it and the finding policy has nothing in it to
    /// drop, count or record, so it is written as the engine made it.
    var isQuietRecord: Bool { record != nil && findings.isEmpty }
}

/// Where a piece of text sits in the post: line and column (Unicode scalars,
/// 1-based) and the UTF-8 byte range.
public struct Span: Sendable, Equatable {
    public var line: Int
    public var column: Int
    public var byteOffset: Int
    public var length: Int

    public var range: Range<Int> { byteOffset..<(byteOffset + length) }
}

public struct Evidence: Sendable {
    public var ruleId: String
    public var text: String
    public var message: String
    public var span: Span
}

public struct Relationship: Sendable {
    public var category: Category
    /// True when the input declared the relationship (a JSONL `relationship` field).
    public var declared: Bool
    public var evidence: [Evidence]
    /// Jurisdiction → `disclosed` or the finding kind.
    public var verdicts: [String: String]
}

public struct Disclosure: Sendable {
    public var ruleId: String
    public var text: String
    public var language: String
    public var covers: [Category]
    public var span: Span
    /// True when at least one active jurisdiction accepts this label here.
    public var accepted: Bool
    public var acceptedBy: [String]
    public var placement: Placement
}

public struct Placement: Sendable, Equatable {
    /// Nil when the platform has no fold.
    public var beforeFold: Bool?
    public var inTrailingHashtags: Bool
    /// Nil when the post has no affiliate link.
    public var beforeFirstAffiliateLink: Bool?

    public init(beforeFold: Bool?, inTrailingHashtags: Bool, beforeFirstAffiliateLink: Bool?) {
        self.beforeFold = beforeFold
        self.inTrailingHashtags = inTrailingHashtags
        self.beforeFirstAffiliateLink = beforeFirstAffiliateLink
    }
}

public struct Finding: Sendable, Equatable {
    public var ruleId: String
    public var category: Category
    public var kind: FindingKind
    public var severity: Severity
    public var message: String
    /// The text at the finding's place: the label, or the evidence when nothing discloses it.
    public var evidence: String
    public var line: Int
    public var column: Int
    public var byteOffset: Int
    public var length: Int
    /// The jurisdiction judged; nil for search-engine guidance (`unmarked-link`).
    public var jurisdiction: String?
    public var suggestion: String
    public var help: String

    public var span: Span { Span(line: line, column: column, byteOffset: byteOffset, length: length) }
}
