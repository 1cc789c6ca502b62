import CandorPCRE

/// One post to audit. `text` holds the raw bytes, which need not be valid UTF-8.
public struct Post: Sendable {
    public var path: String
    /// 1-based line of the record in a batch file; nil for a file that is one post.
    public var record: Int?
    public var id: String?
    public var text: SourceText
    /// Links a document reader found (Markdown, HTML), with spans into `text`;
    /// nil when the links are to be found in the text itself.
    public var links: [Link]?
    public var platform: Platform?
    public var market: String?
    public var declared: [Category]
    /// Publication date (ISO 8601), used to date declared partnerships.
    public var date: String?
    /// Who published it and where, as the input names them; reported, not audited.
    public var author: String?
    public var url: String?

    public init(path: String, record: Int? = nil, id: String? = nil, text: SourceText, links: [Link]? = nil,
                platform: Platform? = nil, market: String? = nil, declared: [Category] = [], date: String? = nil,
                author: String? = nil, url: String? = nil) {
        self.date = date
        self.path = path
        self.record = record
        self.id = id
        self.text = text
        self.links = links
        self.platform = platform
        self.market = market
        self.declared = declared
        self.author = author
        self.url = url
    }
}

/// What the caller decides for every post.
public struct AuditOptions: Sendable {
    /// Jurisdictions to judge every post under. Empty: the post's `market`, or
    /// else the jurisdictions whose language is the post's language.
    public var jurisdictions: [String]
    /// Overrides the post's own platform.
    public var platform: Platform?
    /// Used when neither the option nor the post names a platform.
    public var defaultPlatform: Platform
    /// The language assumed when a post's language cannot be told.
    public var fallbackLanguage: String

    public init(jurisdictions: [String] = [], platform: Platform? = nil,
                defaultPlatform: Platform = .instagram, fallbackLanguage: String = "en") {
        self.jurisdictions = jurisdictions
        self.platform = platform
        self.defaultPlatform = defaultPlatform
        self.fallbackLanguage = fallbackLanguage
    }
}

/// The audit engine: finds relationship signals and disclosure labels, then
/// judges each relationship under each active jurisdiction. Stateless and
/// shared across threads; each thread passes its own `MatchScratch`.
public final class Auditor: Sendable {
    public let rules: RuleSet
    private let linkExtractor = LinkExtractor()
    private let detector: LanguageDetector
    /// Every rule's keywords: the signals', then the labels', in rule order.
    private let keywords: KeywordScanner
    /// Language → the automatic jurisdictions in that language, sorted.
    private let automaticJurisdictions: [String: [String]]
    /// The rules (as keyword lists) that can match a post without links: text
    /// signals and labels.
    private let textRules: KeywordMatches
    /// What each text rule's pattern needs besides a keyword, once enough
    /// posts have come to pay for building it.
    private let literalFilter: DeferredLiteralFilter

    public init(rules: RuleSet) {
        self.rules = rules
        detector = LanguageDetector(profiles: rules.languages)
        keywords = KeywordScanner(rules.signals.map(\.keywords) + rules.disclosures.map(\.keywords))
        automaticJurisdictions = Dictionary(grouping: rules.jurisdictions.values.filter(\.automatic), by: \.language)
            .mapValues { $0.map(\.id).sorted() }
        var textRules = KeywordMatches(count: keywords.listCount)
        for (index, signal) in rules.signals.enumerated() {
            if case .text = signal.matcher { textRules.insert(index) }
        }
        for index in rules.disclosures.indices { textRules.insert(rules.signals.count + index) }
        self.textRules = textRules
        literalFilter = DeferredLiteralFilter(patterns: rules.signals.map { signal in
            switch signal.matcher {
            case let .text(pattern), let .linkText(pattern): pattern
            case .url: nil
            }
        } + rules.disclosures.map(\.pattern))
    }

    /// Whether a rule's pattern could match the text as far as the literals it
    /// needs tell; for the self-test.
    func literalsAllow(ruleID: String, in text: SourceText) -> Bool {
        guard let list = rules.signals.firstIndex(where: { $0.id == ruleID })
                ?? rules.disclosures.firstIndex(where: { $0.id == ruleID }).map({ rules.signals.count + $0 }) else { return true }
        var found: KeywordMatches?
        return literalFilter.built.allows(list, found: &found, in: text.bytes)
    }

    private struct Hit<Rule> {
        let rule: Rule
        let span: Range<Int>
    }

    public func audit(_ post: Post, options: AuditOptions, scratch: MatchScratch) -> PostReport {
        let text = post.text
        // What gave up, and where: the link finder (no rule) or a rule. Said in
        // words at the end, so the matching loops hold no copy of the post.
        var failures: [(ruleID: String?, failure: MatchFailure)] = []
        let links = linkExtractor.links(in: text, known: post.links, scratch: scratch) { failures.append((nil, $0)) }
        let platform = options.platform ?? post.platform ?? options.defaultPlatform

        // Keyword prefilter: a rule with keywords runs only if one occurs in the
        // post or its decoded URLs.
        var haystackBytes = text.bytes
        for link in links {
            haystackBytes.append(0x0A)
            haystackBytes += link.url.hostUTF8
            haystackBytes += link.url.pathUTF8
            haystackBytes.append(UInt8(ascii: "?"))
            haystackBytes += link.url.queryUTF8
        }
        let mayMatch = keywords.matches(in: haystackBytes)
        // Most posts: no link, and no keyword of a text rule, so no rule can match.
        if links.isEmpty, post.declared.isEmpty, !mayMatch.intersects(textRules) {
            let language = detector.detect(text)
            return PostReport(path: post.path, record: post.record, id: post.id, author: post.author, url: post.url, platform: platform,
                              market: post.market, language: language,
                              jurisdictions: activeJurisdictions(post: post, language: language, options: options),
                              relationships: [], disclosures: [], findings: [], diagnostics: diagnostics(failures, post))
        }
        func failed(_ ruleID: String, _ failure: MatchFailure) { failures.append((ruleID, failure)) }
        // Rules are read in place; only those that match are copied into a hit.
        // The literals the patterns need are looked for once, if a rule asks.
        let literals = literalFilter.current
        var literalsFound: KeywordMatches?
        func allowed(_ list: Int) -> Bool { literals?.allows(list, found: &literalsFound, in: text.bytes) ?? true }
        var allSignalHits: [Hit<SignalRule>] = []
        for index in mayMatch.members(in: rules.signals.indices) where allowed(index) {
            let spans = signalSpans(rules.signals[index], in: text, links: links, scratch: scratch, onFailure: failed)
            if !spans.isEmpty { allSignalHits += spans.map { Hit(rule: rules.signals[index], span: $0) } }
        }
        allSignalHits.sort { $0.span.lowerBound < $1.span.lowerBound }
        var labelHits: [Hit<DisclosureRule>] = []
        for list in mayMatch.members(in: rules.signals.count..<(rules.signals.count + rules.disclosures.count))
        where allowed(list) {
            let index = list - rules.signals.count
            let spans = Auditor.spans(of: rules.disclosures[index].pattern, in: text, range: 0..<text.bytes.count, scratch: scratch) {
                failed(rules.disclosures[index].id, $0)
            }
            if !spans.isEmpty { labelHits += spans.map { Hit(rule: rules.disclosures[index], span: $0) } }
        }
        labelHits.sort { $0.span.lowerBound < $1.span.lowerBound }

        // The post's words decide its language; when they cannot (a short post),
        // the languages of the wording rules that matched are a good hint.
        let ruleLanguages = labelHits.map(\.rule.language) + allSignalHits.compactMap { rules.signalLanguage[$0.rule.id] }
        let language = detector.detect(text, skipping: links.map(\.urlSpan)) ?? LanguageDetector.majority(ruleLanguages)
        let jurisdictionIDs = activeJurisdictions(post: post, language: language, options: options)
        let signalHits = allSignalHits.filter { $0.rule.condition?.applies(jurisdictions: jurisdictionIDs, date: post.date) != false }

        let firstAffiliateLink = signalHits.first { hit in
            if case .url = hit.rule.matcher { return hit.rule.category == .affiliate } else { return false }
        }?.span.lowerBound
        let policies = jurisdictionIDs.compactMap { rules.jurisdiction($0) }
        // Most posts carry no label, and so need no layout.
        let layout = labelHits.isEmpty ? nil : PostLayout(text: text, platform: platform)
        let placements = labelHits.map { layout!.placement(of: $0.span, firstAffiliateLink: firstAffiliateLink) }
        let labelLines = labelHits.map { text.lineIndex(of: $0.span.lowerBound) }

        let span = text.span(of:)

        let categories = Set(signalHits.map(\.rule.category)).union(post.declared).sorted()
        var relationships: [Relationship] = []
        var findings: [Finding] = []
        var acceptedBy = [Set<String>](repeating: [], count: labelHits.count)

        for category in categories {
            let evidence = signalHits.filter { $0.rule.category == category }
            let declared = post.declared.contains(category)
            let relationshipSeverity = declared ? .error : evidence.map(\.rule.severity).max() ?? .error
            let evidenceLines = evidence.map { text.lineIndex(of: $0.span.lowerBound) }
            var verdicts: [String: String] = [:]
            for policy in policies {
                // A declared partnership limited to some markets is judged only there.
                guard declared || evidence.contains(where: { $0.rule.condition?.applies(jurisdictions: [policy.id], date: post.date) ?? true }) else { continue }
                // Judge every label that covers this category, then keep the best outcome.
                var outcomes: [(kind: FindingKind?, hit: Int, reason: String)] = []
                for (index, hit) in labelHits.enumerated() where hit.rule.covers.contains(category) {
                    // A relationship only the input declares has no evidence for a label to sit beside.
                    let near = evidenceLines.isEmpty || evidenceLines.contains { $0 == labelLines[index] || $0 == labelLines[index] + 1 }
                    let (kind, reason) = judge(hit.rule, for: category, under: policy, placement: placements[index],
                                               nearEvidence: near, postLanguage: language, platform: platform)
                    outcomes.append((kind, index, reason))
                    if kind == nil { acceptedBy[index].insert(policy.id) }
                }
                let order: [FindingKind?] = [nil, .hidden, .wrongLanguage, .insufficient]
                let best = outcomes.min { order.firstIndex(of: $0.kind)! < order.firstIndex(of: $1.kind)! }
                if let best, best.kind == nil {
                    verdicts[policy.id] = Verdict.disclosed.name
                    continue
                }
                let kind = best?.kind ?? .undisclosed
                verdicts[policy.id] = kind.rawValue
                let severity = kind == .undisclosed ? relationshipSeverity : min(policy.severities[kind] ?? .error, relationshipSeverity)
                let evidenceText = evidence.first.map { "“\(Auditor.quote(text.string($0.span)))”" } ?? "declared in the input"
                let message: String
                let location: Range<Int>
                let ruleID: String
                if let best {
                    let hit = labelHits[best.hit]
                    location = hit.span
                    ruleID = hit.rule.id
                    let label = "“\(Auditor.quote(text.string(hit.span)))”"
                    switch kind {
                    case .hidden: message = "\(label) discloses the \(category.phrase) (\(evidenceText)) but \(best.reason) [\(policy.name)]"
                    case .wrongLanguage: message = "\(label) is in \(languageName(label: hit.rule)), not the audience's language: \(best.reason) to disclose the \(category.phrase) (\(evidenceText))"
                    default: message = "\(label) does not clearly disclose the \(category.phrase) (\(evidenceText)): \(best.reason) [\(policy.name)]"
                    }
                } else if let first = evidence.first {
                    location = first.span
                    ruleID = first.rule.id
                    message = "Undisclosed \(category.phrase): \(first.rule.message) \(evidenceText) with no disclosure [\(policy.name)]"
                } else {
                    location = 0..<0
                    ruleID = "declared-relationship"
                    message = "Undisclosed \(category.phrase): the input declares this relationship but the post carries no disclosure [\(policy.name)]"
                }
                let position = span(location)
                findings.append(Finding(ruleId: ruleID, category: category, kind: kind, severity: severity, message: message,
                                        evidence: text.string(location), line: position.line, column: position.column, byteOffset: position.byteOffset,
                                        length: position.length, jurisdiction: policy.id,
                                        suggestion: suggestion(policy, category, language: language), help: policy.reference))
            }
            relationships.append(Relationship(
                category: category, declared: declared,
                evidence: evidence.map { Evidence(ruleId: $0.rule.id, text: text.string($0.span), message: $0.rule.message, span: span($0.span)) },
                verdicts: verdicts))
        }

        // Search engines ask that paid links in HTML say so (rel="sponsored").
        var flagged = Set<Range<Int>>()
        for hit in signalHits where hit.rule.category == .affiliate {
            guard case .url = hit.rule.matcher, flagged.insert(hit.span).inserted,
                  let link = links.first(where: { $0.urlSpan == hit.span }), link.rel != nil, !link.isMarkedPaid else { continue }
            let position = span(hit.span)
            findings.append(Finding(ruleId: "html.link-rel", category: .affiliate, kind: .unmarkedLink, severity: .note,
                                    message: "Affiliate link “\(Auditor.quote(text.string(hit.span)))” has no rel=\"sponsored\" (or nofollow), so search engines are not told it is paid",
                                    evidence: text.string(hit.span), line: position.line, column: position.column, byteOffset: position.byteOffset, length: position.length,
                                    jurisdiction: nil, suggestion: "rel=\"sponsored\"",
                                    help: "https://developers.google.com/search/docs/crawling-indexing/qualify-outbound-links"))
        }

        let disclosures = labelHits.enumerated().map { index, hit in
            Disclosure(ruleId: hit.rule.id, text: text.string(hit.span), language: hit.rule.language,
                       covers: hit.rule.covers.sorted(), span: span(hit.span), accepted: !acceptedBy[index].isEmpty,
                       acceptedBy: acceptedBy[index].sorted(), placement: placements[index].0)
        }
        findings.sort { ($0.byteOffset, $0.jurisdiction ?? "", $0.category) < ($1.byteOffset, $1.jurisdiction ?? "", $1.category) }
        return PostReport(path: post.path, record: post.record, id: post.id, author: post.author, url: post.url, platform: platform, market: post.market, language: language,
                          jurisdictions: jurisdictionIDs, relationships: relationships, disclosures: disclosures,
                          findings: findings, diagnostics: diagnostics(failures, post))
    }

    /// What gave up, said in words.
    private func diagnostics(_ failures: [(ruleID: String?, failure: MatchFailure)], _ post: Post) -> [String] {
        failures.map { ruleID, failure in
            ruleID.map { "rule '\($0)' gave up on \(describe(post)): \(failure)" }
                ?? "link extraction gave up on part of \(describe(post)): \(failure)"
        }
    }

    /// How one jurisdiction sees one label for one category: nil when the label
    /// is accepted and well placed, else the finding kind and why.
    private func judge(_ label: DisclosureRule, for category: Category, under policy: JurisdictionPolicy,
                       placement: (Placement, hashtagsBefore: Int), nearEvidence: Bool,
                       postLanguage: String?, platform: Platform) -> (FindingKind?, String) {
        let required = policy.requiredLanguage(postLanguage: postLanguage)
        guard policy.accepts[label.id]?.contains(category) == true else {
            if let reason = policy.insufficient[label.id] { return (.insufficient, reason) }
            if let reason = policy.conditional[label.id] { return (.insufficient, "on its own it is not enough: \(reason)") }
            if let required, label.language != required, rules.acceptedAtHome[label.id]?.contains(category) == true {
                return (.wrongLanguage, "\(policy.name) requires a label in \(languageName(required))")
            }
            return (.insufficient, "it is not a label \(policy.name) accepts for a \(category.phrase)")
        }
        // A jurisdiction that accepts labels in any language wants the audience's.
        if policy.language == JurisdictionPolicy.audienceLanguage, let required, label.language != required {
            return (.wrongLanguage, "\(policy.name) requires a label in the audience's language, \(languageName(required))")
        }
        let (position, hashtagsBefore) = placement
        if policy.placement.nearEvidence.contains(category) {
            return nearEvidence ? (nil, "") : (.hidden, "\(policy.name) wants the label right next to the \(category.phrase), on the same line or the line before")
        }
        if policy.placement.beforeFold, position.beforeFold == false {
            return (.hidden, "it sits after the \(platform.displayName) fold, so readers only see it after tapping “more”")
        }
        if let limit = policy.placement.hashtagsBeforeLabel, position.inTrailingHashtags, hashtagsBefore >= limit {
            return (.hidden, "it is buried in the trailing hashtags, after \(hashtagsBefore) other hashtags")
        }
        if policy.placement.beforeFirstAffiliateLink, platform.isLongForm, position.beforeFirstAffiliateLink == false {
            return (.hidden, "it comes after the first affiliate link")
        }
        return (nil, "")
    }

    /// Where one signal rule matches: pattern matches for text scopes, whole URL
    /// spans for URL rules.
    func signalSpans(_ rule: SignalRule, in text: SourceText, links: [Link], scratch: MatchScratch,
                     onFailure: (String, MatchFailure) -> Void) -> [Range<Int>] {
        func report(_ failure: MatchFailure) { onFailure(rule.id, failure) }
        switch rule.matcher {
        case let .text(pattern):
            return Auditor.spans(of: pattern, in: text, range: 0..<text.bytes.count, scratch: scratch, onFailure: report)
        case let .linkText(pattern):
            return links.compactMap(\.textSpan).flatMap { Auditor.spans(of: pattern, in: text, range: $0, scratch: scratch, onFailure: report) }
        case let .url(host, path, query):
            func matches(_ pattern: Pattern?, _ part: [UInt8]) -> Bool {
                guard let pattern else { return true }
                do {
                    return try part.withUnsafeBufferPointer { buffer throws(MatchFailure) in
                        try pattern.firstMatch(in: buffer, scratch: scratch)
                    } != nil
                } catch {
                    report(error)
                    return false
                }
            }
            // A link matches when the link itself or any destination unwrapped from it does.
            var spans: [Range<Int>] = []
            for link in links where link.candidates.contains(where: {
                matches(host, $0.hostUTF8) && matches(path, $0.pathUTF8) && matches(query, $0.queryUTF8)
            }) {
                spans.append(link.urlSpan)
            }
            return spans
        }
    }

    static func spans(of pattern: Pattern, in text: SourceText, range: Range<Int>, scratch: MatchScratch,
                      onFailure: (MatchFailure) -> Void) -> [Range<Int>] {
        do {
            return try text.bytes.withUnsafeBufferPointer { buffer throws(MatchFailure) in
                try pattern.allMatches(in: UnsafeBufferPointer(rebasing: buffer[range]), scratch: scratch)
            }.filter { !$0.isEmpty }  // a zero-width match is no evidence
                .map { ($0.lowerBound + range.lowerBound)..<($0.upperBound + range.lowerBound) }
        } catch {
            onFailure(error)
            return []
        }
    }

    /// What each rule's patterns took, and the link finder's, slowest first;
    /// rules that never ran are left out.
    public func ruleTimes(_ times: MatchTimes) -> [(name: String, time: MatchTimes.Entry)] {
        let rules = self.rules.signals.map { ($0.id, $0.matcher.patterns) } + self.rules.disclosures.map { ($0.id, [$0.pattern]) }
            + linkExtractor.patterns.map { ("(links: \($0.name))", [$0.pattern]) }
        return rules.map { name, patterns in (name: name, time: patterns.reduce(into: MatchTimes.Entry()) { $0 += times[$1] }) }
            .filter { $0.time.calls > 0 }
            .sorted { ($0.time.time, $1.name) > ($1.time.time, $0.name) }
    }

    /// The links the engine audits in a post's text (with the links its reader found).
    public func links(in text: SourceText, known: [Link]? = nil, scratch: MatchScratch) -> [Link] {
        linkExtractor.links(in: text, known: known, scratch: scratch)
    }

    /// The option's jurisdictions, else the post's market when rules exist for
    /// it, else the jurisdictions of the post's language.
    private func activeJurisdictions(post: Post, language: String?, options: AuditOptions) -> [String] {
        if !options.jurisdictions.isEmpty { return options.jurisdictions }
        if let market = post.market?.lowercased(), rules.jurisdiction(market) != nil { return [market] }
        let audience = language ?? options.fallbackLanguage
        return automaticJurisdictions[audience] ?? automaticJurisdictions[options.fallbackLanguage] ?? []
    }

    /// The disclosure to suggest. A jurisdiction that takes labels in the
    /// audience's language (the EU baseline) suggests what that language's home
    /// jurisdiction does.
    private func suggestion(_ policy: JurisdictionPolicy, _ category: Category, language: String?) -> String {
        guard policy.language == JurisdictionPolicy.audienceLanguage,
              let home = automaticJurisdictions[language ?? "en"]?.first.flatMap({ rules.jurisdiction($0) })
        else { return policy.suggestion(for: category) }
        return home.suggestion(for: category)
    }

    private func languageName(_ id: String) -> String { rules.language(id)?.name ?? id }
    private func languageName(label: DisclosureRule) -> String { languageName(label.language) }

    private func describe(_ post: Post) -> String {
        var description = post.path
        if let record = post.record { description += ":\(record)" }
        if let id = post.id { description += " (post \(id))" }
        return description
    }

    static func quote(_ text: String) -> String {
        // Most quotes are short and on one line, and are kept as they are.
        if text.utf8.count <= 60, !Auditor.mayBreakLines(text) { return text }
        // Its lines joined by spaces, empty ones dropped, read as UTF-8: a line
        // break (what `Character.isNewline` sees) is always a scalar of its own.
        let bytes = Array(text.utf8)
        var flat: [UInt8] = []
        flat.reserveCapacity(bytes.count)
        var index = 0, lineStart = 0
        func endLine(at end: Int) {
            guard end > lineStart else { return }
            if !flat.isEmpty { flat.append(0x20) }
            flat += bytes[lineStart..<end]
        }
        while index < bytes.count {
            let breakLength = Auditor.lineBreakLength(bytes, at: index)
            guard breakLength > 0 else {
                index += 1
                continue
            }
            endLine(at: index)
            index += breakLength
            lineStart = index
        }
        endLine(at: bytes.count)
        // At most 60 scalars: else the first 59 and an ellipsis.
        var scalars = 0
        for (offset, byte) in flat.enumerated() where byte & 0xC0 != 0x80 {
            if scalars == 59, flat[offset...].count(where: { $0 & 0xC0 != 0x80 }) > 1 {
                return String(decoding: flat[..<offset], as: UTF8.self) + "…"
            }
            scalars += 1
        }
        return String(decoding: flat, as: UTF8.self)
    }

    /// Whether the text may hold a line break as `Character.isNewline` sees it:
    /// LF, VT, FF, CR, U+0085, U+2028 or U+2029.
    static func mayBreakLines(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in bytes.indices.contains { lineBreakLength(bytes, at: $0) > 0 } }
    }

    /// The length in bytes of the line break starting at `index` (one of
    /// those above), or 0.
    private static func lineBreakLength<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, at index: Int) -> Int
    where Bytes.Index == Int {
        let byte = bytes[index]
        if byte >= 0x0A && byte <= 0x0D { return 1 }
        if byte == 0xC2, index + 1 < bytes.endIndex, bytes[index + 1] == 0x85 { return 2 }
        if byte == 0xE2, index + 2 < bytes.endIndex, bytes[index + 1] == 0x80, bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9 { return 3 }
        return 0
    }
}
