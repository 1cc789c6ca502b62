import Foundation
import Testing

@Suite struct HTMLReportTests {
    /// Posts that try to break out of the page: a script tag, attribute
    /// breakouts in the text, id, author and file name, `javascript:` links,
    /// and invalid UTF-8.
    static func hostilePosts(in folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let records: [[String: String]] = [
            ["id": #""><img src=x onerror="window.__pwned=2">"#, "author": "<script>alert(1)</script>", "url": "javascript:window.__pwned=3", "market": "us",
             "text": #"<script>window.__pwned=1;document.title='pwned'</script> Grab it https://amzn.to/3xKq9Lm and <a href="javascript:window.__pwned=4">this</a>"#],
            ["id": "p'2", "author": "@x' onmouseover='window.__pwned=5", "market": "us",
             "text": #""><img src=x onerror=alert(1)> use my code RUN20 for 20% off '><svg onload=alert(1)> [x](javascript:alert(1))"#],
        ]
        let lines = try records.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }
        try Data(lines.joined(separator: "\n").utf8).write(to: folder.appendingPathComponent("hostile.jsonl"))
        let invalid = Data("Grab it 💕 ".utf8) + Data([0xFF, 0xFE]) + Data(" now https://amzn.to/3xKq9Lm".utf8)
        try invalid.write(to: folder.appendingPathComponent(#""><svg onload=alert(1)>.txt"#))
    }

    @Test func theReportRendersInChromiumAndNothingFromThePostsRuns() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("candor-html-\(UUID().uuidString)")
        let posts = folder.appendingPathComponent("posts")
        try HTMLReportTests.hostilePosts(in: posts)

        let json = try CLI.run(["audit", "--format", "json", "Samples", posts.path])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let summary = try #require(document["summary"] as? [String: Int])
        let findings = summary["errors"]! + summary["warnings"]! + summary["notes"]!
        #expect(summary["notes"] == 1)

        let result = try CLI.run(["audit", "--format", "html", "Samples", posts.path])
        #expect(result.code == 1)
        let html = result.stdout
        #expect(html.contains("&lt;script&gt;window.__pwned=1"))
        #expect(!html.contains("<img") && !html.contains("<svg onload") && !html.contains("href=\"javascript"))
        // Every "<" in the page opens one of the report's own tags, and none of them loads anything.
        #expect(html.range(of: #"<[^>]*\s(src|srcset|data)="#, options: .regularExpression) == nil)
        #expect(!html.contains("<link") && !html.contains("@import") && !html.contains("url("))
        #expect(!html.contains("unsafe-inline"))
        let report = folder.appendingPathComponent("report.html")
        try Data(html.utf8).write(to: report)

        let screenshot = folder.appendingPathComponent("report.png")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", CLI.root.appendingPathComponent("Tests/Support/check_html_report.py").path,
                             report.path, screenshot.path, String(findings), "note", String(summary["notes"]!)]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(printed)")
        #expect(printed.hasSuffix("ok\n"))
        let size = try FileManager.default.attributesOfItem(atPath: screenshot.path)[.size] as? Int ?? 0
        #expect(size > 20_000, "screenshot: \(screenshot.path)")
    }

    @Test func aCleanAuditIsStillACompletePage() throws {
        let result = try CLI.run(["audit", "--format", "html", "-"], stdin: "Sunset swim, no plans, just the sea with my friends.")
        #expect(result.code == 0)
        #expect(result.stdout.hasPrefix("<!DOCTYPE html>") && result.stdout.hasSuffix("</html>\n"))
        #expect(result.stdout.contains("<strong>0 findings</strong> (0 errors, 0 warnings, 0 notes) in 0 of 1 post."))
    }
}
