import Foundation
import Testing

@Suite struct HTMLCLITests {
    @Test func anHTMLFileIsAuditedWithExactPositions() throws {
        let page = """
        <!DOCTYPE html>
        <html><head><title>Gift guide</title>
        <script>var note = "#ad";</script></head>
        <body>
          <p>The grinder I use: <a href="https://amzn.to/3xYz">Baratza Encore</a>.</p>
        </body></html>
        """
        let file = try CLI.temporaryFile("guide.html", Data(page.utf8))
        let result = try CLI.run(["audit", "--format", "json", "--jurisdiction", "us", file.path])
        #expect(result.code == 1)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let post = try #require((document["posts"] as? [[String: Any]])?.first)
        #expect(post["platform"] as? String == "blog")
        #expect(post["disclosures"] as? [Any] != nil && (post["disclosures"] as! [Any]).isEmpty)
        let findings = try #require(post["findings"] as? [[String: Any]])
        let error = try #require(findings.first { $0["ruleId"] as? String == "affiliate.amazon-short-link" })
        #expect(error["line"] as? Int == 5)
        #expect(error["column"] as? Int == 34)
        #expect(error["byteOffset"] as? Int == Array(page.utf8).firstRange(of: Array("https://amzn.to".utf8))?.lowerBound)
        #expect(error["length"] as? Int == 20)
        let note = try #require(findings.first { $0["ruleId"] as? String == "html.link-rel" })
        #expect(note["kind"] as? String == "unmarked-link")
        #expect(note["line"] as? Int == 5)
        #expect(note["column"] as? Int == 34)
    }

    @Test func theHTMLSampleIsFlaggedAtItsLink() throws {
        let result = try CLI.run(["audit", "--jurisdiction", "us", "Samples/en/gift-guide.html"])
        #expect(result.code == 1)
        #expect(result.stdout.contains("Samples/en/gift-guide.html:17:16: error: Undisclosed affiliate relationship: Amazon Associates short link “https://amzn.to/3xYz9Qk”"))
        #expect(result.stdout.contains("Samples/en/gift-guide.html:17:16: note: Affiliate link “https://amzn.to/3xYz9Qk” has no rel=\"sponsored\""))
    }
}
