import CandorPCRE
import Foundation

/// Runs every rule's own examples through the real engine: marked spans must
/// match exactly, `no-match` examples must stay silent, neither keywords nor the
/// literals a pattern needs may hide a positive example, and jurisdiction
/// examples must get the stated verdicts.
public struct RuleSelfTest: Sendable {
    public struct Failure: Sendable, CustomStringConvertible {
        public let ruleID: String
        public let location: SourceLocation
        public let message: String
        public var description: String { "\(location): error: \(message) [\(ruleID)]" }
    }

    public struct Result: Sendable {
        public var rules = 0
        public var examples = 0
        public var failures: [Failure] = []
    }

    /// A text prefixed to every positive example (accents, an emoji sequence, CJK)
    /// to check that spans shift by exactly its byte length.
    static let multibytePrefix = "Ñandú 👩🏽‍💻 広告 — "

    public let auditor: Auditor
    public init(auditor: Auditor) { self.auditor = auditor }
    public init(rules: RuleSet) { auditor = Auditor(rules: rules) }

    /// Every testable id: signal and disclosure ids, `jurisdiction:<id>`, `language:<id>`.
    public var ruleIDs: [String] {
        auditor.rules.signals.map(\.id) + auditor.rules.disclosures.map(\.id)
            + auditor.rules.jurisdictions.keys.sorted().map { "jurisdiction:\($0)" }
            + auditor.rules.languages.map { "language:\($0.id)" }
    }

    public func runAll() -> Result {
        var total = Result()
        for id in ruleIDs {
            let result = run(id)
            total.rules += 1
            total.examples += result.examples
            total.failures += result.failures
        }
        return total
    }

    public func run(_ id: String) -> Result {
        let scratch = MatchScratch()
        let rules = auditor.rules
        if let rule = rules.signals.first(where: { $0.id == id }) {
            return check(id: id, examples: rule.examples, keywords: rule.keywords, anchored: rule.matcher.patterns.contains(where: isAnchored)) { text in
                auditor.signalSpans(rule, in: text, links: auditor.links(in: text, scratch: scratch), scratch: scratch) { _, _ in }
            }
        }
        if let rule = rules.disclosures.first(where: { $0.id == id }) {
            return check(id: id, examples: rule.examples, keywords: rule.keywords, anchored: isAnchored(rule.pattern)) { text in
                Auditor.spans(of: rule.pattern, in: text, range: 0..<text.bytes.count, scratch: scratch) { _ in }
            }
        }
        if id.hasPrefix("jurisdiction:"), let policy = rules.jurisdiction(String(id.dropFirst("jurisdiction:".count))) {
            return checkPolicy(policy, scratch: scratch)
        }
        if id.hasPrefix("language:"), let profile = rules.language(String(id.dropFirst("language:".count))) {
            let detector = LanguageDetector(profiles: rules.languages)
            var result = Result(rules: 1)
            for (examples, expected) in [(profile.examples.match, true), (profile.examples.noMatch, false)] {
                for example in examples {
                    result.examples += 1
                    let detected = detector.detect(SourceText(example.text))
                    if (detected == profile.id) != expected {
                        result.failures.append(Failure(ruleID: id, location: example.location,
                                                       message: "detected language \(detected ?? "none") for this example"))
                    }
                }
            }
            return result
        }
        return Result(rules: 0, examples: 0, failures: [Failure(ruleID: id, location: SourceLocation(file: "-", line: 1, column: 1), message: "no such rule")])
    }

    private func check(id: String, examples: RuleExamples, keywords: [String], anchored: Bool,
                       spans: (SourceText) -> [Range<Int>]) -> Result {
        var result = Result(rules: 1)
        func fail(_ example: RuleExample, _ message: String) {
            result.failures.append(Failure(ruleID: id, location: example.location, message: message))
        }
        for example in examples.match {
            result.examples += 1
            let found = spans(SourceText(example.text))
            if found != example.spans {
                fail(example, "expected \(mark(example.text, example.spans)) but the rule matched \(found.isEmpty ? "nothing" : mark(example.text, found))")
                continue
            }
            if !keywords.isEmpty, !KeywordScanner([keywords]).matches(in: Array(example.text.utf8)).contains(0) {
                fail(example, "no keyword (\(keywords.joined(separator: ", "))) occurs in this example, so the prefilter would skip it")
            }
            if !auditor.literalsAllow(ruleID: id, in: SourceText(example.text)) {
                fail(example, "the literals the pattern needs do not all occur in this example, so the prefilter would skip it (a fault in reading the pattern)")
            }
            // Windows line ends must not change what matches: every LF becomes CRLF,
            // and a CRLF line is appended.
            let bytes = Array(example.text.utf8)
            func crlfOffset(_ offset: Int) -> Int { offset + bytes[0..<offset].filter { $0 == 0x0A }.count }
            let crlf = example.text.replacingOccurrences(of: "\n", with: "\r\n") + "\r\nmore text"
            if spans(SourceText(crlf)) != example.spans.map({ crlfOffset($0.lowerBound)..<crlfOffset($0.upperBound) }) {
                fail(example, "spans change when the example uses CRLF line ends")
            }
            if !anchored {
                let shift = RuleSelfTest.multibytePrefix.utf8.count
                let shifted = spans(SourceText(RuleSelfTest.multibytePrefix + example.text))
                if shifted != example.spans.map({ ($0.lowerBound + shift)..<($0.upperBound + shift) }) {
                    fail(example, "spans do not shift by \(shift) bytes after a multibyte prefix")
                }
            }
        }
        for example in examples.noMatch {
            result.examples += 1
            let found = spans(SourceText(example.text))
            if !found.isEmpty { fail(example, "expected no match but the rule matched \(mark(example.text, found))") }
        }
        return result
    }

    private func checkPolicy(_ policy: JurisdictionPolicy, scratch: MatchScratch) -> Result {
        var result = Result(rules: 1)
        for example in policy.examples {
            result.examples += 1
            let post = Post(path: "example", text: SourceText(example.text), platform: example.platform)
            let report = auditor.audit(post, options: AuditOptions(jurisdictions: [policy.id]), scratch: scratch)
            var verdicts: [Category: String] = [:]
            for relationship in report.relationships { verdicts[relationship.category] = relationship.verdicts[policy.id] }
            let expected = example.expect.mapValues(\.name)
            if verdicts != expected {
                func show(_ map: [Category: String]) -> String {
                    map.isEmpty ? "{}" : "{" + map.sorted { $0.key < $1.key }.map { "\($0.key.rawValue): \($0.value)" }.joined(separator: ", ") + "}"
                }
                result.failures.append(Failure(ruleID: "jurisdiction:\(policy.id)", location: example.location,
                                               message: "expected \(show(expected)) but got \(show(verdicts))"))
            }
        }
        return result
    }

    /// Patterns tied to the start of the text cannot be shifted by a prefix.
    private func isAnchored(_ pattern: Pattern) -> Bool {
        pattern.source.hasPrefix("^") || pattern.source.contains("\\A") || pattern.source.contains("(?m")
    }

    private func mark(_ text: String, _ spans: [Range<Int>]) -> String {
        var bytes = Array(text.utf8)
        for span in spans.reversed() where span.upperBound <= bytes.count {
            bytes.insert(contentsOf: Array(RuleLoader.spanClose.utf8), at: span.upperBound)
            bytes.insert(contentsOf: Array(RuleLoader.spanOpen.utf8), at: span.lowerBound)
        }
        return "'" + String(decoding: bytes, as: UTF8.self) + "'"
    }
}
