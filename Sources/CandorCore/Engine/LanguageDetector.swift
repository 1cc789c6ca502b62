/// Tells the language of a post from its common words, so each post can be
/// judged under the jurisdictions of its audience. Works on bytes: words are
/// runs of ASCII letters, apostrophes and two-byte UTF-8 letters (accented
/// Latin), folded to lower case for ASCII; hashtags, mentions and links are skipped.
struct LanguageDetector: Sendable {
    let profiles: [LanguageProfile]
    /// Word → indexes of the profiles that list it.
    private let index: [[UInt8]: [Int]]

    init(profiles: [LanguageProfile]) {
        self.profiles = profiles
        var index: [[UInt8]: [Int]] = [:]
        for (number, profile) in profiles.enumerated() {
            for word in profile.words { index[Array(word.utf8), default: []].append(number) }
        }
        self.index = index
    }

    /// The language named most often, when one is named more than any other.
    static func majority(_ languages: [String]) -> String? {
        let counts = Dictionary(languages.map { ($0, 1) }, uniquingKeysWith: +).sorted { $0.value > $1.value }
        guard let best = counts.first, counts.count == 1 || best.value > counts[1].value else { return nil }
        return best.key
    }

    /// The profile with the most word hits, when it has at least two and beats
    /// the runner-up; nil when the text is too short or too mixed to tell.
    func detect(_ text: SourceText, skipping skipped: [Range<Int>] = []) -> String? {
        var hits = [Int](repeating: 0, count: profiles.count)
        let bytes = text.bytes
        var word: [UInt8] = []
        var wordStart = 0
        var position = 0
        var nextSkipped = 0  // `skipped` is in text order; words arrive in text order too
        func finish() {
            defer { word.removeAll(keepingCapacity: true) }
            guard !word.isEmpty else { return }
            if wordStart > 0, bytes[wordStart - 1] == UInt8(ascii: "#") || bytes[wordStart - 1] == UInt8(ascii: "@") { return }
            while nextSkipped < skipped.count, skipped[nextSkipped].upperBound <= wordStart { nextSkipped += 1 }
            if nextSkipped < skipped.count, skipped[nextSkipped].contains(wordStart) { return }
            for profile in index[word] ?? [] { hits[profile] += 1 }
        }
        while position < bytes.count {
            let byte = bytes[position]
            // A typographic apostrophe (U+2019) counts as "'".
            if byte == 0xE2, position + 2 < bytes.count, bytes[position + 1] == 0x80, bytes[position + 2] == 0x99 {
                if word.isEmpty { wordStart = position }
                word.append(UInt8(ascii: "'"))
                position += 3
                continue
            }
            if (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == UInt8(ascii: "'") {
                if word.isEmpty { wordStart = position }
                word.append(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte)
                position += 1
            } else if byte >= 0xC2 && byte <= 0xDF, position + 1 < bytes.count, bytes[position + 1] & 0xC0 == 0x80 {
                // Two-byte letters: accented Latin, Greek, Cyrillic.
                if word.isEmpty { wordStart = position }
                word += [byte, bytes[position + 1]]
                position += 2
            } else {
                // Digits, punctuation, emoji, CJK and invalid bytes end a word.
                finish()
                position += 1
            }
        }
        finish()
        let ranked = hits.enumerated().sorted { $0.element > $1.element }
        guard let best = ranked.first, best.element >= 2, ranked.count < 2 || best.element > ranked[1].element else { return nil }
        return profiles[best.offset].id
    }
}
