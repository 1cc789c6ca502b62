import CandorPCRE

/// The fixed set of commercial relationships Candor recognises.
public enum Category: String, CaseIterable, Sendable, Codable, Comparable {
    case affiliate, paid, gift, stay, ambassador
    case discountCode = "discount-code"
    case contest

    /// How a message names the relationship.
    public var phrase: String {
        switch self {
        case .affiliate: return "affiliate relationship"
        case .paid: return "paid partnership"
        case .gift: return "gifted product"
        case .stay: return "free stay or trip"
        case .ambassador: return "ambassador relationship"
        case .discountCode: return "brand discount code"
        case .contest: return "brand contest or giveaway"
        }
    }

    public static func < (lhs: Category, rhs: Category) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

public enum Severity: String, Sendable, Codable, Comparable, CaseIterable {
    case note, warning, error
    public static func < (lhs: Severity, rhs: Severity) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// The four ways a relationship can fail to be disclosed, and an HTML
/// affiliate link that search engines are not told is paid.
public enum FindingKind: String, Sendable, Codable, CaseIterable {
    case undisclosed, insufficient, hidden
    case wrongLanguage = "wrong-language"
    case unmarkedLink = "unmarked-link"
}

/// Where something was written in a rule file (1-based line and column).
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let column: Int
    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }
    public var description: String { "\(file):\(line):\(column)" }
}

/// An example text from a rule file. For examples that must match, `spans` holds
/// the byte ranges marked with ⟦…⟧ in the file (markers removed from `text`).
public struct RuleExample: Sendable {
    public let text: String
    public let spans: [Range<Int>]
    public let location: SourceLocation
}

public struct RuleExamples: Sendable {
    public let match: [RuleExample]
    public let noMatch: [RuleExample]
}

/// What a signal pattern runs over.
public enum SignalMatcher: Sendable {
    /// The whole post text.
    case text(Pattern)
    /// The visible text of each link.
    case linkText(Pattern)
    /// Each link's normalised URL; every part given must match.
    case url(host: Pattern?, path: Pattern?, query: Pattern?)

    public var scopeName: String {
        switch self {
        case .text: return "text"
        case .linkText: return "link-text"
        case .url: return "url"
        }
    }

    public var patterns: [Pattern] {
        switch self {
        case let .text(pattern), let .linkText(pattern): return [pattern]
        case let .url(host, path, query): return [host, path, query].compactMap { $0 }
        }
    }
}

/// Evidence of a commercial relationship. A class: rules are immutable and
/// shared by every post and thread, so passing one around is one reference.
public final class SignalRule: Sendable {
    public let id: String
    public let category: Category
    public let severity: Severity
    public let message: String
    public let reference: String?
    public let keywords: [String]
    public let matcher: SignalMatcher
    public let examples: RuleExamples
    public let location: SourceLocation
    /// When the signal applies; nil for always (library rules). Declared partners use it.
    public let condition: SignalCondition?

    public init(id: String, category: Category, severity: Severity, message: String, reference: String?, keywords: [String],
                matcher: SignalMatcher, examples: RuleExamples, location: SourceLocation, condition: SignalCondition? = nil) {
        self.id = id
        self.category = category
        self.severity = severity
        self.message = message
        self.reference = reference
        self.keywords = keywords
        self.matcher = matcher
        self.examples = examples
        self.location = location
        self.condition = condition
    }
}

/// Limits a declared partnership to some markets and dates.
public struct SignalCondition: Sendable, Equatable {
    /// Jurisdictions the partnership concerns; empty for all.
    public let markets: Set<String>
    /// ISO dates (YYYY-MM-DD), inclusive; a post without a date always qualifies.
    public let from: String?
    public let until: String?

    public func applies(jurisdictions: [String], date: String?) -> Bool {
        if !markets.isEmpty, markets.isDisjoint(with: jurisdictions) { return false }
        guard let day = date.map({ String($0.prefix(10)) }) else { return true }
        if let from, day < from { return false }
        if let until, day > until { return false }
        return true
    }
}

/// A label that discloses one or more relationships, in one language; shared
/// like `SignalRule`.
public final class DisclosureRule: Sendable {
    public let id: String
    public let language: String
    public let covers: Set<Category>
    public let message: String
    public let reference: String?
    public let keywords: [String]
    public let pattern: Pattern
    public let examples: RuleExamples
    public let location: SourceLocation

    public init(id: String, language: String, covers: Set<Category>, message: String, reference: String?, keywords: [String],
                pattern: Pattern, examples: RuleExamples, location: SourceLocation) {
        self.id = id
        self.language = language
        self.covers = covers
        self.message = message
        self.reference = reference
        self.keywords = keywords
        self.pattern = pattern
        self.examples = examples
        self.location = location
    }
}

/// Where a jurisdiction wants the label to be.
public struct PlacementPolicy: Sendable {
    /// The label must appear before the platform's "more" cut.
    public var beforeFold: Bool
    /// A label in the trailing hashtag block counts as buried once this many
    /// hashtags precede it in that block (nil: the block is not checked).
    public var hashtagsBeforeLabel: Int?
    /// In long-form posts the label must come before the first affiliate link.
    public var beforeFirstAffiliateLink: Bool
    /// For these categories the label must sit next to the evidence (on its
    /// line or the line before), e.g. "Werbung" beside a discount code; this
    /// replaces the other placement checks for them.
    public var nearEvidence: Set<Category>
}

public struct PolicyExample: Sendable {
    public let text: String
    public let platform: Platform?
    public let expect: [Category: Verdict]
    public let location: SourceLocation
}

/// A category's outcome under one jurisdiction.
public enum Verdict: Sendable, Equatable {
    case disclosed
    case failed(FindingKind)

    public var name: String {
        switch self {
        case .disclosed: return "disclosed"
        case let .failed(kind): return kind.rawValue
        }
    }

    init?(name: String) {
        if name == "disclosed" { self = .disclosed } else if let kind = FindingKind(rawValue: name) { self = .failed(kind) } else { return nil }
    }
}

/// What one regulator accepts, rejects and requires.
/// A class, like the rules: every post judged under a jurisdiction holds it,
/// and one reference is cheaper than a copy of each of its tables.
public final class JurisdictionPolicy: Sendable {
    public let id: String
    public let name: String
    /// The language labels must be in, or `audience` for the post's own language.
    public let language: String
    public let reference: String
    /// Chosen automatically for posts in its language; false for variants
    /// (an older code) and baselines that apply only when asked for.
    public let automatic: Bool
    /// Label rule id → categories that label discloses here.
    public let accepts: [String: Set<Category>]
    /// Label rule id → why this jurisdiction finds it ambiguous or insufficient.
    public let insufficient: [String: String]
    /// Label rule id → why it counts only beside another accepted label (a
    /// platform's paid-partnership tag, for example). Alone it is insufficient.
    public let conditional: [String: String]
    public let placement: PlacementPolicy
    public let severities: [FindingKind: Severity]
    /// The disclosure to suggest, per category, in the jurisdiction's language.
    public let suggestions: [Category: String]
    public let defaultSuggestion: String
    public let examples: [PolicyExample]
    public let location: SourceLocation

    init(id: String, name: String, language: String, reference: String, automatic: Bool, accepts: [String: Set<Category>],
         insufficient: [String: String], conditional: [String: String], placement: PlacementPolicy, severities: [FindingKind: Severity],
         suggestions: [Category: String], defaultSuggestion: String, examples: [PolicyExample], location: SourceLocation) {
        self.id = id
        self.name = name
        self.language = language
        self.reference = reference
        self.automatic = automatic
        self.accepts = accepts
        self.insufficient = insufficient
        self.conditional = conditional
        self.placement = placement
        self.severities = severities
        self.suggestions = suggestions
        self.defaultSuggestion = defaultSuggestion
        self.examples = examples
        self.location = location
    }

    public func suggestion(for category: Category) -> String { suggestions[category] ?? defaultSuggestion }

    /// The language a label must be in for a post in `postLanguage`.
    public func requiredLanguage(postLanguage: String?) -> String? {
        language == JurisdictionPolicy.audienceLanguage ? postLanguage : language
    }

    public static let audienceLanguage = "audience"
}

/// Common words that identify a language, used to pick jurisdictions by audience.
public struct LanguageProfile: Sendable {
    public let id: String
    public let name: String
    public let words: Set<String>
    public let examples: RuleExamples
    public let location: SourceLocation
}
