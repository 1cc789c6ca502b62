import CandorPCRE
import Yams

/// Reads a partners file: relationships a brand or creator already knows about.
/// Each entry becomes signal rules for its handles, domains and codes, so a post
/// that mentions a declared partner carries that relationship.
///
/// ```yaml
/// partners:
///   - name: Calzedonia
///     handles: ["@calzedonia", "#calzedonia"]
///     domains: [calzedonia.com]
///     codes: [JEN70]
///     relationship: ambassador
///     markets: [uk, it]
///     from: 2026-01-01
///     until: 2026-12-31
/// ```
enum PartnerLoader {
    static func load(file path: String, into loaded: inout RuleLoader.Loaded) {
        guard let (file, root) = RuleLoader.open(path, what: "partners file", errors: &loaded.errors) else { return }
        defer { loaded.errors += file.errors }
        guard let top = file.fields(root, allowed: ["partners"], what: "a partners file"),
              let list = top["partners"] else {
            if root.mapping != nil { file.error(root, "a partners file needs a 'partners' list") }
            return
        }
        guard let entries = list.sequence else { file.error(list, "'partners' must be a list"); return }
        for entry in entries { loaded.signals += partner(entry, in: file) }
    }

    private static func partner(_ node: Node, in file: YAMLFile) -> [SignalRule] {
        let keys = ["name", "handles", "domains", "codes", "relationship", "markets", "from", "until"]
        guard let fields = file.fields(node, allowed: keys, what: "a partner") else { return [] }
        let name = fields.string("name")
        let category = fields.enumValue("relationship", Category.self)
        let handles = fields.strings("handles") ?? [], domains = fields.strings("domains") ?? [], codes = fields.strings("codes") ?? []
        if handles.isEmpty && domains.isEmpty && codes.isEmpty {
            file.error(node, "a partner needs at least one of handles, domains or codes")
        }
        for handle in handles where !(handle.hasPrefix("@") || handle.hasPrefix("#")) || handle.count < 2 {
            file.error(fields["handles"], "'\(handle)' is not a handle or hashtag (start it with @ or #)")
        }
        for domain in domains where domain.contains("/") || !domain.contains(".") {
            file.error(fields["domains"], "'\(domain)' is not a domain name (like brand.com)")
        }
        let from = date(fields, "from"), until = date(fields, "until")
        let markets = Set((fields.strings("markets") ?? []).map { $0.lowercased() })
        guard let name, let category else { return [] }

        let slug = name.lowercased().map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
        let condition = SignalCondition(markets: markets, from: from, until: until)
        let location = file.location(node)
        let none = RuleExamples(match: [], noMatch: [])
        func rule(_ kind: String, _ matcher: SignalMatcher, _ what: String) -> SignalRule {
            SignalRule(id: "partner.\(slug).\(kind)", category: category, severity: .error,
                       message: "declared \(category.phrase) with \(name) (\(what))", reference: nil, keywords: [],
                       matcher: matcher, examples: none, location: location, condition: condition)
        }
        var rules: [SignalRule] = []
        // Partner values are literals; \Q…\E keeps them so.
        if !handles.isEmpty, let pattern = try? Pattern("(?<![\\w@#])(?:" + handles.map { "\\Q\($0)\\E" }.joined(separator: "|") + ")(?![\\w.]*\\w)", options: [.caseInsensitive]) {
            rules.append(rule("handle", .text(pattern), "its handle"))
        }
        if !codes.isEmpty, let pattern = try? Pattern("(?<![\\w])(?:" + codes.map { "\\Q\($0)\\E" }.joined(separator: "|") + ")(?!\\w)") {
            rules.append(rule("code", .text(pattern), "its discount code"))
        }
        if !domains.isEmpty, let pattern = try? Pattern("(?:^|\\.)(?:" + domains.map { "\\Q\($0.lowercased().replacingOccurrences(of: "www.", with: ""))\\E" }.joined(separator: "|") + ")$") {
            rules.append(rule("domain", .url(host: pattern, path: nil, query: nil), "a link to its site"))
        }
        return rules
    }

    private static func date(_ fields: Fields, _ key: String) -> String? {
        guard let value = fields[key] else { return nil }
        guard let text = value.scalar?.string, text.count == 10, text.wholeMatch(of: /\d{4}-\d{2}-\d{2}/) != nil else {
            fields.file.error(value, "'\(key)' must be a date like 2026-01-31")
            return nil
        }
        return text
    }
}
