import CandorPCRE
import Foundation
import Yams

/// Reads rule files in two phases: strict YAML decoding with positions, then
/// compilation of every pattern. All problems are collected and reported together.
enum RuleLoader {
    struct Loaded {
        var signals: [SignalRule] = []
        var disclosures: [DisclosureRule] = []
        var jurisdictions: [JurisdictionPolicy] = []
        var languages: [LanguageProfile] = []
        /// Policy label references, checked once every file is read.
        var labelReferences: [(id: String, location: SourceLocation)] = []
        var errors: [RuleError] = []

        mutating func append(_ other: Loaded) {
            signals += other.signals
            disclosures += other.disclosures
            jurisdictions += other.jurisdictions
            languages += other.languages
            labelReferences += other.labelReferences
            errors += other.errors
        }
    }

    /// Loads rule files on every core (parsing YAML and compiling patterns is
    /// most of a one-post audit) and gathers them in the order given.
    static func load(files paths: [String], into loaded: inout Loaded) {
        var each = [Loaded](repeating: Loaded(), count: paths.count)
        each.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let slots = buffer  // each file writes only its own slot
            DispatchQueue.concurrentPerform(iterations: paths.count) { index in load(file: paths[index], into: &slots[index]) }
        }
        for file in each { loaded.append(file) }
    }

    static let spanOpen = "⟦", spanClose = "⟧"
    private static let spanOpenScalar: Unicode.Scalar = "⟦", spanCloseScalar: Unicode.Scalar = "⟧"

    static func ruleFiles(in directory: String) throws -> [String] {
        let root = URL(fileURLWithPath: directory)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw RuleLoadError(errors: [RuleError(SourceLocation(file: directory, line: 1, column: 1), "rule folder does not exist")])
        }
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil, options: [.skipsHiddenFiles])
        var files: [String] = []
        while let url = enumerator?.nextObject() as? URL {
            if ["yml", "yaml"].contains(url.pathExtension) { files.append(url.path) }
        }
        return files.sorted()
    }

    /// Reads and parses one YAML file. Problems found later are recorded on the
    /// returned file; reading problems go straight to `errors`. Nil when unreadable.
    static func open(_ path: String, what: String, errors: inout [RuleError]) -> (YAMLFile, Node)? {
        let start = SourceLocation(file: path, line: 1, column: 1)
        guard let data = FileManager.default.contents(atPath: path) else {
            errors.append(RuleError(start, "cannot read \(what)"))
            return nil
        }
        guard let text = String(data: data, encoding: .utf8) else {
            errors.append(RuleError(start, "\(what) is not valid UTF-8"))
            return nil
        }
        do {
            // Rule fields read scalars as text, so YAML's type tags (which Yams
            // resolves with a regular expression per scalar) are not needed. The
            // encoding is named because Yams's default reads the whole environment.
            guard let root = try Yams.compose(yaml: text, .basic, .default, .utf8) else {
                errors.append(RuleError(start, "\(what) is empty"))
                return nil
            }
            return (YAMLFile(path: path, text: text), root)
        } catch {
            errors.append(yamlError(error, path: path))
            return nil
        }
    }

    static func load(file path: String, into loaded: inout Loaded) {
        guard let (file, root) = open(path, what: "rule file", errors: &loaded.errors) else { return }
        defer { loaded.errors += file.errors }
        guard let top = file.fields(root, allowed: ["signals", "disclosures", "jurisdiction", "languages"], what: "a rule file") else { return }
        guard top.values.count == 1 else {
            file.error(root, "a rule file holds exactly one of: signals, disclosures, jurisdiction, languages")
            return
        }
        if let list = top["signals"] {
            for item in sequence(list, in: file, what: "signals") {
                if let rule = signal(item, in: file) { loaded.signals.append(rule) }
            }
        } else if let list = top["disclosures"] {
            for item in sequence(list, in: file, what: "disclosures") {
                if let rule = disclosure(item, in: file) { loaded.disclosures.append(rule) }
            }
        } else if let node = top["jurisdiction"] {
            if let policy = jurisdiction(node, in: file, references: &loaded.labelReferences) { loaded.jurisdictions.append(policy) }
        } else if let list = top["languages"] {
            for item in sequence(list, in: file, what: "languages") {
                if let profile = language(item, in: file) { loaded.languages.append(profile) }
            }
        }
    }

    private static func sequence(_ node: Node, in file: YAMLFile, what: String) -> [Node] {
        guard let items = node.sequence else {
            file.error(node, "'\(what)' must be a list")
            return []
        }
        return Array(items)
    }

    // MARK: Rule kinds

    private static let commonKeys = ["id", "message", "reference", "keywords", "ignore-case", "examples"]

    private static func signal(_ node: Node, in file: YAMLFile) -> SignalRule? {
        guard let fields = file.fields(node, allowed: commonKeys + ["category", "severity", "text", "link-text", "url"], what: "a signal") else { return nil }
        let id = fields.string("id")
        let category = fields.enumValue("category", Category.self)
        let severity = fields.enumValue("severity", Severity.self)
        let message = fields.string("message")
        let options = patternOptions(fields)
        let scopes = ["text", "link-text", "url"].filter { fields[$0] != nil }
        var matcher: SignalMatcher?
        if scopes.count != 1 {
            file.error(node, "a signal needs exactly one of text, link-text or url")
        } else if let text = fields["text"] {
            matcher = compile(text, options: options, in: file).map(SignalMatcher.text)
        } else if let linkText = fields["link-text"] {
            matcher = compile(linkText, options: options, in: file).map(SignalMatcher.linkText)
        } else if let url = fields["url"], let parts = file.fields(url, allowed: ["host", "path", "query"], what: "a url matcher") {
            let compiled = ["host", "path", "query"].map { key in parts[key].flatMap { compile($0, options: options, in: file) } }
            if parts.values.isEmpty { file.error(url, "a url matcher needs at least one of host, path, query") }
            if compiled.compactMap({ $0 }).count == parts.values.count, !parts.values.isEmpty {
                matcher = .url(host: compiled[0], path: compiled[1], query: compiled[2])
            }
        }
        let examples = self.examples(fields, in: file, marked: true)
        guard let id, let category, let severity, let message, let matcher, let examples else { return nil }
        return SignalRule(id: id, category: category, severity: severity, message: message,
                          reference: fields.string("reference", required: false), keywords: keywords(fields),
                          matcher: matcher, examples: examples, location: file.location(node))
    }

    private static func disclosure(_ node: Node, in file: YAMLFile) -> DisclosureRule? {
        guard let fields = file.fields(node, allowed: commonKeys + ["language", "covers", "pattern"], what: "a disclosure") else { return nil }
        let id = fields.string("id")
        let language = fields.string("language")
        let covers = fields.categories("covers")
        if fields["covers"] == nil { file.error(node, "a disclosure is missing required key 'covers'") }
        let message = fields.string("message")
        var pattern: Pattern?
        if let patternNode = fields["pattern"] {
            pattern = compile(patternNode, options: patternOptions(fields), in: file)
        } else {
            file.error(node, "a disclosure is missing required key 'pattern'")
        }
        let examples = self.examples(fields, in: file, marked: true)
        guard let id, let language, let covers, let message, let pattern, let examples else { return nil }
        return DisclosureRule(id: id, language: language, covers: covers, message: message,
                              reference: fields.string("reference", required: false), keywords: keywords(fields),
                              pattern: pattern, examples: examples, location: file.location(node))
    }

    private static func jurisdiction(_ node: Node, in file: YAMLFile,
                                     references: inout [(id: String, location: SourceLocation)]) -> JurisdictionPolicy? {
        let keys = ["id", "name", "language", "reference", "automatic", "accepts", "insufficient", "conditional", "placement", "severity", "suggestions", "examples"]
        guard let fields = file.fields(node, allowed: keys, what: "a jurisdiction") else { return nil }
        let id = fields.string("id"), name = fields.string("name"), language = fields.string("language")
        let reference = fields.string("reference")

        var accepts: [String: Set<Category>] = [:]
        if let node = fields["accepts"], let mapping = node.mapping {
            for (key, value) in mapping {
                guard let label = key.string else { continue }
                references.append((label, file.location(key)))
                let entry = Fields(file: file, node: node, values: ["accepts": value], keyNodes: [:], what: "accepts")
                accepts[label] = entry.categories("accepts")
            }
        } else if fields["accepts"] != nil {
            file.error(fields["accepts"], "'accepts' maps label ids to categories")
        } else {
            file.error(node, "a jurisdiction is missing required key 'accepts'")
        }

        /// A map of label id → reason, as used by `insufficient` and `conditional`.
        func reasons(_ key: String) -> [String: String] {
            guard let node = fields[key] else { return [:] }
            guard let mapping = node.mapping else {
                file.error(node, "'\(key)' maps label ids to the reason they fall short")
                return [:]
            }
            var result: [String: String] = [:]
            for (keyNode, value) in mapping {
                guard let label = keyNode.string else { continue }
                references.append((label, file.location(keyNode)))
                if let reason = value.scalar?.string, !reason.isEmpty { result[label] = reason } else { file.error(value, "give the reason '\(label)' is \(key)") }
            }
            return result
        }
        let insufficient = reasons("insufficient"), conditional = reasons("conditional")

        var placement = PlacementPolicy(beforeFold: false, hashtagsBeforeLabel: nil, beforeFirstAffiliateLink: false, nearEvidence: [])
        if let node = fields["placement"], let rules = file.fields(node, allowed: ["before-fold", "hashtags-before-label", "before-first-affiliate-link", "near-evidence"], what: "placement") {
            placement.beforeFold = rules.bool("before-fold") ?? false
            placement.hashtagsBeforeLabel = rules.int("hashtags-before-label")
            placement.beforeFirstAffiliateLink = rules.bool("before-first-affiliate-link") ?? false
            placement.nearEvidence = rules.categories("near-evidence") ?? []
        }

        var severities: [FindingKind: Severity] = [.insufficient: .error, .hidden: .error, .wrongLanguage: .error]
        if let node = fields["severity"], let given = file.fields(node, allowed: ["insufficient", "hidden", "wrong-language"], what: "severity") {
            for kind in [FindingKind.insufficient, .hidden, .wrongLanguage] {
                if let severity = given.enumValue(kind.rawValue, Severity.self, required: false) { severities[kind] = severity }
            }
        }

        var suggestions: [Category: String] = [:]
        var defaultSuggestion: String?
        if let node = fields["suggestions"], let given = file.fields(node, allowed: ["default"] + Category.allCases.map(\.rawValue), what: "suggestions") {
            defaultSuggestion = given.string("default")
            for category in Category.allCases { suggestions[category] = given.string(category.rawValue, required: false) }
        } else if fields["suggestions"] == nil {
            file.error(node, "a jurisdiction is missing required key 'suggestions'")
        }

        var examples: [PolicyExample] = []
        if let node = fields["examples"] {
            for item in sequence(node, in: file, what: "examples") {
                if let example = policyExample(item, in: file) { examples.append(example) }
            }
        }
        if examples.isEmpty { file.error(node, "a jurisdiction needs at least one example post with its expected verdicts") }

        guard let id, let name, let language, let reference, let defaultSuggestion else { return nil }
        return JurisdictionPolicy(id: id, name: name, language: language, reference: reference,
                                  automatic: fields.bool("automatic") ?? true, accepts: accepts,
                                  insufficient: insufficient, conditional: conditional, placement: placement, severities: severities,
                                  suggestions: suggestions, defaultSuggestion: defaultSuggestion,
                                  examples: examples, location: file.location(node))
    }

    private static func policyExample(_ node: Node, in file: YAMLFile) -> PolicyExample? {
        guard let fields = file.fields(node, allowed: ["post", "platform", "expect"], what: "a jurisdiction example") else { return nil }
        let text = fields.string("post")
        let platform = fields.enumValue("platform", Platform.self, required: false)
        var expect: [Category: Verdict] = [:]
        if let node = fields["expect"], let mapping = node.mapping {
            for (key, value) in mapping {
                guard let category = key.string.flatMap(Category.init(rawValue:)) else {
                    file.error(key, "'\(key.string ?? "")' is not a category")
                    continue
                }
                guard let verdict = value.string.flatMap(Verdict.init(name:)) else {
                    file.error(value, "'\(value.string ?? "")' is not a verdict (expected disclosed, \(FindingKind.allCases.map(\.rawValue).joined(separator: ", ")))")
                    continue
                }
                expect[category] = verdict
            }
        } else {
            file.error(node, "a jurisdiction example needs 'expect', a mapping of category to verdict ({} for none)")
        }
        guard let text else { return nil }
        return PolicyExample(text: text, platform: platform, expect: expect, location: file.location(node))
    }

    private static func language(_ node: Node, in file: YAMLFile) -> LanguageProfile? {
        guard let fields = file.fields(node, allowed: ["id", "name", "words", "examples"], what: "a language") else { return nil }
        let id = fields.string("id"), name = fields.string("name")
        let words = fields.strings("words")
        if words == nil { file.error(node, "a language is missing required key 'words'") }
        for word in words ?? [] where word.lowercased().utf8.count > PackedWord.capacity {
            file.error(fields["words"], "the language word '\(word)' is longer than \(PackedWord.capacity) bytes of UTF-8, which the detector never reads as one word")
        }
        let examples = self.examples(fields, in: file, marked: false)
        guard let id, let name, let words, let examples else { return nil }
        return LanguageProfile(id: id, name: name, words: Set(words.map { $0.lowercased() }), examples: examples, location: file.location(node))
    }

    // MARK: Shared pieces

    private static func patternOptions(_ fields: Fields) -> PatternOptions {
        (fields.bool("ignore-case") ?? true) ? [.caseInsensitive] : []
    }

    private static func keywords(_ fields: Fields) -> [String] {
        // A post may part two words with any whitespace (a tab, a line break,
        // a no-break space), which a keyword matched byte for byte would miss.
        let items = fields["keywords"]?.sequence.map(Array.init) ?? fields["keywords"].map { [$0] } ?? []
        for item in items where item.scalar?.string.contains(where: \.isWhitespace) == true {
            fields.file.error(item, "keyword '\(item.scalar!.string)' holds whitespace; a post may part those words with any space, tab or line break, so use one of the words")
        }
        return (fields.strings("keywords") ?? []).map { $0.lowercased() }
    }

    /// Compiles a pattern, mapping PCRE2's error offset to the rule file, and
    /// rejects patterns that match empty text (they would flag every post).
    private static func compile(_ node: Node, options: PatternOptions, in file: YAMLFile) -> Pattern? {
        guard let source = node.scalar?.string, !source.isEmpty else {
            file.error(node, "a pattern must be a non-empty string")
            return nil
        }
        do {
            let pattern = try Pattern(source, options: options)
            if pattern.matchesEmptyText {
                file.error(node, "pattern matches empty text")
                return nil
            }
            return pattern
        } catch {
            file.errors.append(RuleError(file.location(ofOffset: error.offset, in: node), "pattern does not compile: \(error.message)"))
            return nil
        }
    }

    private static func examples(_ fields: Fields, in file: YAMLFile, marked: Bool) -> RuleExamples? {
        guard let node = fields["examples"] else {
            file.error(fields.node, "\(fields.what) is missing required key 'examples' (match and no-match)")
            return nil
        }
        guard let lists = file.fields(node, allowed: ["match", "no-match"], what: "examples") else { return nil }
        let key = fields.keyNodes["examples"]
        var valid = true
        func parse(_ name: String, marked: Bool) -> [RuleExample] {
            let items = lists[name].map { sequence($0, in: file, what: name) } ?? []
            if items.isEmpty { file.error(key, "\(fields.what) needs at least one '\(name)' example") }
            return items.compactMap { item in
                guard let text = item.scalar?.string else { file.error(item, "an example must be a string"); valid = false; return nil }
                guard let parsed = example(text, node: item, in: file, marked: marked) else { valid = false; return nil }
                return parsed
            }
        }
        let match = parse("match", marked: marked), noMatch = parse("no-match", marked: false)
        return valid && !match.isEmpty && !noMatch.isEmpty ? RuleExamples(match: match, noMatch: noMatch) : nil
    }

    /// Removes ⟦ ⟧ markers and records the byte ranges they enclosed.
    private static func example(_ raw: String, node: Node, in file: YAMLFile, marked: Bool) -> RuleExample? {
        // Scalar by scalar: the markers are single scalars, and rules load on every run.
        var text: [UInt8] = [], spans: [Range<Int>] = [], open: Int?
        for scalar in raw.unicodeScalars {
            switch scalar {
            case spanOpenScalar where open == nil && marked: open = text.count
            case spanCloseScalar where open != nil && marked:
                spans.append(open!..<text.count)
                open = nil
            case spanOpenScalar, spanCloseScalar:
                file.error(node, marked ? "unbalanced \(spanOpen)…\(spanClose) in example" : "only 'match' examples mark spans with \(spanOpen)…\(spanClose)")
                return nil
            default: text.append(contentsOf: UTF8.encode(scalar)!)
            }
        }
        if open != nil {
            file.error(node, "unbalanced \(spanOpen)…\(spanClose) in example")
            return nil
        }
        if marked && spans.isEmpty {
            file.error(node, "a 'match' example must mark the expected span with \(spanOpen)…\(spanClose)")
            return nil
        }
        return RuleExample(text: String(decoding: text, as: UTF8.self), spans: spans, location: file.location(node))
    }

    static func yamlError(_ error: Error, path: String) -> RuleError {
        func at(_ mark: Mark, _ message: String) -> RuleError {
            RuleError(SourceLocation(file: path, line: mark.line, column: mark.column), "invalid YAML: \(message)")
        }
        switch error as? YamlError {
        case let .scanner(context, problem, mark, _)?, let .parser(context, problem, mark, _)?, let .composer(context, problem, mark, _)?:
            return at(mark, [context?.text, problem].compactMap { $0 }.joined(separator: " "))
        case let .duplicatedKeysInMapping(duplicates, context)?:
            return at(context.mark, "duplicate key \(duplicates.map { "'\($0)'" }.joined(separator: ", "))")
        default:
            return RuleError(SourceLocation(file: path, line: 1, column: 1), "invalid YAML: \(error)")
        }
    }
}
