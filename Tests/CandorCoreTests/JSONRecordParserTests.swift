@testable import CandorCore
import Foundation
import Testing

/// Everything a parsed record holds (or the failure message), to compare two readings exactly.
private func describe(_ parsed: BatchRecord.Parsed) -> String {
    switch parsed {
    case let .success(record):
        return "id \(String(reflecting: record.id)), text \(record.text), platform \(String(reflecting: record.platform)), "
            + "market \(String(reflecting: record.market)), relationships \(record.relationships), date \(String(reflecting: record.date)), "
            + "author \(String(reflecting: record.author)), url \(String(reflecting: record.url))"
    case let .failure(message): return "failure: \(message)"
    }
}

private extension BatchRecord.Parsed {
    var record: BatchRecord? {
        guard case let .success(record) = self else { return nil }
        return record
    }
}

private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// The fast reading of `line`, nil when it leaves the line to Foundation.
private func fast(_ line: [UInt8], fields: FieldMapping = FieldMapping()) -> String? {
    JSONRecordParser.parse(line[...], fields: fields).map(describe)
}

/// The Foundation reading of `line`, with its warnings.
private func foundation(_ line: [UInt8], fields: FieldMapping = FieldMapping()) -> (parsed: String, warnings: [String]) {
    var warnings: [String] = []
    let parsed = BatchRecord.parseJSONWithFoundation(line, fields: fields, warn: { warnings.append($0) })
    return (describe(parsed), warnings)
}

private func mapping(_ assignments: String...) throws -> FieldMapping {
    var fields = FieldMapping()
    for assignment in assignments { try fields.apply(assignment) }
    return fields
}

/// Whenever the fast reading gives an answer, it is Foundation's, with no warning.
/// Returns whether it answered.
@discardableResult
private func expectSameAsFoundation(_ line: [UInt8], fields: FieldMapping = FieldMapping(),
                                    sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Bool {
    guard let fastReading = fast(line, fields: fields) else { return false }
    let slow = foundation(line, fields: fields)
    #expect(fastReading == slow.parsed, "\(String(decoding: line, as: UTF8.self))", sourceLocation: sourceLocation)
    #expect(slow.warnings.isEmpty, sourceLocation: sourceLocation)
    return true
}

/// The reader of JSONL records that stands in for `JSONSerialization`,
/// against the Foundation path it replaces.
@Suite struct JSONRecordParserTests {
    /// Lines the fast reader answers for itself.
    static let readFast: [String] = [
        #"{"id": "p1", "platform": "instagram", "text": "Caffè 💛 #ad", "market": "it"}"#,
        #"{"id":"p1","text":"compact"}"#,
        "  \t{ \"text\" :\r\"spaced\" ,\n\"id\"\t:\"x\" }  \t\r",
        #"{}"#,
        #"{"id": "no text"}"#,
        #"{"text": ""}"#,
        #"{"text": "a", "id": "", "market": "", "author": "", "url": ""}"#,
        #"{"text": 5}"#,
        #"{"text": true}"#,
        #"{"text": null, "caption": "from the caption"}"#,
        #"{"text": ["a list"]}"#,
        #"{"text": {"nested": "object"}}"#,
        #"{"caption": "a", "description": "b"}"#,
        #"{"description": "only a description"}"#,
        // Escapes.
        #"{"text": "quote \" backslash \\ slash \/ b\b f\f n\n r\r t\t"}"#,
        #"{"text": "\u00e9\u00E9 \u20ac \u0041 \u007f \u0000 nul"}"#,
        #"{"text": "pair \ud83d\ude00 upper \uD83D\uDE00 mixed \uD83d\uDe00"}"#,
        #"{"text": "\ud800\udc00 \udbff\udfff"}"#,
        #"{"text": "\n\n\\n\"\""}"#,
        #"{"text": "\\"}"#,
        #"{"text": "\""}"#,
        #"{"text": "\u002F\u005c"}"#,
        // Raw UTF-8 and a byte-order mark that does not begin a run of text.
        #"{"text": "é ü ß Ω 中文 😀 🇮🇹 \#u{10FFFF} \#u{FFFD}"}"#,
        "{\"text\": \"in the \u{FEFF}middle\"}",
        "{\"text\": \"x\u{FEFF}\\ny\u{FEFF}\"}",
        "{\"text\": \"del \u{7F}\"}",
        // Numbers, booleans and null.
        #"{"text": "t", "id": 0}"#,
        #"{"text": "t", "id": -0}"#,
        #"{"text": "t", "id": 42}"#,
        #"{"text": "t", "id": -42}"#,
        #"{"text": "t", "id": 123456789012345678}"#,
        #"{"text": "t", "id": -123456789012345678}"#,
        #"{"text": "t", "id": true}"#,
        #"{"text": "t", "id": false}"#,
        #"{"text": "t", "id": null}"#,
        #"{"text": "t", "market": 7, "author": true, "url": null, "published_at": 20260101}"#,
        #"{"text": "t", "platform": 1}"#,
        // Platforms and relationships.
        #"{"text": "t", "platform": "YouTube"}"#,
        #"{"text": "t", "platform": "myspace"}"#,
        #"{"text": "t", "relationship": "gift, stay; paid|affiliate"}"#,
        #"{"text": "t", "relationship": ["gift", "stay"]}"#,
        #"{"text": "t", "relationship": ["Gift", "", "PAID"]}"#,
        #"{"text": "t", "relationship": []}"#,
        #"{"text": "t", "relationship": [ ]}"#,
        #"{"text": "t", "relationship": ["gift", 1]}"#,
        #"{"text": "t", "relationship": ["gift", null]}"#,
        #"{"text": "t", "relationship": [["gift"]]}"#,
        #"{"text": "t", "relationship": ["bribe"]}"#,
        #"{"text": "t", "relationship": ["g\u0069ft", "st\u0061y"]}"#,
        #"{"text": "t", "relationship": 3}"#,
        #"{"text": "t", "relationship": {"gift": true}}"#,
        // Nested values that are not used, which must still be valid.
        #"{"text": "t", "meta": {"a": [1, -2, {"b": null, "c": [true, false]}], "d": "\u00e9", "e": {}}, "tags": []}"#,
        #"{"text": "t", "meta": {"dup": 1, "dup": 2, "Dup": 3, "ключ": "значение", "k\u0065y": "v"}}"#,
        #"{"text": "t", "deep": "# + String(repeating: "[", count: 30) + "1" + String(repeating: "]", count: 30) + "}",
        // Keys: upper case, written twice, mapped.
        #"{"TEXT": "upper", "Id": "mixed", "PLATFORM": "tiktok", "Market": "de"}"#,
        #"{"text": "first", "text": "second"}"#,
        #"{"TEXT": "first", "TEXT": "second"}"#,
        #"{"text": "t", "id": "first", "id": null}"#,
        #"{"text": "t", "id": null, "id": "second"}"#,
        #"{"text": "t", "Caption": "c"}"#,
        // Multi-line whitespace, as in an export's element.
        "{\n  \"id\": \"x\",\n  \"text\": \"line\"\n}",
    ]

    /// Lines left to Foundation: it reports or repairs them, or reads them in a way only it can say.
    static let leftToFoundation: [[UInt8]] = [
        // Not JSON, or not a single object.
        #"{"text": "truncated"#, #"{"text": "t""#, #"{"text": "t","#, #"{"text": "t", "#, #"{"text":"#, #"{"text""#, #"{"#, #"{"te"#,
        #"{"text": "t"} x"#, #"{"text": "t"}}"#, #"{"text": "t"},"#, #"{"text": "t"}{"text": "u"}"#,
        #"{"text": "t",}"#, #"{"text": "t", "r": ["gift",]}"#, #"{,"text": "t"}"#, #"{"text": "t",, "id": "x"}"#,
        #"{"text" "t"}"#, #"{"text": "t" "id": "x"}"#, #"{text: "t"}"#, #"{'text': 't'}"#, #"{"text": 't'}"#,
        #"["text", "t"]"#, #""text""#, "1", "null", "true", #"{"text": "t"]"#, #"{"text": ["t"}"#, #"{"text": {"a": 1]}"#,
        #"{"text": tru}"#, #"{"text": nul}"#, #"{"text": True}"#, #"{"text": NaN}"#, #"{"text": undefined}"#,
        // Numbers Foundation reads as something else, or refuses.
        #"{"text": "t", "id": 1234567890123456789}"#, #"{"text": "t", "id": 18446744073709551615}"#,
        #"{"text": "t", "id": -9223372036854775808}"#, #"{"text": "t", "id": 123456789012345678901234567890}"#,
        #"{"text": "t", "id": 1.5}"#, #"{"text": "t", "id": 1.0}"#, #"{"text": "t", "id": 1e2}"#, #"{"text": "t", "id": 1E2}"#,
        #"{"text": "t", "id": -1.5e-3}"#, #"{"text": "t", "id": 1e999}"#, #"{"text": "t", "id": 01}"#, #"{"text": "t", "id": -01}"#,
        #"{"text": "t", "id": 00}"#, #"{"text": "t", "id": -}"#, #"{"text": "t", "id": 1.}"#, #"{"text": "t", "id": .5}"#,
        #"{"text": "t", "id": +1}"#, #"{"text": "t", "id": 1e}"#, #"{"text": "t", "id": 0x10}"#, #"{"text": "t", "id": 1-2}"#,
        #"{"text": "t", "meta": [1.5]}"#, #"{"text": "t", "meta": {"a": 2e10}}"#,
        // Escapes Foundation refuses.
        #"{"text": "\x"}"#, #"{"text": "\U00e9"}"#, #"{"text": "\u00g9"}"#, #"{"text": "\u00e"}"#, #"{"text": "\u00"#, #"{"text": "\"#,
        #"{"text": "\'"}"#, #"{"text": "\ud83d"}"#, #"{"text": "\ud83d x"}"#, #"{"text": "\ud83d\n"}"#, #"{"text": "\ud83d\u0041"}"#,
        #"{"text": "\ud83d\ud83d"}"#, #"{"text": "\ude00"}"#, #"{"text": "\ude00\ud83d"}"#, #"{"text": "\ud83d\ude0"}"#,
        #"{"text": "\ud83d\"#, #"{"text": "\ud83d\u"}"#,
        // Control characters must be escaped.
        "{\"text\": \"tab\there\"}", "{\"text\": \"cr\rhere\"}", "{\"text\": \"\u{1F}\"}", "{\"text\": \"nl\nhere\"}",
        // Keys: escaped, not ASCII, differing only in case, or a byte-order mark Foundation drops.
        #"{"te\u0078t": "escaped key"}"#, #"{"text\n": "t"}"#, #"{"légende": "x", "text": "t"}"#, #"{"\#u{212A}ey": "x", "text": "t"}"#,
        #"{"Text": "a", "text": "b"}"#, #"{"text": "t", "ID": "a", "id": "b"}"#, #"{"text": "t", "Market": "a", "MARKET": "b"}"#,
        "{\"\u{FEFF}text\": \"t\"}",
        // A byte-order mark that begins a run of text, which Foundation drops.
        "{\"text\": \"\u{FEFF}bom\"}", "{\"text\": \"a\\n\u{FEFF}bom\"}", "{\"text\": \"t\", \"r\": [\"\u{FEFF}gift\"]}",
        "\u{FEFF}{\"text\": \"t\"}",
        // Too deep for the fast reader, and for Foundation.
        #"{"text": "t", "deep": "# + String(repeating: "[", count: 40) + String(repeating: "]", count: 40) + "}",
        #"{"text": "t", "deep": "# + String(repeating: "[", count: 600) + String(repeating: "]", count: 600) + "}",
        #"{"text": "t", "deep": "# + String(repeating: #"{"a":"#, count: 40) + "1" + String(repeating: "}", count: 40) + "}",
    ].map(bytes) + invalidUTF8 + [
        bytes(#"{"text": "t"}"#) + [0], bytes(#"{"text": "nul"#) + [0] + bytes(#""}"#), [0x7B, 0x00, 0x22, 0x00, 0x7D, 0x00],
        // More members than the fast reader keeps.
        bytes("{" + (0..<70).map { #""k\#($0)": \#($0)"# }.joined(separator: ", ") + #", "text": "t"}"#),
    ]

    /// Invalid UTF-8 (a lone continuation, a lone lead, overlong, a surrogate,
    /// past U+10FFFF, cut short) in a value, a key, and outside any string.
    static let invalidUTF8: [[UInt8]] = {
        let sequences: [[UInt8]] = [
            [0x80], [0xC3], [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
            [0xF5, 0x80, 0x80, 0x80], [0xFF], [0xE2, 0x82], [0xF0, 0x9F, 0x98],
        ]
        let places: [(before: String, after: String)] = [
            (#"{"text": "caf"#, #"é"}"#), (#"{"text": "t", "x": ""#, #""}"#), (#"{"text": "t", ""#, #"": 1}"#),
            (#"{"text": "t"}"#, ""), (#"{"text": "t", "x": "#, "}"),
        ]
        return sequences.flatMap { invalid in places.map { bytes($0.before) + invalid + bytes($0.after) } }
    }()

    @Test func linesItReadsAreReadAsFoundationReadsThem() throws {
        for line in Self.readFast {
            let answered = expectSameAsFoundation(bytes(line))
            #expect(answered, "left to Foundation: \(line)")
        }
    }

    @Test func linesItIsNotSureOfAreLeftToFoundation() throws {
        for line in Self.leftToFoundation {
            let answered = expectSameAsFoundation(line)
            #expect(!answered, "read fast: \(String(decoding: line, as: UTF8.self)) \(line)")
        }
    }

    @Test func remappedAndCaseBlindNamesLookUpKeysAsFoundationDoes() throws {
        let mappings = [
            FieldMapping(), try mapping("text=Body", "id=post_id"), try mapping("text=BODY", "id=POST_ID"), try mapping("text=body"),
            // Non-ASCII names, one of them canonically equal to an ASCII key (a Kelvin sign for the K).
            try mapping("text=légende"), try mapping("text=\u{212A}ind", "id=Cl\u{E9}"), try mapping("text=Cle\u{301}"),
        ]
        let lines = [
            #"{"Body": "b", "text": "t", "post_id": "p"}"#, #"{"body": "b", "POST_ID": "P"}"#, #"{"BODY": "B"}"#,
            #"{"légende": "l", "text": "t"}"#, #"{"Kind": "k", "text": "t"}"#, #"{"kind": "k"}"#, #"{"KIND": "k", "Clé": 1}"#,
            #"{"body": null, "text": "t"}"#, #"{"Body": null, "body": "b"}"#, #"{"text": "t", "Post_Id": true}"#,
        ]
        var answered = 0
        for fields in mappings {
            for line in lines where expectSameAsFoundation(bytes(line), fields: fields) { answered += 1 }
        }
        #expect(answered == 49)
    }

    /// Every line cut short, and every byte of it replaced, deleted or doubled:
    /// the fast reader either agrees with Foundation or leaves the line to it.
    @Test func damagedLinesAreReadAsFoundationReadsThemOrLeftToIt() throws {
        let seeds = [
            #"{"id": "p1", "platform": "instagram", "text": "Caffè 💛\n#ad \"q\" \u00e9\ud83d\ude00", "market": "it", "relationship": ["gift", "paid"], "n": -12, "ok": true, "x": null, "m": {"a": [1, {}]}}"#,
            #"{"TEXT":"a\\b\/c","Id":0,"caption":"lower","url":"https://x.y/z?q=1&r=2"}"#,
        ].map(bytes)
        let replacements: [UInt8] = Array(#""\{}[],: 0-9eE.+uUnt/"#.utf8) + [0x00, 0x09, 0x0A, 0x1F, 0x7F, 0x80, 0xBF, 0xC3, 0xED, 0xEF, 0xFF]
        var variants: [[UInt8]] = []
        for seed in seeds {
            variants += (0...seed.count).map { Array(seed[..<$0]) }
            for index in seed.indices {
                variants += replacements.map { var line = seed; line[index] = $0; return line }
                var deleted = seed
                deleted.remove(at: index)
                var doubled = seed
                doubled.insert(seed[index], at: index)
                variants += [deleted, doubled]
            }
        }
        var answered = 0
        for line in variants where expectSameAsFoundation(line) { answered += 1 }
        #expect(variants.count == 9_347)
        // Many damaged lines are still valid JSON (a letter of a value changed, a space added).
        #expect(answered > 2_500)
    }

    @Test func valuesAreDecodedExactly() throws {
        func record(_ line: String, fields: FieldMapping = FieldMapping()) throws -> BatchRecord {
            try #require(JSONRecordParser.parse(bytes(line)[...], fields: fields)?.record)
        }
        #expect(try record(#"{"text": "\ud83d\ude00 \u00e9\n\"\\\/\t"}"#).text == bytes("😀 é\n\"\\/\t"))
        #expect(try record(#"{"text": "a\u0000b"}"#).text == [0x61, 0x00, 0x62])
        #expect(try record("{\"text\": \"x\u{FEFF}y\"}").text == [0x78, 0xEF, 0xBB, 0xBF, 0x79])
        #expect(try record(#"{"text": "t", "id": -0}"#).id == "0")
        #expect(try record(#"{"text": "t", "id": -7}"#).id == "-7")
        #expect(try record(#"{"text": "t", "id": 123456789012345678}"#).id == "123456789012345678")
        #expect(try record(#"{"text": "t", "id": true, "market": false}"#).id == "1")
        #expect(try record(#"{"text": "t", "id": true, "market": false}"#).market == "0")
        #expect(try record(#"{"text": "t", "id": null}"#).id == nil)
        #expect(try record(#"{"text": "first", "text": "second"}"#).text == bytes("second"))
        #expect(try record(#"{"TEXT": "upper", "PLATFORM": "TikTok"}"#).platform == .tiktok)
        #expect(try record(#"{"text": "t", "relationship": ["gift", "st\u0061y"]}"#).relationships == [.gift, .stay])
        #expect(try record(#"{"Kind": "kelvin"}"#, fields: mapping("text=\u{212A}ind")).text == bytes("kelvin"))
        let failure = try #require(JSONRecordParser.parse(bytes(#"{"text": "t", "platform": "myspace"}"#)[...], fields: FieldMapping()))
        let platforms = Platform.allCases.map(\.rawValue).joined(separator: ", ")
        #expect(describe(failure) == "failure: unknown platform 'myspace' (expected \(platforms)), skipped")
    }

    @Test func aBatchReadsTheSameThroughEitherPath() throws {
        let fixture = repositoryRoot.appendingPathComponent("Tests/CandorCoreTests/Fixtures/labelled-posts.jsonl")
        let lines = try Data(contentsOf: fixture).split(separator: 0x0A).map(Array.init)
        #expect(lines.count == 354)
        var answered = 0
        for line in lines where expectSameAsFoundation(line) { answered += 1 }
        #expect(answered == lines.count)
    }
}
