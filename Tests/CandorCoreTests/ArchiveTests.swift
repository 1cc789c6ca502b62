import CandorCore
import CandorPCRE
import Foundation
import Testing

/// The export fixtures, written in each platform's documented shape.
let archiveFixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/archives")

/// Reads one source and collects what it yields.
func readPosts(_ path: String, format: InputFormat = .auto, named: Bool = true) -> (posts: [Post], problems: [InputProblem]) {
    var posts: [Post] = []
    var problems: [InputProblem] = []
    PostReader(source: InputSource(path: path, format: format, named: named)).read(post: { posts.append($0) }, problem: { problems.append($0) })
    return (posts, problems)
}

func fixture(_ name: String) -> String { archiveFixtures.appendingPathComponent(name).path }

func postText(_ post: Post) -> String { String(decoding: post.text.bytes, as: UTF8.self) }

func auditShipped(_ post: Post, jurisdictions: [String] = ["us"]) -> PostReport {
    Auditor(rules: shippedRules).audit(post, options: AuditOptions(jurisdictions: jurisdictions), scratch: MatchScratch())
}

@Suite struct ArchiveTests {
    @Test func instagramPostsTakeTheTitleOrTheFirstMediaTitleAndRepairMojibake() {
        let (posts, problems) = readPosts(fixture("instagram/posts_1.json"))
        #expect(problems.isEmpty)
        #expect(posts.map(postText) == ["Café mornings ☕ thanks @ridgecoffee for the beans, use code RIDGE20", "Sunset swim, no plans, just the sea"])
        #expect(posts.map(\.record) == [2, 27])
        #expect(posts.map(\.date) == ["2024-05-01T12:00:00Z", "2024-05-02T12:00:00Z"])
        #expect(posts.allSatisfy { $0.platform == .instagram && $0.id == nil })
    }

    @Test func instagramReelsAndStories() {
        let reels = readPosts(fixture("instagram/reels.json"))
        #expect(reels.problems.isEmpty)
        #expect(reels.posts.map(postText) == ["Trail day in the new Ridge trainers 👟 #ad"])
        #expect(reels.posts.map(\.record) == [3])
        #expect(reels.posts.map(\.date) == ["2024-06-01T12:00:00Z"])
        let stories = readPosts(fixture("instagram/stories.json"))
        #expect(stories.posts.map(postText) == ["Swipe up for 20% off"])
        #expect(stories.posts.map(\.record) == [3])
        #expect(stories.posts.first?.platform == .instagram)
    }

    @Test func mojibakeIsRepairedOnlyWhenTheBytesAreUTF8() throws {
        // "Café" written as Latin-1 (one \u00e9) is left alone; so is text with characters above U+00FF.
        let folder = try temporaryFolder(["posts_1.json": #"[{"media": [{"uri": "a.jpg", "creation_timestamp": 0, "title": "Caf\u00e9 \u00c3\u00a9"}]}, {"media": [{"uri": "b.jpg", "creation_timestamp": 0, "title": "Caf\u00c3\u00a9 \u2615"}]}]"#])
        defer { try? FileManager.default.removeItem(at: folder) }
        let (posts, _) = readPosts(folder.appendingPathComponent("posts_1.json").path)
        #expect(posts.map(postText) == ["Café Ã©", "CafÃ© ☕"])
        #expect(posts.first?.date == "1970-01-01T00:00:00Z")
    }

    @Test func facebookPostsCarryTheirAttachmentLinks() {
        let (posts, problems) = readPosts(fixture("facebook/your_posts_1.json"))
        #expect(problems.isEmpty)
        #expect(posts.map(postText) == ["My favourite kitchen scale, grab one here\nhttps://amzn.to/3xKq9Lm", "Smørrebrød at the market"])
        #expect(posts.map(\.record) == [2, 25])
        #expect(posts.map(\.date) == ["2024-05-01T12:00:00Z", "2024-05-02T12:00:00Z"])
        #expect(posts.allSatisfy { $0.platform == .facebook })
        let report = auditShipped(posts[0])
        let finding = report.findings.first { $0.category == .affiliate }
        #expect(finding?.line == 2)
        #expect(finding.map { spanText($0, in: postText(posts[0])) } == "https://amzn.to/3xKq9Lm")
    }

    @Test func tweetsAreAuditedWithTheirExpandedLinksAtTheTcoPosition() throws {
        let (posts, problems) = readPosts(fixture("x/tweets.js"))
        #expect(problems.isEmpty)
        #expect(posts.map(postText) == ["Best trail shoes I own & they last https://amzn.to/3xKq9Lm", "Just a walk in the park"])
        #expect(posts.map(\.id) == ["1785660000000000001", "1785900000000000002"])
        #expect(posts.map(\.date) == ["2024-05-01T12:00:00Z", "2024-05-02T08:30:00Z"])
        #expect(posts.map(\.record) == [2, 47])
        #expect(posts.allSatisfy { $0.platform == .x })

        let fullText = "Best trail shoes I own &amp; they last https://t.co/Ab3dEf9hIj"
        #expect(posts[0].text.document.bytes == Array(fullText.utf8))
        let report = auditShipped(posts[0])
        let finding = try #require(report.findings.first { $0.category == .affiliate && $0.kind == .undisclosed })
        #expect(finding.message.contains("amzn.to"))
        #expect(!finding.message.contains("t.co"))
        // The span is the t.co as written in the tweet text.
        let tco = try #require(fullText.range(of: "https://t.co/Ab3dEf9hIj"))
        #expect(finding.line == 1)
        #expect(finding.byteOffset == fullText.utf8.distance(from: fullText.startIndex, to: tco.lowerBound))
        #expect(finding.column == finding.byteOffset + 1)
        #expect(finding.length == 23)
        #expect(spanText(finding, in: fullText) == "https://t.co/Ab3dEf9hIj")
    }

    @Test func olderTweetArchivesHoldTheTweetObjectsDirectly() throws {
        let folder = try temporaryFolder(["tweet.js": """
            window.YTD.tweet.part1 = [ {
              "id_str" : "42",
              "created_at" : "Sat Jan 05 10:00:00 +0100 2019",
              "full_text" : "Deal: https://t.co/x1",
              "entities" : { "urls" : [ { "url" : "https://t.co/x1", "expanded_url" : "https://example.com/deal", "indices" : [ "6", "21" ] } ] }
            } ]
            """])
        defer { try? FileManager.default.removeItem(at: folder) }
        let (posts, problems) = readPosts(folder.appendingPathComponent("tweet.js").path)
        #expect(problems.isEmpty)
        #expect(posts.map(postText) == ["Deal: https://example.com/deal"])
        #expect(posts.first?.date == "2019-01-05T10:00:00+01:00")
        #expect(posts.first?.id == "42")
    }

    @Test func youtubeListsAndSingleResources() {
        let (posts, problems) = readPosts(fixture("youtube/videos.json"))
        #expect(problems.isEmpty)
        #expect(posts.map(postText) == ["My desk setup 2024\n\nEverything on my desk:\nMonitor arm https://amzn.to/3xKq9Lm\n\nSee you next week!", "Ten minute stretch"])
        #expect(posts.map(\.id) == ["a1B2c3D4e5F", "Z9y8X7w6V5u"])
        #expect(posts.map(\.date) == ["2024-05-01T12:00:00Z", "2024-05-08T09:30:00Z"])
        #expect(posts.map(\.author) == ["Jo Makes", "Jo Makes"])
        #expect(posts.map(\.record) == [5, 33])
        #expect(posts.allSatisfy { $0.platform == .youtube })
        #expect(auditShipped(posts[0]).findings.contains { $0.category == .affiliate })

        let single = readPosts(fixture("youtube/video.json"))
        #expect(single.problems.isEmpty)
        #expect(single.posts.map(postText) == ["Unboxing the Ridge trainers\n\nRidge sent me these for free to try."])
        #expect(single.posts.map(\.id) == ["Q1w2E3r4T5y"])
        #expect(single.posts.map(\.record) == [1])
    }

    @Test func youtubeArraysOfVideos() throws {
        let folder = try temporaryFolder(["videos.json": """
            [
              {"kind": "youtube#video", "id": "v1", "snippet": {"title": "One", "description": "First", "publishedAt": "2024-01-01T00:00:00Z"}},
              {"kind": "youtube#video", "id": "v2", "snippet": {"title": "Two", "description": "Second"}}
            ]
            """])
        defer { try? FileManager.default.removeItem(at: folder) }
        let (posts, _) = readPosts(folder.appendingPathComponent("videos.json").path)
        #expect(posts.map(postText) == ["One\n\nFirst", "Two\n\nSecond"])
        #expect(posts.map(\.record) == [2, 3])
    }

    @Test func tiktokBothLayouts() {
        let older = readPosts(fixture("tiktok-2021/user_data_tiktok.json"))
        #expect(older.problems.isEmpty)
        // The browsing history's VideoList is other people's videos: not read.
        #expect(older.posts.map(postText) == ["Morning routine with the serum @glowlab sent me"])
        #expect(older.posts.map(\.id) == ["6950000000000000001"])
        #expect(older.posts.map(\.date) == ["2021-05-01T12:00:00Z"])
        #expect(older.posts.map(\.url) == ["https://www.tiktokv.com/share/video/6950000000000000001/"])
        #expect(older.posts.map(\.record) == [23])
        #expect(older.posts.first?.platform == .tiktok)

        let newer = readPosts(fixture("tiktok-2024/user_data_tiktok.json"))
        #expect(newer.problems.isEmpty)
        #expect(newer.posts.map(postText) == ["Packing for the trip, link in bio for 15% off"])
        #expect(newer.posts.map(\.id) == ["7360000000000000001"])
        #expect(newer.posts.map(\.date) == ["2024-05-01T12:00:00Z"])
        #expect(newer.posts.map(\.record) == [15])
    }

    @Test func exportsAreRecognisedByContentWhateverTheirName() throws {
        let cases: [(String, Platform, Int)] = [
            ("instagram/posts_1.json", .instagram, 2), ("instagram/reels.json", .instagram, 1), ("facebook/your_posts_1.json", .facebook, 2),
            ("x/tweets.js", .x, 2), ("youtube/videos.json", .youtube, 2), ("youtube/video.json", .youtube, 1),
            ("tiktok-2021/user_data_tiktok.json", .tiktok, 1), ("tiktok-2024/user_data_tiktok.json", .tiktok, 1),
        ]
        var files: [String: String] = [:]
        for (index, (name, _, _)) in cases.enumerated() {
            files["export-\(index).json"] = try String(contentsOfFile: fixture(name), encoding: .utf8)
        }
        let folder = try temporaryFolder(files)
        defer { try? FileManager.default.removeItem(at: folder) }
        for (index, (name, platform, count)) in cases.enumerated() {
            let (posts, problems) = readPosts(folder.appendingPathComponent("export-\(index).json").path)
            #expect(problems.isEmpty, "\(name)")
            #expect(posts.count == count, "\(name)")
            #expect(posts.allSatisfy { $0.platform == platform }, "\(name)")
        }
        // Chosen explicitly, the same file reads the same.
        #expect(readPosts(fixture("x/tweets.js"), format: .x).posts.count == 2)
    }

    @Test func aJSONArrayOfRecordsReadsLikeJSONL() throws {
        let folder = try temporaryFolder(["batch.json": """
            [
              {"id": "p-1", "text": "Grab it https://amzn.to/3xKq9Lm", "platform": "tiktok"},
              {"id": 2, "caption": "Sunset swim", "market": "uk"},
              {"id": "p-3"}
            ]
            """])
        defer { try? FileManager.default.removeItem(at: folder) }
        let (posts, problems) = readPosts(folder.appendingPathComponent("batch.json").path)
        #expect(posts.map(postText) == ["Grab it https://amzn.to/3xKq9Lm", "Sunset swim"])
        #expect(posts.map(\.id) == ["p-1", "2"])
        #expect(posts.map(\.record) == [2, 3])
        #expect(posts.map(\.platform) == [.tiktok, nil])
        #expect(problems.map(\.line) == [4])
        #expect(problems.first?.message.hasPrefix("no text field") == true)
    }

    @Test func unrecognisedJSONWarnsOnlyWhenNamed() {
        let named = readPosts(fixture("package.json"))
        #expect(named.posts.isEmpty)
        #expect(named.problems.map(\.message) == ["unrecognised JSON; choose one with --input-format"])
        #expect(!named.problems[0].fatal)
        let walked = readPosts(fixture("package.json"), named: false)
        #expect(walked.posts.isEmpty && walked.problems.isEmpty)
    }

    @Test func folderWalksIncludeJSONAndJSFilesAsUnnamedSources() {
        let (sources, problems) = InputDiscovery.sources(for: [archiveFixtures.path], format: .auto)
        #expect(problems.isEmpty)
        let names = sources.map { String($0.path.dropFirst(archiveFixtures.path.count + 1)) }
        #expect(names.contains("x/tweets.js") && names.contains("package.json") && names.contains("instagram/posts_1.json"))
        #expect(sources.allSatisfy { !$0.named })
        #expect(InputDiscovery.sources(for: [fixture("package.json")], format: .auto).0.allSatisfy { $0.named })
    }

    @Test func aTruncatedFileKeepsTheEarlierPostsAndNamesTheLine() throws {
        let whole = try String(contentsOfFile: fixture("instagram/posts_1.json"), encoding: .utf8)
        let marker = try #require(whole.range(of: "438911272_2001"))
        let cut = String(whole[..<marker.lowerBound])
        let folder = try temporaryFolder(["posts_1.json": cut])
        defer { try? FileManager.default.removeItem(at: folder) }
        let (posts, problems) = readPosts(folder.appendingPathComponent("posts_1.json").path)
        #expect(posts.map(\.record) == [2])
        #expect(problems.count == 1)
        #expect(problems.first?.line == 27)
        #expect(problems.first?.message == "the file ends at line 30 before this post is complete (truncated JSON), skipped")

        // Cut between posts: the file's end is named.
        let secondPost = try #require(whole.range(of: "  {\n    \"media\": [\n      {\n        \"uri\": \"media/posts/202405/438911272_2001"))
        let between = String(whole[..<secondPost.lowerBound])
        let second = try temporaryFolder(["posts_1.json": between])
        defer { try? FileManager.default.removeItem(at: second) }
        let (kept, reported) = readPosts(second.appendingPathComponent("posts_1.json").path)
        #expect(kept.count == 1)
        #expect(reported.map(\.line) == [27])
        #expect(reported.first?.message == "the file ends before the JSON is complete (truncated JSON)")
    }

    @Test func aMalformedPostInTheMiddleIsReportedAndTheRestAudited() throws {
        let folder = try temporaryFolder(["your_posts_1.json": """
            [
              {"timestamp": 1714564800, "data": [{"post": "First post"}]},
              {"timestamp": 1714564801, "data": [{"post": "Missing comma"} {"post": "oops"}]},
              {"timestamp": 1714564802, "data": [{"post": "Bracket [ in text } is fine"}], "attachments": [}
              ,
              {"timestamp": 1714564803, "data": [{"post": "Last post"}]}
            ]
            """])
        defer { try? FileManager.default.removeItem(at: folder) }
        let (posts, problems) = readPosts(folder.appendingPathComponent("your_posts_1.json").path)
        #expect(posts.map(postText) == ["First post", "Last post"])
        #expect(posts.map(\.record) == [2, 6])
        #expect(problems.map(\.line) == [3, 4])
        #expect(problems.allSatisfy { $0.message.hasPrefix("malformed JSON post, skipped") })
    }

    @Test func invalidUTF8IsReplacedNotFatal() throws {
        var bytes = Array(#"[{"media": [{"uri": "a.jpg", "creation_timestamp": 0, "title": "Bad "#.utf8)
        bytes += [0xFF, 0xFE]
        bytes += Array(#" bytes"}]}, {"media": [{"uri": "b.jpg", "creation_timestamp": 0, "title": "Fine"}]}]"#.utf8)
        let folder = try temporaryFolder([:])
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("posts_1.json")
        try Data(bytes).write(to: url)
        let (posts, problems) = readPosts(url.path, format: .instagram)
        #expect(posts.map(postText) == ["Bad \u{FFFD}\u{FFFD} bytes", "Fine"])
        #expect(problems.map(\.message) == ["invalid UTF-8 at byte 68 of this post, replaced with U+FFFD"])
    }

    @Test func theWrongFormatFindsNoPosts() {
        let (posts, problems) = readPosts(fixture("youtube/videos.json"), format: .tiktok)
        #expect(posts.isEmpty)
        #expect(problems.map(\.message) == ["no tiktok posts found, skipped"])
    }

    @Test func postsWithoutTextAreCountedWhenNothingElseIs() throws {
        let folder = try temporaryFolder(["user_data_tiktok.json": #"{"Video": {"Videos": {"VideoList": [{"Date": "2021-05-01 12:00:00", "Link": "https://www.tiktokv.com/share/video/1/", "Likes": "3"}]}}}"#])
        defer { try? FileManager.default.removeItem(at: folder) }
        let (posts, problems) = readPosts(folder.appendingPathComponent("user_data_tiktok.json").path)
        #expect(posts.isEmpty)
        #expect(problems.map(\.message) == ["1 post but no text to audit"])
    }

    @Test func largeExportsStreamAcrossChunks() throws {
        // Over three read chunks of posts whose captions hold brackets, commas and escapes.
        let count = 40_000
        var json = "[\n"
        for index in 0..<count {
            json += #"  {"media": [{"uri": "m/\#(index).jpg", "creation_timestamp": \#(index), "title": "Post \#(index) [x], {y} \"q\" \\ end"}]}"#
            json += index == count - 1 ? "\n]\n" : ",\n"
        }
        #expect(json.utf8.count > 3 << 20)
        let folder = try temporaryFolder(["posts_1.json": json])
        defer { try? FileManager.default.removeItem(at: folder) }
        let (posts, problems) = readPosts(folder.appendingPathComponent("posts_1.json").path)
        #expect(problems.isEmpty)
        #expect(posts.count == count)
        #expect(posts.last.map(postText) == #"Post 39999 [x], {y} "q" \ end"#)
        #expect(posts.enumerated().allSatisfy { $0.element.record == $0.offset + 2 })
    }
}
