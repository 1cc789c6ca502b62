import CandorCore
import CandorPCRE
import Foundation
import Testing

/// What reading one batch file gives: its posts and its problems as `line: message`.
struct CSVRead {
    var posts: [Post] = []
    var problems: [String] = []

    var texts: [String] { posts.map { String(decoding: $0.text.bytes, as: UTF8.self) } }
    var records: [Int] { posts.compactMap(\.record) }
}

func readCSV(_ contents: [UInt8], name: String = "posts.csv", fields: FieldMapping = FieldMapping(),
             maxPostBytes: Int = ReadOptions().maxPostBytes) throws -> CSVRead {
    var options = ReadOptions()
    options.fields = fields
    options.maxPostBytes = maxPostBytes
    let (posts, problems) = try readPosts(name, contents, options: options)
    return CSVRead(posts: posts, problems: problems.map { "\($0.line.map(String.init) ?? "-"): \($0.message)" })
}

func readCSV(_ contents: String, name: String = "posts.csv", fields: FieldMapping = FieldMapping(),
             maxPostBytes: Int = ReadOptions().maxPostBytes) throws -> CSVRead {
    try readCSV(Array(contents.utf8), name: name, fields: fields, maxPostBytes: maxPostBytes)
}

@Suite struct CSVReaderTests {
    @Test func everyDocumentedColumnIsRead() throws {
        let read = try readCSV("""
        id,text,url,platform,author,market,relationship,published_at
        p-1,Loving the Ridge trainers,https://example.com/p/1,Instagram,@sam,uk,"gift, stay",2026-03-01

        """)
        #expect(read.problems == [])
        let post = try #require(read.posts.first)
        #expect(read.posts.count == 1)
        #expect(post.record == 2)
        #expect(post.id == "p-1")
        #expect(read.texts == ["Loving the Ridge trainers"])
        #expect(post.url == "https://example.com/p/1")
        #expect(post.platform == .instagram)
        #expect(post.author == "@sam")
        #expect(post.market == "uk")
        #expect(post.declared == [.gift, .stay])
        #expect(post.date == "2026-03-01")
    }

    @Test func emptyCellsAreAbsentAndShortRowsAreFine() throws {
        let read = try readCSV("id,text,market,author\n,Just a swim,,\n7,Second\n")
        #expect(read.problems == [])
        #expect(read.posts.map(\.id) == [nil, "7"])
        #expect(read.posts.map(\.market) == [nil, nil])
        #expect(read.posts.map(\.author) == [nil, nil])
    }

    @Test func recordsAreThePhysicalLinesRowsStartOn() throws {
        // Blank and spaces-only lines, and cells holding LF, CRLF and CR line breaks, all count as lines.
        let read = try readCSV("id,text\n  \n1,\"first line\nsecond line\"\n2,\"a\r\nb\rc\"\n\n3,after\n")
        #expect(read.problems == [])
        #expect(read.records == [3, 5, 9])
        #expect(read.texts == ["first line\nsecond line", "a\r\nb\rc", "after"])
    }

    @Test func semicolonsWithBOMAndCRLF() throws {
        let read = try readCSV("\u{FEFF}id;Text;market\r\n1;\"Hola; amigos, #publi\";es\r\n\r\n2;Ciao, a tutti;it")
        #expect(read.problems == [])
        #expect(read.posts.map(\.id) == ["1", "2"])
        #expect(read.texts == ["Hola; amigos, #publi", "Ciao, a tutti"])
        #expect(read.posts.map(\.market) == ["es", "it"])
        #expect(read.records == [2, 4])
    }

    @Test func tabsByExtensionOrByHeader() throws {
        let tsv = try readCSV("id\ttext\n1\tone, two; three\n", name: "posts.tsv")
        #expect(tsv.texts == ["one, two; three"])
        let detected = try readCSV("id\ttext\tmarket\n1\tone, two\tus\n")
        #expect(detected.texts == ["one, two"])
        #expect(detected.posts.map(\.market) == ["us"])
    }

    @Test func quotesAreDoubledOrKeptAsLiterals() throws {
        let read = try readCSV("""
        id,text
        1,"She said ""gifted"", twice"
        2,The 5" screen is "fine"
        3,"closed"then more
        "",""

        """)
        #expect(read.problems == [])
        #expect(read.texts == [#"She said "gifted", twice"#, #"The 5" screen is "fine""#, "closedthen more"])
    }

    @Test func columnsAreMatchedIgnoringCaseAndSpacesAndCanBeRemapped() throws {
        let contents = " ID , Caption ,Text\nx1,from caption,from text\n"
        #expect(try readCSV(contents).texts == ["from text"])
        var fields = FieldMapping()
        try fields.apply("text=caption")
        let remapped = try readCSV(contents, fields: fields)
        #expect(remapped.texts == ["from caption"])
        #expect(remapped.posts.map(\.id) == ["x1"])
        // Without a text column the default names fall through in order.
        #expect(try readCSV("id,Description\n1,a description\n").texts == ["a description"])
    }

    @Test func aHeaderWithoutATextColumnIsOneProblem() throws {
        let read = try readCSV("id,body,url\n1,hello,\n2,again,\n")
        #expect(read.posts.isEmpty)
        #expect(read.problems == ["1: no text column (looked for 'text', 'caption', 'description'; found 'id', 'body', 'url'), file skipped"])
        var fields = FieldMapping()
        try fields.apply("text=Caption")
        #expect(try readCSV("id,text\n1,hello\n", fields: fields).problems
            == ["1: no text column (looked for 'Caption'; found 'id', 'text'), file skipped"])
    }

    @Test func badRowsAreReportedWithTheirLineAndTheRestIsRead() throws {
        let read = try readCSV("""
        id,text,platform
        1,fine,instagram
        2,too,many,cells
        3,,tiktok
        4,trailing empty cells are fine,,,
        ,,
        5,odd platform,myspace
        6,last

        """)
        #expect(read.posts.map(\.id) == ["1", "4", "6"])
        #expect(read.records == [2, 5, 8])
        #expect(read.problems == [
            "3: row has 4 cells but the header has 3 columns, skipped",
            "4: no text in column 'text', skipped",
            "7: unknown platform 'myspace' (expected instagram, tiktok, youtube, x, facebook, blog), skipped",
        ])
    }

    @Test func aQuoteNeverClosedIsReportedWhereItOpenedAndReadingResumes() throws {
        // The stray quote pairs with the one opening row 3's text; what follows it gives it away.
        let read = try readCSV("""
        id,text,platform
        1,"Great stay at the hotel,instagram
        2,"Another post",tiktok
        3,third,youtube

        """)
        #expect(read.problems == ["2: quoted cell never closed: the row is skipped and reading resumes at line 3"])
        #expect(read.posts.map(\.id) == ["2", "3"])
        #expect(read.texts == ["Another post", "third"])
        #expect(read.records == [3, 4])

        // At the end of the file, from a CRLF file.
        let atEnd = try readCSV("id,text\r\n1,\"never closed\r\n2,fine\r\n3,also fine")
        #expect(atEnd.problems == ["2: quoted cell never closed: the row is skipped and reading resumes at line 3"])
        #expect(atEnd.texts == ["fine", "also fine"])
        #expect(atEnd.records == [3, 4])

        let lastLine = try readCSV("id,text\n1,ok\n2,\"never closed")
        #expect(lastLine.problems == ["3: quoted cell never closed: the row is skipped"])
        #expect(lastLine.texts == ["ok"])
    }

    @Test func rowsLongerThanAnyPostAreDropped() throws {
        // Line 2 is one 1 MiB cell; the quote opened on line 3 runs past 1 MiB of empty rows without closing.
        let contents = "id,text\n1,\(String(repeating: "x", count: 1 << 20))\n2,\"opened here\n" + String(repeating: ",,\n", count: 400_000) + "3,after\n"
        let read = try readCSV(contents, maxPostBytes: 1 << 20)
        #expect(read.problems == ["2: row larger than 1 MiB, skipped (raise the limit with --max-post-size)",
                                  "3: quoted cell never closed: the row is skipped and reading resumes at line 4"])
        #expect(read.texts == ["after"])
        #expect(read.records == [400_004])
    }

    @Test func latin1FilesAreTranscodedWithOneWarning() throws {
        // "Café" and "€" in Windows-1252: 0xE9 and 0x80.
        let bytes: [UInt8] = Array("id,text,author\n1,Caf".utf8) + [0xE9] + Array(" gratis ".utf8) + [0x80] + Array("5,Jos".utf8) + [0xE9]
            + Array("\n2,Cr".utf8) + [0xE8] + Array("me br".utf8) + [0xFB] + Array("l".utf8) + [0xE9, 0x0A]
        let read = try readCSV(bytes)
        #expect(read.problems == ["-: not UTF-8; read as Latin-1 (Windows-1252)"])
        #expect(read.texts == ["Café gratis €5", "Crème brûlé"])
        #expect(read.posts.map(\.author) == ["José", nil])
    }

    @Test func invalidUTF8InAUTF8FileKeepsItsBytes() throws {
        let bytes: [UInt8] = Array("id,text\n1,café\n2,bad ".utf8) + [0xFF] + Array(" byte\n3,and again ".utf8) + [0xFE, 0x0A]
        let read = try readCSV(bytes)
        #expect(read.problems == ["3: invalid UTF-8 in the text; those bytes are skipped (reported once per file)"])
        #expect(read.posts.map(\.text.bytes) == [Array("café".utf8), Array("bad ".utf8) + [0xFF] + Array(" byte".utf8), Array("and again ".utf8) + [0xFE]])
    }

    @Test func rowsSpanningChunksAreReadWhole() throws {
        // Over 2 MiB, so rows and quoted line breaks fall across chunk boundaries.
        var contents = "id,text\n"
        var expectedLines: [Int] = []
        var line = 2
        for index in 1...30_000 {
            expectedLines.append(line)
            if index % 1000 == 0 {
                contents += "\(index),\"row \(index) holds, a line break\r\nand carries on with padding to make it long\"\r\n"
                line += 2
            } else {
                contents += "\(index),row \(index) is an ordinary caption with some padding to make it long\n"
                line += 1
            }
        }
        #expect(contents.utf8.count > 2 << 20)
        let read = try readCSV(contents)
        #expect(read.problems == [])
        #expect(read.posts.count == 30_000)
        #expect(read.records == expectedLines)
        #expect(read.posts.map(\.id) == (1...30_000).map { "\($0)" })
        #expect(read.texts[999] == "row 1000 holds, a line break\r\nand carries on with padding to make it long")
        #expect(read.texts[29_998] == "row 29999 is an ordinary caption with some padding to make it long")
    }

    @Test func anUndisclosedAffiliateLinkInARowIsAFinding() throws {
        let read = try readCSV("""
        id,text,market
        p-1,"My favourite running belt
        https://amzn.to/3xKq9Lm",us
        p-2,"#ad My favourite running belt https://amzn.to/3xKq9Lm",us

        """)
        let auditor = Auditor(rules: shippedRules)
        let reports = read.posts.map { auditor.audit($0, options: AuditOptions(), scratch: MatchScratch()) }
        #expect(reports.map(\.record) == [2, 4])
        let finding = try #require(reports[0].findings.first)
        #expect(finding.ruleId == "affiliate.amazon-short-link")
        #expect(finding.severity == .error)
        #expect((finding.line, finding.column) == (2, 1))
        #expect(!reports[1].findings.contains { $0.severity == .error })
    }
}
