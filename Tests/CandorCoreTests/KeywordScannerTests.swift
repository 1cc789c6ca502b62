@testable import CandorCore
import Testing

@Suite struct KeywordScannerTests {
    /// The lists (by index) whose keywords occur in `text`.
    func lists(_ lists: [[String]], in text: String) -> [Int] {
        let found = KeywordScanner(lists).matches(in: Array(text.utf8))
        return lists.indices.filter(found.contains)
    }

    @Test func everyListWithAKeywordInTheTextIsFound() {
        let lists = [["gift", "sent"], ["code"], ["giftcard"], ["ft"]]
        #expect(self.lists(lists, in: "a giftcard for you") == [0, 2, 3])
        #expect(self.lists(lists, in: "use my CODE") == [1])
        #expect(self.lists(lists, in: "nothing here") == [])
    }

    @Test func overlappingAndNestedKeywordsAreAllSeen() {
        // "she" ends inside "shers"; "he" and "hers" share its tail.
        let lists = [["she"], ["he"], ["hers"], ["his"]]
        #expect(self.lists(lists, in: "ushers") == [0, 1, 2])
    }

    @Test func listsWithoutKeywordsAlwaysRun() {
        #expect(lists([[], ["zzz"], [""]], in: "anything") == [0, 2])
        #expect(lists([[]], in: "") == [0])
        // No keyword at all: nothing to walk, however long the text.
        #expect(lists([[]], in: "abcdef") == [0])
        #expect(lists([[], [""]], in: String(repeating: "a long text ", count: 20)) == [0, 1])
    }

    @Test func lettersPCREFoldsAcrossLengthsAreFoldedToo() {
        // PCRE2's caseless matching takes ſ for s and the Kelvin sign for k.
        let lists = [["hosting"], [#"\bsend"#], ["kit"], ["größe"], ["zzz"]]
        #expect(self.lists(lists, in: "Thank you for hoſting us") == [0])
        #expect(self.lists(lists, in: "we will ſend two of you") == [1])
        #expect(self.lists(lists, in: "a \u{212A}IT for you, then ſ") == [2])
        #expect(self.lists(lists, in: "GRÖẞE") == [3])
        #expect(self.lists(lists, in: "nothing like it: ſ \u{212A} \u{212B} ẞ") == [])
        #expect(KeywordScanner.replacingLettersFoldedAcrossLengths(in: Array("plain café".utf8)) == nil)
        #expect(KeywordScanner.replacingLettersFoldedAcrossLengths(in: Array("ſ\u{212A}\u{212B}ẞ!".utf8)) == Array("skåß!".utf8))
    }

    @Test func asciiAndLatin1CapitalsAreFolded() {
        let lists = [["código"], ["größe"], ["×"]]
        #expect(self.lists(lists, in: "CÓDIGO") == [0])
        #expect(self.lists(lists, in: "GRÖßE") == [1])
        // "×" (C3 97) has no lower case, and "÷" (C3 B7) is not "×".
        #expect(self.lists(lists, in: "÷") == [])
        #expect(self.lists(lists, in: "2×3") == [2])
        // Keywords with bytes 80–9E (of "€" and "’") still find themselves.
        #expect(self.lists([["€"], ["d’entre"]], in: "10 € D’ENTRE") == [0, 1])
    }

    @Test func wordBoundariesAreCheckedAtEitherEnd() {
        let lists = [[#"\bad\b"#], [#"\bpr"#], [#"off\b"#]]
        #expect(self.lists(lists, in: "#ad made ready") == [0])
        #expect(self.lists(lists, in: "made ready") == [])
        #expect(self.lists(lists, in: "AD") == [0])
        #expect(self.lists(lists, in: "ad_") == [])
        // Bytes beyond ASCII count as a boundary.
        #expect(self.lists(lists, in: "éadé") == [0])
        #expect(self.lists(lists, in: "PR package, reprint") == [1])
        #expect(self.lists(lists, in: "reprint") == [])
        #expect(self.lists(lists, in: "20% off!") == [2])
        #expect(self.lists(lists, in: "offer") == [])
    }

    @Test func aKeywordThatFailsItsBoundaryOnceIsStillFoundLater() {
        #expect(lists([[#"\bad\b"#]], in: "bad ads, then #ad") == [0])
    }

    /// The prefilter's meaning, written the slow way: fold text and keywords
    /// byte by byte (ASCII capitals, and 80–9E but 97 to the byte 20 above, so
    /// a Latin-1 capital's second byte becomes its lower case's), then look
    /// for each keyword at every offset.
    static func fold(_ byte: UInt8) -> UInt8 {
        if byte >= 0x41 && byte <= 0x5A { return byte | 0x20 }
        if byte >= 0x80, byte <= 0x9E, byte != 0x97 { return byte + 0x20 }
        return byte
    }

    static func naiveLists(_ lists: [[String]], in text: [UInt8]) -> [Int] {
        let folded = text.map(fold)
        return lists.indices.filter { list in
            let keywords = lists[list].map(Keyword.init)
            if keywords.isEmpty || keywords.contains(where: { $0.bytes.isEmpty }) { return true }
            return keywords.contains { keyword in
                guard keyword.bytes.count <= folded.count else { return false }
                return (0...(folded.count - keyword.bytes.count)).contains { start in
                    let end = start + keyword.bytes.count
                    return folded[start..<end].elementsEqual(keyword.bytes.map(fold))
                        && (!keyword.wordStart || start == 0 || !Keyword.isWordByte(text[start - 1]))
                        && (!keyword.wordEnd || end == text.count || !Keyword.isWordByte(text[end]))
                }
            }
        }
    }

    @Test func aKeywordIsFoundWhereverItSitsInALongText() {
        // Long texts are walked as two halves; the longest keyword must be seen
        // across the seam too, and with Latin-1 capitals folded on either side of it.
        let lists = [["código"], ["ab"], ["x"]]
        for length in 20..<60 {
            for start in 0...(length - 7) {
                var text = [UInt8](repeating: UInt8(ascii: "-"), count: length)
                text.replaceSubrange(start..<(start + 7), with: Array("CÓDIGO".utf8))
                #expect(self.lists(lists, in: String(decoding: text, as: UTF8.self)) == [0], "\(length) \(start)")
            }
        }
    }

    @Test func agreesWithTheSlowWayOnRandomText() {
        // A small alphabet, so keywords overlap and recur: letters in both cases,
        // a boundary, the lead byte of Latin-1 letters and two of its followers.
        let alphabet: [UInt8] = Array("abAB _".utf8) + [0xC3, 0x93, 0xB3, 0x97]
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(bound))
        }
        func word(_ length: Int) -> [UInt8] { (0..<length).map { _ in alphabet[next(alphabet.count)] } }
        for _ in 0..<300 {
            let lists: [[String]] = (0..<4).map { _ in
                (0..<(1 + next(3))).map { _ in
                    let core = String(decoding: word(1 + next(3)).map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
                    return (next(3) == 0 ? #"\b"# : "") + core + (next(3) == 0 ? #"\b"# : "")
                }
            }
            let scanner = KeywordScanner(lists)
            // Short texts are walked once; longer ones as two halves at once.
            for length in (0..<10).map({ _ in next(12) }) + (0..<10).map({ _ in 12 + next(90) }) {
                let text = word(length)
                let found = scanner.matches(in: text)
                #expect(lists.indices.filter(found.contains) == KeywordScannerTests.naiveLists(lists, in: text), "\(lists) in \(text)")
            }
        }
    }
}


@Suite struct KeywordMatchesTests {
    /// Lists below 512 are kept inline and the rest in an array: both halves,
    /// and their edges, hold what was put in and nothing else.
    @Test func listsOnEitherSideOfTheInlineLimitAreKeptApart() {
        let count = 1100
        let chosen = [0, 63, 64, 300, 511, 512, 575, 576, 1099]
        var matches = KeywordMatches(count: count)
        for list in chosen { matches.insert(list) }
        #expect((0..<count).filter(matches.contains) == chosen)
        for list in chosen {
            var other = KeywordMatches(count: count)
            other.insert(list)
            #expect(matches.intersects(other), "\(list)")
            var neighbour = KeywordMatches(count: count)
            neighbour.insert(list == 0 ? 1 : list - 1)
            #expect(matches.intersects(neighbour) == chosen.contains(list == 0 ? 1 : list - 1), "\(list)")
        }
        #expect(!matches.intersects(KeywordMatches(count: count)))
        for range in [0..<count, 0..<64, 63..<577, 64..<512, 511..<1099, 512..<1100, 577..<1099, 100..<100] {
            #expect(matches.members(in: range) == range.filter(matches.contains), "\(range)")
        }
        var small = KeywordMatches(count: 265)
        for list in [3, 199, 200, 264] { small.insert(list) }
        #expect(small.members(in: 0..<200) == [3, 199])
        #expect(small.members(in: 200..<265) == [200, 264])
    }
}

@Suite struct WordTableTests {
    func lookUp(_ table: WordTable, _ word: String) -> [Int] {
        guard let packed = PackedWord(Array(word.utf8)) else { return [] }
        var found: [Int] = []
        table.forEachProfile(of: packed) { found.append($0); return true }
        return found
    }

    @Test func everyListedWordIsFoundWithItsProfilesAndNothingElseIs() {
        let languages = shippedRules.languages
        var lists: [[UInt8]: [Int32]] = [:]
        for (number, language) in languages.enumerated() {
            for word in language.words { lists[Array(word.utf8), default: []].append(Int32(number)) }
        }
        let table = WordTable(lists)
        #expect(table.longest == lists.keys.map(\.count).max())
        for (word, profiles) in lists {
            let text = String(decoding: word, as: UTF8.self)
            #expect(lookUp(table, text) == profiles.map(Int.init), "\(text)")
            #expect(lookUp(table, text + "x") == (lists[word + [0x78]] ?? []).map(Int.init))
        }
        #expect(lookUp(table, "") == [])
        #expect(lookUp(table, "zzzqqq") == [])
    }

    @Test func wordsUpToSixteenBytesAreToldApartByEveryByte() {
        // Prefixes of one another, equal but for one byte in either half, and
        // as long as a packed word holds.
        let words = ["a", "ab", "abcdefgh", "abcdefghi", "abcdefgi", "abcdefghijklmnop", "abcdefghijklmnoq", "é", "ée", "i'm"]
        var lists: [[UInt8]: [Int32]] = [:]
        for (number, word) in words.enumerated() { lists[Array(word.utf8)] = [Int32(number), Int32(number + 100)] }
        let table = WordTable(lists)
        #expect(table.longest == 16)
        for (number, word) in words.enumerated() { #expect(lookUp(table, word) == [number, number + 100], "\(word)") }
        for absent in ["b", "abc", "abcdefg", "abcdefghij", "abcdefghijklmno", "abcdefghijklmnopq", "e", "im"] {
            #expect(lookUp(table, absent) == [], "\(absent)")
        }
    }
}
