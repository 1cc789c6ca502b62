@testable import CandorCore
import Testing

@Suite struct LanguageDetectorTests {
    /// The detector's rules written out plainly, a byte at a time: a word is a
    /// run of ASCII letters and "'", two-byte UTF-8 letters and U+2019 (as "'"),
    /// ASCII folded to lower case; a word right after "#" or "@", or starting
    /// inside a skipped range, does not count.
    static func plainHits(_ bytes: [UInt8], profiles: [LanguageProfile], skipping skipped: [Range<Int>]) -> [Int] {
        var hits = [Int](repeating: 0, count: profiles.count)
        var position = 0
        while position < bytes.count {
            let start = position
            var word: [UInt8] = []
            while position < bytes.count {
                let byte = bytes[position]
                if (0x41...0x5A).contains(byte) {
                    word.append(byte | 0x20)
                    position += 1
                } else if (0x61...0x7A).contains(byte) || byte == 0x27 {
                    word.append(byte)
                    position += 1
                } else if (0xC2...0xDF).contains(byte), position + 1 < bytes.count, bytes[position + 1] & 0xC0 == 0x80 {
                    word += bytes[position...(position + 1)]
                    position += 2
                } else if bytes[position...].starts(with: [0xE2, 0x80, 0x99]) {
                    word.append(0x27)
                    position += 3
                } else {
                    break
                }
            }
            position += 1
            guard !word.isEmpty else { continue }
            if start > 0, bytes[start - 1] == UInt8(ascii: "#") || bytes[start - 1] == UInt8(ascii: "@") { continue }
            if skipped.contains(where: { $0.contains(start) }) { continue }
            for (number, profile) in profiles.enumerated() where profile.words.contains(where: { Array($0.utf8) == word }) {
                hits[number] += 1
            }
        }
        return hits
    }

    /// What `detect` answers for those hits.
    static func verdict(_ hits: [Int], profiles: [LanguageProfile]) -> String? {
        guard let most = hits.max(), most >= 2, hits.count(where: { $0 == most }) == 1 else { return nil }
        return profiles[hits.firstIndex(of: most)!].id
    }

    @Test func agreesWithThePlainWayOnRandomText() {
        func profile(_ id: String, _ words: Set<String>) -> LanguageProfile {
            LanguageProfile(id: id, name: id, words: words, examples: RuleExamples(match: [], noMatch: []),
                            location: SourceLocation(file: "test", line: 1, column: 1))
        }
        let profiles = [
            profile("a", ["the", "and", "it's", "über", "été", "abcdefghijklmnop", "x"]),
            profile("b", ["die", "und", "été", "abcdefgh", "abcdefghi", "i'm"]),
            profile("c", ["and", "ab", "abcdefghijklmno"]),
        ]
        let detector = LanguageDetector(profiles: profiles)
        // Listed words in both cases, their pieces and runs longer than a word,
        // and what ends or joins words: spaces, digits, "#", "@", both
        // apostrophes, an emoji, a lone lead byte and a stray continuation byte.
        let pieces: [[UInt8]] = ["the", "THE", "And", "it's", "it’s", "über", "ÜBER", "été", "abcdefgh", "ABCDEFGHI",
                                 "abcdefghijklmno", "abcdefghijklmnop", "abcdefghijklmnopq", "die", "Und", "i'm", "I’M",
                                 "x", "ab", " ", " ", "  ", "1", "#", "@", "'", "’", "🎉", ".", "\n"].map { Array($0.utf8) }
            + [[0xC3], [0x80], [0xE2, 0x80], [0xC3, 0x28]]
        var seed: UInt64 = 0x2545_F491_4F6C_DD1D
        func next(_ bound: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(bound))
        }
        for _ in 0..<3000 {
            var bytes: [UInt8] = []
            for _ in 0..<next(40) { bytes += pieces[next(pieces.count)] }
            var skipped: [Range<Int>] = []
            var from = 0
            while from < bytes.count, next(3) == 0 {
                let start = from + next(bytes.count - from)
                let end = min(bytes.count, start + 1 + next(12))
                skipped.append(start..<end)
                from = end + 1
            }
            let expected = LanguageDetectorTests.verdict(LanguageDetectorTests.plainHits(bytes, profiles: profiles, skipping: skipped),
                                                         profiles: profiles)
            #expect(detector.detect(SourceText(bytes), skipping: skipped) == expected, "\(bytes) skipping \(skipped)")
        }
    }
}
