import Foundation

/// SARIF 2.1.0 for code-scanning tools: one run whose driver lists every rule
/// the rule set can report, sorted by id so `ruleIndex` is stable between runs,
/// and one result per finding. Streamed like the JSON document: the tool first,
/// then each post's results as it is audited.
final class SARIFReporter: Reporter {
    static let schema = "https://json.schemastore.org/sarif-2.1.0.json"
    /// The key under `partialFingerprints`; the version follows Fingerprint's definition.
    static let fingerprintKey = "candor/v\(Fingerprint.version)"

    let write: (String) -> Void
    private let rules: [Descriptor]
    private let ruleIndex: [String: Int]
    private var started = false
    private var firstResult = true

    init(rules: RuleSet?, write: @escaping (String) -> Void) {
        self.write = write
        self.rules = rules.map(Self.descriptors) ?? []
        ruleIndex = Dictionary(self.rules.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    func report(_ report: PostReport, text: SourceText) { self.report(report, text: text, fix: nil) }

    /// `fix` goes with each result it mends.
    func report(_ report: PostReport, text: SourceText, fix: Fixer.Fix?) {
        var output = start()
        let open = Set(fix.map { Fingerprint.of($0.report) } ?? [])
        for (finding, fingerprint) in zip(report.findings, Fingerprint.of(report)) {
            let mended = Fixer.needsDisclosure(finding) && !open.contains(fingerprint) ? fix : nil
            output += (firstResult ? "\n" : ",\n") + result(finding, fingerprint: fingerprint, report: report, document: text.document, fix: mended)
            firstResult = false
        }
        if !output.isEmpty { write(output) }
    }

    func finish(_ summary: AuditSummary) {
        write(start() + "\n],\"properties\":{\"summary\":" + ReportJSON.encode(summary) + "}}]}\n")
    }

    /// The document up to the opening of `results`, once.
    private func start() -> String {
        guard !started else { return "" }
        started = true
        let out = JSONOut()
        out.key("tool")
        out.object {
            out.key("driver")
            out.object {
                out.field("name", "candor")
                out.field("version", CandorVersion.current)
                out.field("semanticVersion", CandorVersion.current)
                out.key("rules")
                out.array(rules) { rule in rule.write(to: out) }
            }
        }
        out.field("columnKind", "unicodeCodePoints")
        out.key("originalUriBaseIds")
        out.object {
            out.key("SRCROOT")
            out.object { out.field("uri", Self.directoryURI(FileManager.default.currentDirectoryPath)) }
        }
        return "{\"$schema\":\"\(Self.schema)\",\"version\":\"2.1.0\",\"runs\":[{" + out.text + ",\"results\":["
    }

    private func result(_ finding: Finding, fingerprint: String, report: PostReport, document: SourceText, fix: Fixer.Fix?) -> String {
        let out = JSONOut()
        out.object {
            out.field("ruleId", finding.ruleId)
            if let index = ruleIndex[finding.ruleId] { out.field("ruleIndex", index) }
            out.field("level", finding.severity.rawValue)
            out.key("message")
            out.object { out.field("text", "\(finding.message). Fix: \(TextReporter.advice(finding, platform: report.platform)).") }
            let artifact = artifact(report.path)
            out.key("locations")
            out.array([artifact]) { artifact in
                out.object {
                    out.key("physicalLocation")
                    out.object {
                        out.key("artifactLocation")
                        artifactLocation(artifact, out: out)
                        out.key("region")
                        out.object { region(finding, record: report.record, document: document, out: out) }
                    }
                }
            }
            if let fix {
                // An insertion: an empty region where the disclosure goes, and what goes there.
                let at = document.position(of: fix.offset)
                out.key("fixes")
                out.array([fix]) { fix in
                    out.object {
                        out.key("description")
                        out.object { out.field("text", "Add " + fix.added.map { "“\($0)”" }.joined(separator: " and ")) }
                        out.key("artifactChanges")
                        out.array([artifact]) { artifact in
                            out.object {
                                out.key("artifactLocation")
                                artifactLocation(artifact, out: out)
                                out.key("replacements")
                                out.array([fix]) { fix in
                                    out.object {
                                        out.key("deletedRegion")
                                        out.object {
                                            out.field("startLine", at.line)
                                            out.field("startColumn", at.column)
                                            out.field("endLine", at.line)
                                            out.field("endColumn", at.column)
                                        }
                                        out.key("insertedContent")
                                        out.object { out.field("text", String(decoding: fix.inserted, as: UTF8.self)) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            out.key("partialFingerprints")
            out.object { out.field(named: Self.fingerprintKey, fingerprint) }
            out.key("properties")
            out.object {
                out.field("category", finding.category.rawValue)
                out.field("kind", finding.kind.rawValue)
                if let jurisdiction = finding.jurisdiction { out.field("jurisdiction", jurisdiction) }
                out.field("evidence", finding.evidence)
                out.field("suggestion", finding.suggestion)
                out.field("help", finding.help)
                if let record = report.record {
                    // A batch record's line and column are within the record's own text.
                    out.field("record", record)
                    out.field("line", finding.line)
                    out.field("column", finding.column)
                }
                if let id = report.id { out.field("postId", id) }
                if let author = report.author { out.field("author", author) }
            }
        }
        return out.text
    }

    /// A batch record points at its line in the file; a single post at the span itself.
    private func region(_ finding: Finding, record: Int?, document: SourceText, out: JSONOut) {
        if let record {
            out.field("startLine", record)
            return
        }
        out.field("startLine", finding.line)
        out.field("startColumn", finding.column)
        if finding.length > 0 {
            let end = document.position(of: finding.byteOffset + finding.length)
            out.field("endLine", end.line)
            out.field("endColumn", end.column)
        }
    }

    /// A file under the current directory relative to SRCROOT, any other absolute;
    /// stdin, which SARIF has no URI for, as the relative `stdin` described as such.
    private func artifact(_ path: String) -> (uri: String, base: String?) {
        guard path != "-" else { return ("stdin", nil) }
        if let relative = ReportPath.relative(path) { return (ReportPath.uri(relative), "SRCROOT") }
        return ("file://" + ReportPath.uri(ReportPath.absolute(path)), nil)
    }

    private func artifactLocation(_ artifact: (uri: String, base: String?), out: JSONOut) {
        out.object {
            out.field("uri", artifact.uri)
            if let base = artifact.base { out.field("uriBaseId", base) }
            if artifact.uri == "stdin", artifact.base == nil {
                out.key("description")
                out.object { out.field("text", "standard input") }
            }
        }
    }

    /// A base URI must end with a slash.
    private static func directoryURI(_ path: String) -> String {
        "file://" + ReportPath.uri(path.hasSuffix("/") ? path : path + "/")
    }
}

extension SARIFReporter {
    /// A `reportingDescriptor`: what a rule finds and how to fix it.
    struct Descriptor {
        let id: String
        let short: String
        let full: String
        let advice: String
        let guidance: [(name: String, url: String)]
        let source: String?
        let level: Severity?
        let tags: [String]

        func write(to out: JSONOut) {
            out.object {
                out.field("id", id)
                out.key("shortDescription")
                out.object { out.field("text", short) }
                out.key("fullDescription")
                out.object { out.field("text", full) }
                if let source { out.field("helpUri", source) }
                out.key("help")
                out.object {
                    var text = advice, markdown = Self.markdown(advice)
                    if !guidance.isEmpty {
                        text += "\n\nGuidance:\n" + guidance.map { "- \($0.name): \($0.url)" }.joined(separator: "\n")
                        markdown += "\n\nGuidance:\n\n" + guidance.map { "- [\(Self.markdown($0.name))](<\($0.url)>)" }.joined(separator: "\n")
                    }
                    if let source {
                        text += "\n\nRule source: \(source)"
                        markdown += "\n\nRule source: <\(source)>"
                    }
                    out.field("text", text)
                    out.field("markdown", markdown)
                }
                if let level {
                    out.key("defaultConfiguration")
                    out.object { out.field("level", level.rawValue) }
                }
                out.key("properties")
                out.object { out.field("tags", tags) }
            }
        }

        /// Plain text made safe to drop into Markdown.
        static func markdown(_ text: String) -> String {
            var escaped = ""
            for character in text {
                if "\\`*_[]<>#|".contains(character) { escaped.append("\\") }
                escaped.append(character)
            }
            return escaped
        }
    }

    static func descriptors(_ rules: RuleSet) -> [Descriptor] {
        let regulators = rules.jurisdictions.values.sorted { $0.id < $1.id }
        func guidance(_ policies: [JurisdictionPolicy]) -> [(name: String, url: String)] {
            policies.map { ("\($0.name) (\($0.id))", $0.reference) }
        }
        func article(_ phrase: String) -> String { "aeiou".contains(phrase.first ?? "x") ? "an" : "a" }
        let placement = "at the start of the post (in a long-form post, before the first affiliate link), in the audience's language"
        var list: [Descriptor] = []
        for signal in rules.signals {
            // Wording in one language concerns the regulators of that language's audiences.
            let concerned = rules.signalLanguage[signal.id].map { language in
                regulators.filter { $0.language == language || $0.language == JurisdictionPolicy.audienceLanguage }
            } ?? regulators
            list.append(Descriptor(
                id: signal.id, short: signal.message,
                full: "\(signal.message): evidence of \(article(signal.category.phrase)) \(signal.category.phrase). Reported as undisclosed under each jurisdiction whose accepted labels the post lacks.",
                advice: "Disclose the \(signal.category.phrase) with a label the jurisdiction accepts, \(placement).",
                guidance: guidance(concerned.isEmpty ? regulators : concerned), source: signal.reference, level: signal.severity,
                tags: ["signal", signal.category.rawValue]))
        }
        for label in rules.disclosures {
            let judges = regulators.filter { $0.accepts[label.id] != nil || $0.insufficient[label.id] != nil || $0.conditional[label.id] != nil }
            let covers = label.covers.sorted().map(\.phrase).joined(separator: ", ")
            list.append(Descriptor(
                id: label.id, short: label.message,
                full: "\(label.message) (a \(label.language) label covering: \(covers)). Reported when a jurisdiction finds it insufficient, badly placed or in the wrong language.",
                advice: "Use the disclosure the finding suggests, \(placement), where it is seen before the platform's \"more\" cut and not buried in hashtags.",
                guidance: guidance(judges.isEmpty ? regulators : judges), source: label.reference, level: nil,
                tags: ["label", label.language]))
        }
        list.append(Descriptor(
            id: "declared-relationship", short: "A relationship the input declares is not disclosed",
            full: "The input declares a commercial relationship (a batch record's relationship field) but the post carries no disclosure for it.",
            advice: "Disclose the declared relationship with a label the jurisdiction accepts, \(placement).",
            guidance: guidance(regulators), source: nil, level: .error, tags: ["declared"]))
        list.append(Descriptor(
            id: "html.link-rel", short: "Affiliate link without rel=\"sponsored\"",
            full: "An HTML affiliate link has no rel=\"sponsored\" (or nofollow), so search engines are not told it is paid. Search-engine guidance, not a regulator's.",
            advice: "Add rel=\"sponsored\" to the link.",
            guidance: [("Google Search Central: qualify outbound links", "https://developers.google.com/search/docs/crawling-indexing/qualify-outbound-links")],
            source: nil, level: .note, tags: ["html", Category.affiliate.rawValue]))
        var seen = Set<String>()
        return list.filter { seen.insert($0.id).inserted }.sorted { $0.id < $1.id }
    }
}
