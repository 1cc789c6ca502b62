@testable import CandorCore
import CandorPCRE
import Foundation
import Testing

/// Broken and unusual input: every problem is reported with its place, and
/// everything else is still read.
@Suite struct InputTests {
    @Test func jsonlKeepsGoingPastBrokenLines() throws {
        let lines = [
            #"{"id": "a", "text": "first"}"#,
            #"{"id": "b", "text": "truncated"#,
            #"["not", "an", "object"]"#,
            #"{"id": "c", "caption": "a caption", "author": "ana", "url": "https://instagram.com/p/1", "relationship": "gift, stay"}"#,
            #"{"id": 4, "text": "numeric id", "platform": "myspace"}"#,
            "",
            #"{"id": "d", "text": "last"}"#,
        ]
        let (posts, problems) = try readPosts("batch.jsonl", lines.joined(separator: "\n"))
        #expect(posts.map(\.id) == ["a", "c", "d"])
        #expect(posts.map(\.record) == [1, 4, 7])
        #expect(posts[1].text.string(0..<9) == "a caption")
        #expect((posts[1].author, posts[1].url) == ("ana", "https://instagram.com/p/1"))
        #expect(posts[1].declared == [.gift, .stay])
        #expect(problems.map(\.line) == [2, 3, 5])
        #expect(problems[0].message.hasPrefix("malformed JSON record, skipped"))
        #expect(problems[1].message == "a record must be a JSON object, skipped")
        #expect(problems[2].message.hasPrefix("unknown platform 'myspace'"))
        #expect(problems.allSatisfy { !$0.fatal })
    }

    @Test func fieldsCanBeRemapped() throws {
        var options = ReadOptions()
        try options.fields.apply("text=Body")
        try options.fields.apply("id=post_id")
        let (posts, problems) = try readPosts("batch.jsonl", #"{"post_id": "x1", "Body": "remapped", "text": "ignored"}"#, options: options)
        #expect(problems.isEmpty)
        #expect(posts.map(\.id) == ["x1"])
        #expect(posts.first.map { $0.text.string(0..<$0.text.bytes.count) } == "remapped")
        #expect(throws: FieldMappingError.self) { try options.fields.apply("colour=Body") }
        #expect(throws: FieldMappingError.self) { try options.fields.apply("text") }
        // Each field is remapped on its own.
        for field in FieldMapping.Field.allCases {
            var fields = FieldMapping()
            try fields.apply("\(field.rawValue)=column")
            #expect(FieldMapping.Field.allCases.filter { fields[$0] == ["column"] } == [field])
            #expect(fields.unshared() == fields)
        }
    }

    @Test func invalidUTF8InABatchLineIsRepairedNotLost() throws {
        let line = Array(#"{"id": "x", "text": "caf"#.utf8) + [0xE9] + Array(#" https://amzn.to/3xYzAbc"}"#.utf8)
        let (posts, problems) = try readPosts("batch.jsonl", line + [0x0A])
        #expect(problems.map(\.message) == ["invalid UTF-8 at byte 25 of this record, replaced with U+FFFD"])
        let post = try #require(posts.first)
        #expect(post.text.string(0..<post.text.bytes.count) == "caf\u{FFFD} https://amzn.to/3xYzAbc")
        #expect(auditPost(post).findings.map(\.kind) == [.undisclosed])
    }

    @Test func aBOMBeforeTheFirstRecordIsIgnored() throws {
        let (posts, problems) = try readPosts("batch.jsonl", [0xEF, 0xBB, 0xBF] + Array(#"{"id": "a", "text": "hi"}"#.utf8))
        #expect(problems.isEmpty)
        #expect(posts.map(\.id) == ["a"])
    }

    @Test func aHugeLineIsSkippedWithItsNumberAndTheNextLineIsStillRead() throws {
        // A 50 MB record: far beyond any real post, and never held in memory whole.
        var bytes = Array(#"{"id": "huge", "text": ""#.utf8)
        bytes += [UInt8](repeating: UInt8(ascii: "a"), count: 50 << 20)
        bytes += Array("\"}\n".utf8) + Array(#"{"id": "next", "text": "Shop https://amzn.to/3xYzAbc"}"#.utf8)
        let (posts, problems) = try readPosts("batch.jsonl", bytes)
        #expect(posts.map(\.id) == ["next"])
        #expect(posts.map(\.record) == [2])
        #expect(problems.map(\.line) == [1])
        #expect(problems.map(\.message) == ["post larger than 16 MiB, skipped (raise the limit with --max-post-size)"])
        // Raised above it, the same line is a post.
        var options = ReadOptions()
        options.maxPostBytes = 64 << 20
        let raised = try readPosts("batch.jsonl", bytes, options: options)
        #expect(raised.posts.map(\.id) == ["huge", "next"])
        #expect(raised.posts.first?.text.bytes.count == 50 << 20)
    }

    @Test func linesAcrossReadsAndOverlongLinesKeepTheirNumbersAndOrder() throws {
        // About 2 MB of lines, so some lines straddle a read; every 997th is too long.
        var options = ReadOptions()
        options.maxPostBytes = 200
        var lines: [String] = []
        var expected: [String] = []
        for number in 1...50000 {
            if number % 997 == 0 {
                lines.append(#"{"id": "x", "text": ""# + String(repeating: "a", count: 300) + #""}"#)
                expected.append("problem \(number)")
            } else {
                lines.append(#"{"id": "p\#(number)", "text": "post \#(number)"}"# + (number % 3 == 0 ? "\r" : ""))
                expected.append("post \(number) p\(number) post \(number)")
            }
        }
        let folder = try temporaryFolder(["batch.jsonl": lines.joined(separator: "\n") + "\n"])
        defer { try? FileManager.default.removeItem(at: folder) }
        var events: [String] = []
        PostReader(source: InputSource(path: folder.appendingPathComponent("batch.jsonl").path, format: .auto), options: options).read(
            post: { events.append("post \($0.record!) \($0.id!) \($0.text.string(0..<$0.text.bytes.count))") },
            problem: { events.append("problem \($0.line!)") })
        #expect(events == expected)
    }

    @Test func emptyBinaryBlankAndOversizedFilesAreReportedAndSkipped() throws {
        #expect(try readPosts("empty.txt", "").problems.map(\.message) == ["empty file, skipped"])
        #expect(try readPosts("image.md", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00]).problems.map(\.message) == ["binary file, skipped"])
        #expect(try readPosts("blank.txt", " \n\t\n").problems.map(\.message) == ["no text, skipped"])
        var options = ReadOptions()
        options.maxPostBytes = 1 << 20
        let big = try readPosts("big.md", [UInt8](repeating: UInt8(ascii: "b"), count: 3 << 20), options: options)
        #expect(big.posts.isEmpty)
        #expect(big.problems.map(\.message) == ["post larger than 1 MiB, skipped (raise the limit with --max-post-size)"])
    }

    /// A file that cannot be read (here a folder, which opens but gives EISDIR)
    /// is a problem with the system's reason, not a crash or an "empty file".
    @Test func aReadErrorIsReportedWithItsReason() throws {
        let folder = try temporaryFolder([:])
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("posts.jsonl").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        var problems: [InputProblem] = []
        PostReader(source: InputSource(path: path, format: .auto)).read(post: { _ in }, problem: { problems.append($0) })
        #expect(problems.map(\.message) == ["read error (Is a directory); the rest of the file is not audited"])
    }

    @Test func textFilesThatAreNotUTF8() throws {
        // Latin-1 is transcoded; positions still count the file's own characters.
        let latin1 = try readPosts("post.txt", Array("Regalo de @marca: crema para ni".utf8) + [0xF1] + Array("os ".utf8) + [0xBF] + Array("os gusta? #ad".utf8))
        #expect(latin1.problems.map(\.message) == ["not UTF-8; read as Latin-1 (Windows-1252)"])
        let post = try #require(latin1.posts.first)
        #expect(post.text.string(0..<post.text.bytes.count) == "Regalo de @marca: crema para niños ¿os gusta? #ad")
        let ad = try #require(auditPost(post, jurisdictions: ["es"]).disclosures.first { $0.ruleId == "label.en.ad" })
        #expect((ad.span.line, ad.span.column, ad.span.byteOffset, ad.span.length) == (1, 47, 46, 3))
        // Mostly UTF-8 with one broken byte: kept as it is, with the place reported.
        let broken = try readPosts("post.txt", Array("Línea uno\nrota ".utf8) + [0xFF] + Array(" aquí".utf8))
        #expect(broken.problems.map(\.message) == ["invalid UTF-8 at column 6; those bytes are skipped"])
        #expect(broken.problems.map(\.line) == [2])
        #expect(broken.posts.count == 1)
    }
}

/// Every reader hands URLs to the same extractor and normaliser, so the same
/// link is the same `NormalizedURL` whichever format it arrives in.
@Suite struct OneURLExtractorTests {
    let url = "https://www.awin1.com/cread.php?awinmid=1&p=https%3A%2F%2Fshop.example%2Fsandals"

    func links(_ name: String, _ contents: String) throws -> [NormalizedURL] {
        let post = try #require(try readPosts(name, contents).posts.first)
        return Auditor(rules: shippedRules).links(in: post.text, known: post.links, scratch: MatchScratch()).map(\.url)
    }

    @Test func theSameLinkNormalisesAlikeInEveryFormat() throws {
        let escaped = url.replacingOccurrences(of: "&", with: "&amp;")
        let found = [
            try links("post.txt", "Sandals: \(url)."),
            try links("post.md", "Sandals: [here](\(url))."),
            try links("page.html", "<p>Sandals: <a href=\"\(escaped)\">here</a>.</p>"),
            try links("batch.jsonl", #"{"id": "1", "text": "Sandals: \#(url)"}"#),
            try links("batch.csv", "id,text\n1,\"Sandals: \(url)\"\n"),
            try links("tweets.js", #"window.YTD.tweets.part0 = [{"tweet": {"id_str": "1", "full_text": "Sandals: https://t.co/abc", "entities": {"urls": [{"url": "https://t.co/abc", "expanded_url": "\#(url)", "indices": ["9", "25"]}]}}}]"#),
        ]
        for urls in found {
            #expect(urls.map(\.host) == ["awin1.com"])
            #expect(urls.first?.query == "awinmid=1&p=https://shop.example/sandals")
            #expect(urls.first?.destinations().map(\.host) == ["shop.example"])
        }
    }
}

@Suite struct MarkdownHTMLTests {
    @Test func rawHTMLInMarkdownIsReadAsHTML() throws {
        let text = """
        # Picks

        <!-- #ad: remember to disclose -->

        <div class="card">
          <a href="https://amzn.to/3xYzAbc">The sandals</a>
        </div>

        Also <a href="https://amzn.to/4abCdeF" rel="sponsored">these</a>, inline.
        """
        let post = try #require(try readPosts("post.md", text).posts.first)
        #expect(post.text.string(0..<post.text.bytes.count) == "Picks\nThe sandals https://amzn.to/3xYzAbc\nAlso these https://amzn.to/4abCdeF, inline.\n")
        let report = auditPost(post)
        // The comment's "#ad" is no disclosure; both links are evidence at their hrefs.
        #expect(report.disclosures.isEmpty)
        #expect(report.relationships.flatMap(\.evidence).map { "\($0.span.line):\($0.span.column)" } == ["6:12", "9:15"])
        // Only the link without rel="sponsored" gets the search-engine note.
        #expect(report.findings.filter { $0.kind == .unmarkedLink }.map(\.line) == [6])
    }
}

extension InputTests {
    @Test func anOversizedExportPostIsSkippedAndTheNextStillRead() throws {
        var options = ReadOptions()
        options.maxPostBytes = 1 << 20
        let huge = String(repeating: "x", count: 2 << 20)
        let export = "[\n{\"media\": [{\"uri\": \"a.jpg\", \"creation_timestamp\": 1700000000, \"title\": \"\(huge)\"}]},\n"
            + "{\"media\": [{\"uri\": \"b.jpg\", \"creation_timestamp\": 1700000000, \"title\": \"Next one https://amzn.to/3xYzAbc\"}]}\n]"
        let (posts, problems) = try readPosts("posts_1.json", export, format: .instagram, options: options)
        #expect(problems.map { "\($0.line ?? 0): \($0.message)" } == ["2: post larger than 1 MiB, skipped (raise the limit with --max-post-size)"])
        #expect(posts.map(\.record) == [3])
        #expect(posts.map(\.platform) == [.instagram])
    }
}

extension InputTests {
    @Test func aLatin1HTMLPageReportsOffsetsIntoTheFileItself() throws {
        // "<p>Publicité : <a …>ici</a></p>" with é as the single Latin-1 byte 0xE9.
        let page = Array("<p>Publicit".utf8) + [0xE9] + Array(#" : <a href="https://amzn.to/3xYzAbc">ici</a></p>"#.utf8)
        let (posts, problems) = try readPosts("page.html", page)
        #expect(problems.map(\.message) == ["not UTF-8; read as Latin-1 (Windows-1252)"])
        let report = auditPost(try #require(posts.first), jurisdictions: ["fr"])
        let label = try #require(report.disclosures.first)
        #expect((label.text, label.span.column, label.span.byteOffset, label.span.length) == ("Publicité", 4, 3, 9))
        let evidence = try #require(report.relationships.first?.evidence.first)
        #expect((evidence.span.column, evidence.span.byteOffset, evidence.span.length) == (25, 24, 23))
    }
}

extension InputTests {
    @Test func aByteOrderMarkIsNoColumnAndStrayBytesKeepPositions() throws {
        let html = [0xEF, 0xBB, 0xBF] + Array("<p>\u{2014} use my code JANE20 for 10% off ".utf8) + [0xFF] + Array("</p>".utf8)
        let (posts, problems) = try readPosts("page.html", html)
        #expect(problems.map(\.message) == ["invalid UTF-8 at column 37; those bytes are skipped"])
        let report = auditPost(try #require(posts.first))
        #expect(report.findings.map { "\($0.line):\($0.column)" } == ["1:6"])
        let text = try #require(try readPosts("post.txt", [0xEF, 0xBB, 0xBF] + Array("Use my code JANE20 for 10% off".utf8)).posts.first)
        #expect(auditPost(text).findings.map { "\($0.line):\($0.column):\($0.byteOffset)" } == ["1:1:3"])
    }

    @Test func exportsWithJunkTimestampsKeepTheirPosts() throws {
        let facebook = #"[{"timestamp": 1e300, "data": [{"post": "Use my code JANE20 for 10% off"}]}]"#
        let (posts, problems) = try readPosts("your_posts_1.json", facebook, format: .facebook)
        #expect(problems.isEmpty)
        #expect(posts.map(\.date) == [nil])
        let instagram = #"[{"media": [{"uri": "a.jpg", "creation_timestamp": "nan", "title": "Gifted by @brand"}]}]"#
        #expect(try readPosts("posts_1.json", instagram, format: .instagram).posts.map(\.date) == [nil])
    }

    @Test func deepAndStrayBracketsInAnExportStayLinear() throws {
        // 200,000 nested keys outside any post: reading stops at the depth limit and says where.
        let deep = String(repeating: #"{"a":"#, count: 200_000)
        let (posts, problems) = try readPosts("user_data_tiktok.json", deep, format: .tiktok)
        #expect(posts.isEmpty)
        #expect(problems.map(\.message) == ["JSON nested more than 512 levels deep outside any post; reading stopped here"])
        // Inside a post, a run of stray closing brackets costs nothing to reject, and only that post is lost.
        let stray = "[{\"media\": [{\"uri\": \"a.jpg\", \"title\": \"ok\"}], \"x\": 1" + String(repeating: "]", count: 200_000) + "},\n"
            + #"{"media": [{"uri": "b.jpg", "title": "Next https://amzn.to/3xYzAbc"}]}]"#
        let read = try readPosts("posts_1.json", stray, format: .instagram)
        #expect(read.problems.map(\.line) == [1])
        #expect(read.problems.first?.message.hasPrefix("malformed JSON post, skipped") == true)
        #expect(read.posts.map(\.record) == [2])
    }
}
