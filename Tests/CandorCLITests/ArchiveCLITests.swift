import Foundation
import Testing

@Suite struct ArchiveCLITests {
    static let folder = "Tests/CandorCoreTests/Fixtures/archives"

    @Test func aFolderOfExportsIsAuditedPostByPost() throws {
        let result = try CLI.run(["audit", "--format", "jsonl", "--jurisdiction", "us", Self.folder])
        #expect(result.code == 1)
        // package.json in the folder is no export: skipped without a word.
        #expect(result.stderr == "candor: audited 13 posts: 4 errors, 0 warnings, 0 notes in 4 posts\n")
        let reports = result.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let seen = reports.map { "\(($0["path"] as? String ?? "").dropFirst(Self.folder.count + 1)):\($0["record"] as? Int ?? 0) \($0["platform"] as? String ?? "")" }
        #expect(seen == [
            "facebook/your_posts_1.json:2 facebook", "facebook/your_posts_1.json:25 facebook",
            "instagram/posts_1.json:2 instagram", "instagram/posts_1.json:27 instagram", "instagram/reels.json:3 instagram", "instagram/stories.json:3 instagram",
            "tiktok-2021/user_data_tiktok.json:23 tiktok", "tiktok-2024/user_data_tiktok.json:15 tiktok",
            "x/tweets.js:2 x", "x/tweets.js:47 x",
            "youtube/video.json:1 youtube", "youtube/videos.json:5 youtube", "youtube/videos.json:33 youtube",
        ])
        let tweet = try #require(reports.first { $0["id"] as? String == "1785660000000000001" })
        let finding = try #require((tweet["findings"] as? [[String: Any]])?.first)
        #expect(finding["ruleId"] as? String == "affiliate.amazon-short-link")
        #expect(finding["line"] as? Int == 1)
        #expect(finding["column"] as? Int == 40)
    }

    @Test func aNamedFileThatIsNoExportIsAWarning() throws {
        let result = try CLI.run(["audit", "\(Self.folder)/package.json", "\(Self.folder)/instagram/stories.json"])
        #expect(result.code == 0)
        #expect(result.stderr.contains("candor: \(Self.folder)/package.json: warning: unrecognised JSON; choose one with --input-format\n"))
        #expect(result.stderr.hasSuffix("audited 1 post: 0 errors, 0 warnings, 0 notes in 0 posts; 1 input problem\n"))
    }

    @Test func anExportFormatCanBeChosenForStandardInput() throws {
        let tweets = try String(contentsOfFile: CLI.root.appendingPathComponent("\(Self.folder)/x/tweets.js").path, encoding: .utf8)
        let result = try CLI.run(["audit", "--input-format", "x", "--jurisdiction", "us", "-"], stdin: tweets)
        #expect(result.code == 1)
        #expect(result.stdout.hasPrefix("-:2 [1785660000000000001] 1:40: error: Undisclosed affiliate relationship: Amazon Associates short link “https://amzn.to/3xKq9Lm”"))
    }
}
