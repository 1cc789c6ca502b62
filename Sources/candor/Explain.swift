import ArgumentParser
import CandorCore
import Foundation

extension Rules {
    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "explain",
            abstract: "Show one rule: what it matches, why, where it comes from, and its examples.")
        @Argument(help: "A rule id (see `candor rules list`) or a jurisdiction id.") var id: String
        @OptionGroup var rules: RuleOptions

        func run() throws {
            let set = try rules.load()
            var lines: [String] = []
            if let rule = set.signals.first(where: { $0.id == id }) {
                lines += ["\(rule.id): signal of a \(rule.category.phrase) (\(rule.category.rawValue)), severity \(rule.severity.rawValue)",
                          "  \(rule.message)", "  defined at \(rule.location)"]
                if let reference = rule.reference { lines.append("  reference: \(reference)") }
                switch rule.matcher {
                case let .text(pattern): lines.append("  matches post text: \(pattern.source)")
                case let .linkText(pattern): lines.append("  matches link text: \(pattern.source)")
                case let .url(host, path, query):
                    lines.append("  matches each link's normalised URL:")
                    for (part, pattern) in [("host", host), ("path", path), ("query", query)] {
                        if let pattern { lines.append("    \(part): \(pattern.source)") }
                    }
                }
                if !rule.keywords.isEmpty { lines.append("  runs only when the post contains: \(rule.keywords.joined(separator: ", "))") }
                lines += examples(rule.examples)
            } else if let label = set.disclosures.first(where: { $0.id == id }) {
                let covers = label.covers.count == Category.allCases.count ? "every category" : label.covers.sorted().map(\.rawValue).joined(separator: ", ")
                lines += ["\(label.id): disclosure label in \(set.language(label.language)?.name ?? label.language), covers \(covers)",
                          "  \(label.message)", "  defined at \(label.location)", "  pattern: \(label.pattern.source)"]
                if let reference = label.reference { lines.append("  reference: \(reference)") }
                lines.append("  how each jurisdiction sees it:")
                for policy in set.jurisdictions.values.sorted(by: { $0.id < $1.id }) {
                    if let categories = policy.accepts[label.id] {
                        lines.append("    \(policy.id): accepted for \(categories.count == Category.allCases.count ? "every category" : categories.sorted().map(\.rawValue).joined(separator: ", "))")
                    } else if let reason = policy.conditional[label.id] {
                        lines.append("    \(policy.id): conditional: \(reason)")
                    } else if let reason = policy.insufficient[label.id] {
                        lines.append("    \(policy.id): insufficient: \(reason)")
                    } else {
                        let foreign = policy.language != label.language && policy.language != JurisdictionPolicy.audienceLanguage
                        lines.append("    \(policy.id): " + (foreign && set.isAcceptedAtHome(label.id) ? "wrong language for this audience" : "not accepted"))
                    }
                }
                lines += examples(label.examples)
            } else if let policy = set.jurisdiction(id.hasPrefix("jurisdiction:") ? String(id.dropFirst(13)) : id) {
                lines += Jurisdictions.describe(policy, in: set)
            } else {
                throw ValidationError("no rule or jurisdiction '\(id)' (see `candor rules list`)")
            }
            writeOut(lines.joined(separator: "\n") + "\n")
        }

        private func examples(_ examples: RuleExamples) -> [String] {
            guard !examples.match.isEmpty else { return [] }
            return ["  matches (⟦span⟧):"] + examples.match.map { example in
                var text = example.text
                for span in example.spans.reversed() {
                    var bytes = Array(text.utf8)
                    bytes.insert(contentsOf: Array("⟧".utf8), at: span.upperBound)
                    bytes.insert(contentsOf: Array("⟦".utf8), at: span.lowerBound)
                    text = String(decoding: bytes, as: UTF8.self)
                }
                return "    " + text
            } + ["  does not match:"] + examples.noMatch.map { "    " + $0.text }
        }
    }

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "stats", abstract: "Count rules per category and language, and examples.")
        @OptionGroup var rules: RuleOptions

        func run() throws {
            let set = try rules.load()
            let languages = set.languages.map(\.id)
            func language(of id: String) -> String {
                languages.first { id.contains(".\($0).") } ?? "any"
            }
            var table = "| category | " + (languages + ["any"]).joined(separator: " | ") + " |\n|---|" + String(repeating: "---:|", count: languages.count + 1) + "\n"
            for category in Category.allCases {
                let signals = set.signals.filter { $0.category == category }
                let counts = (languages + ["any"]).map { lang in signals.filter { language(of: $0.id) == lang }.count }
                table += "| \(category.rawValue) | " + counts.map(String.init).joined(separator: " | ") + " |\n"
            }
            let labels = languages.map { lang in set.disclosures.filter { $0.language == lang }.count }
            table += "| disclosure labels | " + labels.map(String.init).joined(separator: " | ") + " | |\n"
            let result = RuleSelfTest(rules: set).runAll()
            writeOut(table + "\n\(set.signals.count) signals, \(set.disclosures.count) labels, \(set.jurisdictions.count) jurisdictions, \(set.languages.count) languages; \(result.examples) examples.\n")
        }
    }
}

struct Jurisdictions: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "jurisdictions", abstract: "List what each jurisdiction accepts and requires.")
    @Argument(help: "Jurisdiction ids to show (default: all).") var ids: [String] = []
    @OptionGroup var rules: RuleOptions

    func run() throws {
        let set = try rules.load()
        let chosen = ids.isEmpty ? set.jurisdictions.keys.sorted() : ids
        var blocks: [String] = []
        for id in chosen {
            guard let policy = set.jurisdiction(id) else { throw ValidationError("unknown jurisdiction '\(id)'") }
            blocks.append(Self.describe(policy, in: set).joined(separator: "\n"))
        }
        writeOut(blocks.joined(separator: "\n\n") + "\n")
    }

    static func describe(_ policy: JurisdictionPolicy, in set: RuleSet) -> [String] {
        let language = policy.language == JurisdictionPolicy.audienceLanguage ? "the audience's language" : (set.language(policy.language)?.name ?? policy.language)
        func label(_ id: String) -> String {
            guard let rule = set.disclosures.first(where: { $0.id == id }) else { return id }
            return "\(id) (\(rule.message))"
        }
        var lines = ["\(policy.id): \(policy.name)\(policy.automatic ? "" : " [only with --jurisdiction or a market]")",
                     "  labels in \(language); source: \(policy.reference)", "  accepts:"]
        for (id, categories) in policy.accepts.sorted(by: { $0.key < $1.key }) {
            let scope = categories.count == Category.allCases.count ? "all" : categories.sorted().map(\.rawValue).joined(separator: ", ")
            lines.append("    \(label(id)): \(scope)")
        }
        if !policy.conditional.isEmpty {
            lines.append("  conditional (not enough alone):")
            for (id, reason) in policy.conditional.sorted(by: { $0.key < $1.key }) { lines.append("    \(id): \(reason)") }
        }
        if !policy.insufficient.isEmpty {
            lines.append("  insufficient:")
            for (id, reason) in policy.insufficient.sorted(by: { $0.key < $1.key }) { lines.append("    \(id): \(reason)") }
        }
        var placement: [String] = []
        if policy.placement.beforeFold { placement.append("before the platform's fold") }
        if let count = policy.placement.hashtagsBeforeLabel { placement.append("not after \(count) or more hashtags in the trailing block") }
        if policy.placement.beforeFirstAffiliateLink { placement.append("before the first affiliate link in long-form posts") }
        if !policy.placement.nearEvidence.isEmpty { placement.append("next to the evidence for \(policy.placement.nearEvidence.sorted().map(\.rawValue).joined(separator: ", "))") }
        lines.append("  placement: " + (placement.isEmpty ? "anywhere" : placement.joined(separator: "; ")))
        lines.append("  suggests: \(policy.defaultSuggestion)")
        return lines
    }
}
