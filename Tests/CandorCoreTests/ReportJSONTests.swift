@testable import CandorCore
import Foundation
import Testing

@Suite struct ReportJSONTests {
    /// `{"s":<value written as a JSON string>}`.
    private func written(_ value: String) -> String {
        let out = JSONOut()
        out.object { out.field("s", value) }
        return out.text
    }

    @Test func theWordAtATimeSearchFindsEveryByteToEscape() {
        // Texts of every length up to 40 with one byte to escape, or none, at every
        // place, among neighbours just above and below the bytes that need it.
        let plain: [UInt8] = [0x20, 0x21, 0x23, 0x5B, 0x5D, 0x7F, 0x80, 0xA2, 0xDC, 0xFF, 0x41]
        for length in 0...40 {
            for place in -1..<length {
                for escaped: UInt8 in [0x00, 0x0A, 0x1F, 0x22, 0x5C] {
                    var bytes = (0..<length).map { plain[($0 * 7 + length) % plain.count] }
                    if place >= 0 { bytes[place] = escaped }
                    for start in 0...length {
                        let expected = place >= start ? place : length
                        let found = bytes.withUnsafeBufferPointer { JSONStringBytes.firstSpecial(in: $0, from: start) }
                        #expect(found == expected, "length \(length), \(escaped) at \(place), from \(start)")
                        // Asked to, it stops at bytes beyond ASCII too.
                        let firstNonASCII = bytes.indices.first { $0 >= start && bytes[$0] >= 0x80 } ?? length
                        let orNonASCII = bytes.withUnsafeBufferPointer { JSONStringBytes.firstSpecial(in: $0, from: start, orNonASCII: true) }
                        #expect(orNonASCII == min(expected, firstNonASCII), "length \(length), \(escaped) at \(place), from \(start)")
                    }
                }
            }
        }
    }

    @Test func integersAreWrittenAsSwiftPrintsThem() {
        for value in [0, 7, -7, 10, 99, 100, -1000, 123_456_789, Int.max, Int.min, nil] as [Int?] {
            let out = JSONOut(capacity: 1)
            out.object { out.field("n", value) }
            #expect(out.text == #"{"n":"# + (value.map(String.init) ?? "null") + "}")
        }
    }

    @Test func theBufferGrowsForLongText() {
        let long = String(repeating: "ab\"c\n", count: 2000)
        let out = JSONOut(capacity: 1)
        out.object { out.field("s", long) }
        #expect(out.text == #"{"s":""# + String(repeating: #"ab\"c\n"#, count: 2000) + #""}"#)
    }

    @Test func quotesAndBackslashesAreEscapedSlashesAreNot() {
        #expect(written(#"say "hi" \ C:\dir\ a/b </script>"#) == #"{"s":"say \"hi\" \\ C:\\dir\\ a/b </script>"}"#)
        #expect(written(#""\"#) == #"{"s":"\"\\"}"#)
        #expect(written("") == #"{"s":""}"#)
    }

    @Test func controlCharactersUseShortEscapesOnlyForNewlineReturnAndTab() {
        #expect(written("a\nb\rc\td") == #"{"s":"a\nb\rc\td"}"#)
        // Backspace and form feed are written as \u escapes, in lower-case hex; DEL is not a control character to JSON.
        #expect(written("\u{0}\u{1}\u{8}\u{B}\u{C}\u{1B}[0m\u{1F}\u{7F}") == #"{"s":"\u0000\u0001\u0008\u000b\u000c\u001b[0m\u001f"# + "\u{7F}\"}")
        #expect(written("\n\n\"") == #"{"s":"\n\n\""}"#)
    }

    @Test func nonASCIIIsWrittenAsUTF8() {
        // U+2028 and U+2029 are valid in a JSON string and are left alone, as are emoji and CJK.
        let text = "line\u{2028}para\u{2029} 👩🏽‍💻 広告 café"
        let json = written(text)
        #expect(json == "{\"s\":\"\(text)\"}")
        #expect(Array(json.utf8).count == Array(text.utf8).count + 8)
    }

    @Test func invalidUTF8ReachesTheReportAsReplacementCharacters() {
        let text = String(decoding: [0x61, 0xFF, 0xC3, 0x22, 0x62] as [UInt8], as: UTF8.self)
        #expect(Array(written(text).utf8) == Array(#"{"s":"a"#.utf8) + [0xEF, 0xBF, 0xBD, 0xEF, 0xBF, 0xBD] + Array(#"\"b"}"#.utf8))
    }

    /// Literal keys are written as they are; a key that is data (a jurisdiction) is escaped.
    @Test func dataKeysAreEscapedAndValuesSeparated() {
        let out = JSONOut()
        out.object {
            out.field(named: "a\"b", "c")
            out.field("n", 42)
            out.field("big", Int.max)
            out.field("min", Int.min)
            out.field("zero", 0)
            out.field("negative", -7)
            out.field("none", nil as Int?)
            out.field("yes", true)
            out.field("unknown", nil as Bool?)
            out.field("list", ["x", "y\n"])
            out.field("empty", [String]())
            out.key("nested")
            out.array([1, 2]) { item in out.object { out.field("i", item) } }
        }
        #expect(out.text == #"{"a\"b":"c","n":42,"big":9223372036854775807,"min":-9223372036854775808,"zero":0,"negative":-7,"none":null,"yes":true,"unknown":null,"list":["x","y\n"],"empty":[],"nested":[{"i":1},{"i":2}]}"#)
    }

    @Test func aPostReportKeepsItsKeyOrderAndWritesAbsentValuesAsNull() {
        let span = Span(line: 2, column: 3, byteOffset: 10, length: 4)
        let relationship = Relationship(category: .gift, declared: true,
                                        evidence: [Evidence(ruleId: "gift.en", text: "gifted \"free\"", message: "a gift", span: span)],
                                        verdicts: ["us": "undisclosed", "uk": "insufficient"])
        let label = Disclosure(ruleId: "label.en.ad", text: "#ad", language: "en", covers: [.gift, .paid], span: span, accepted: false,
                               acceptedBy: [], placement: Placement(beforeFold: nil, inTrailingHashtags: true, beforeFirstAffiliateLink: false))
        let finding = Finding(ruleId: "gift.en", category: .gift, kind: .hidden, severity: .warning, message: "buried\tlabel",
                              evidence: "#ad", line: 2, column: 3, byteOffset: 10, length: 4, jurisdiction: nil, suggestion: "Gifted:", help: "https://example.com/a?b=c&d")
        let report = PostReport(path: "posts/a\\b.jsonl", record: 3, id: "p1", author: nil, url: nil, platform: .instagram, market: "US",
                                language: "en", jurisdictions: ["uk", "us"], relationships: [relationship], disclosures: [label],
                                findings: [finding], diagnostics: ["rule x: match limit"])
        #expect(ReportJSON.encode(report) == """
            {"path":"posts/a\\\\b.jsonl","record":3,"id":"p1","author":null,"url":null,"platform":"instagram","market":"US","language":"en",\
            "jurisdictions":["uk","us"],"relationships":[{"category":"gift","declared":true,"evidence":[{"ruleId":"gift.en",\
            "text":"gifted \\"free\\"","message":"a gift","line":2,"column":3,"byteOffset":10,"length":4}],\
            "verdicts":{"uk":"insufficient","us":"undisclosed"}}],"disclosures":[{"ruleId":"label.en.ad","text":"#ad","language":"en",\
            "covers":["gift","paid"],"line":2,"column":3,"byteOffset":10,"length":4,"accepted":false,"acceptedBy":[],\
            "placement":{"beforeFold":null,"inTrailingHashtags":true,"beforeFirstAffiliateLink":false}}],"findings":[{"ruleId":"gift.en",\
            "category":"gift","kind":"hidden","severity":"warning","message":"buried\\tlabel","evidence":"#ad","line":2,"column":3,\
            "byteOffset":10,"length":4,"jurisdiction":null,"suggestion":"Gifted:","help":"https://example.com/a?b=c&d"}],\
            "diagnostics":["rule x: match limit"]}
            """)
    }

    @Test func theSummaryIsOneFlatObject() {
        var summary = AuditSummary()
        summary.posts = 3
        summary.errors = 1
        #expect(ReportJSON.encode(summary) == #"{"posts":3,"postsWithFindings":0,"errors":1,"warnings":0,"notes":0,"inputProblems":0,"ruleDiagnostics":0,"suppressed":0,"unusedSuppressions":0,"baselined":0}"#)
    }
}
