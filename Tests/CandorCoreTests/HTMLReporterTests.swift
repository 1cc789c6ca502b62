@testable import CandorCore
import Foundation
import Testing

@Suite struct HTMLReporterTests {
    private func render(_ posts: [(PostReport, SourceText)], maxPosts: Int = 5000, maxTextBytes: Int = 200_000) -> String {
        var output = ""
        let reporter = HTMLReporter(maxPosts: maxPosts, maxTextBytes: maxTextBytes) { output += $0 }
        var summary = AuditSummary()
        for (report, text) in posts {
            summary.add(report)
            reporter.report(report, text: text)
        }
        reporter.finish(summary)
        return output
    }

    private func span(_ range: Range<Int>) -> Span { Span(line: 1, column: range.lowerBound + 1, byteOffset: range.lowerBound, length: range.count) }

    @Test func escapesEverythingHTMLGivesMeaningTo() {
        #expect(HTMLReporter.escape("<a href=\"x\" title='y'>&\u{0}</a>") == "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;\u{FFFD}&lt;/a&gt;")
    }

    @Test func overlappingSpansAreCutAtEveryBoundary() {
        let text = SourceText("abcdef")
        let relationship = Relationship(category: .gift, declared: false,
                                        evidence: [Evidence(ruleId: "ev.rule", text: "abcd", message: "", span: span(0..<4))], verdicts: [:])
        let label = Disclosure(ruleId: "label.rule", text: "cdef", language: "en", covers: [.gift], span: span(2..<6), accepted: true,
                               acceptedBy: ["us"], placement: Placement(beforeFold: true, inTrailingHashtags: false, beforeFirstAffiliateLink: nil))
        let report = PostReport(path: "p", platform: .instagram, jurisdictions: ["us"], relationships: [relationship], disclosures: [label], findings: [], diagnostics: [])
        #expect(HTMLReporter.highlighted(report, document: text, maxTextBytes: 100)
            == #"<mark class="ev" title="ev.rule">ab</mark><mark class="ev lab" title="ev.rule, label.rule">cd</mark><mark class="lab" title="label.rule">ef</mark>"#)
    }

    @Test func invalidUTF8IsShownAsReplacementCharacters() {
        let text = SourceText([0x61, 0xFF, 0x3C, 0x62])
        let report = PostReport(path: "p", platform: .instagram, jurisdictions: [], relationships: [], disclosures: [], findings: [], diagnostics: [])
        #expect(HTMLReporter.highlighted(report, document: text, maxTextBytes: 100) == "a\u{FFFD}&lt;b")
    }

    @Test func aHugePostShowsOnlyTheLinesAroundItsHighlights() {
        let text = String(repeating: "quiet line\n", count: 200) + "Grab it https://amzn.to/3xKq9Lm\n" + String(repeating: "quiet line\n", count: 200)
        let report = audit(text, jurisdictions: ["us"])
        let html = HTMLReporter.highlighted(report, document: SourceText(text), maxTextBytes: 1000)
        #expect(html.contains("[excerpts of a \(text.utf8.count)-byte post]"))
        #expect(html.contains("<mark") && html.contains("Grab it "))
        #expect(!html.contains("quiet line"))
    }

    @Test func showsAtMostMaxPostsAndCountsThemAll() {
        let posts = (1...3).map { index -> (PostReport, SourceText) in
            let text = "Grab it https://amzn.to/3xKq9Lm number \(index)"
            return (audit(text, jurisdictions: ["us"]), SourceText(text))
        } + [(audit("Sunset swim with friends.", jurisdictions: ["us"]), SourceText("Sunset swim with friends."))]
        let html = render(posts, maxPosts: 2)
        #expect(html.components(separatedBy: "<article ").count - 1 == 2)
        #expect(html.contains("<strong>1 more not shown</strong>"))
        #expect(html.contains("<strong>3 findings</strong> (3 errors, 0 warnings, 0 notes) in 3 of 4 posts"))
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.hasSuffix("</html>\n"))
    }

    @Test func theScriptRunsOnlyUnderItsPerReportNonce() throws {
        let first = render([]), second = render([])
        func nonce(_ html: String) -> String? {
            html.range(of: "script-src 'nonce-").map { String(html[$0.upperBound...].prefix { $0 != "'" }) }
        }
        let value = try #require(nonce(first))
        #expect(value.count >= 22 && value != nonce(second))
        #expect(first.contains("<script nonce=\"\(value)\">"))
        #expect(!first.contains("unsafe-inline") && first.contains("default-src 'none'"))
        #expect(first.contains("<strong>0 findings</strong>"))
    }
}
