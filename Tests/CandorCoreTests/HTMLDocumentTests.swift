@testable import CandorCore
import CandorPCRE
import Foundation
import Testing

/// Reads `html` as an .html file would be read.
private func htmlPost(_ html: String) -> Post {
    HTMLDocument.post(path: "page.html", text: SourceText(html))
}

private func htmlPost(bytes: [UInt8]) -> Post {
    HTMLDocument.post(path: "page.html", text: TextDecoding.document(bytes).0)
}

private func auditHTML(_ post: Post, jurisdictions: [String] = []) -> PostReport {
    Auditor(rules: shippedRules).audit(post, options: AuditOptions(jurisdictions: jurisdictions), scratch: MatchScratch())
}

private func extracted(_ post: Post) -> String { post.text.string(0..<post.text.bytes.count) }

/// Line and column of a finding, as a string.
private func location(_ finding: Finding) -> String { "\(finding.line):\(finding.column)" }

@Suite struct HTMLDocumentTests {
    static let blogPage = """
    <!DOCTYPE html>
    <html lang="en">
    <head>
      <meta charset="utf-8">
      <title>Caf&eacute; gear I love &ndash; Brew Notes</title>
      <meta name="description" content="The kit I use every day &amp; why.">
      <meta property="og:title" content="Caf&#233; gear">
      <style>body { content: "#ad"; }</style>
      <script>var label = "#ad"; fetch("https://amzn.to/3xScript");</script>
    </head>
    <body>
      <!-- a comment that says #ad -->
      <h1 class="title" data-note="#ad">My <em>favourite</em> things</h1>
      <p>I&#x2019;ve used this grinder for years.&nbsp;It's great<br>and quiet.</p>
      <ul><li>Mugs</li><li>Beans &amp; filters</li></ul>
      <p>Photo: <img src="a.jpg" alt="My grinder" title="not audited"> by me.</p>
    </body>
    </html>
    """

    @Test func extractsVisibleTextTitleAndDescriptions() {
        let text = extracted(htmlPost(Self.blogPage))
        print(text.debugDescription)
    }
}
