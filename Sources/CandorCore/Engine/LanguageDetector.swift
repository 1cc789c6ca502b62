/// Tells the language of a post from its common words, so each post can be
/// judged under the jurisdictions of its audience. Works on bytes: words are
/// runs of ASCII letters, apostrophes and two-byte UTF-8 letters (accented
/// Latin), folded to lower case for ASCII; hashtags, mentions and links are skipped.
struct LanguageDetector: Sendable {
    let profiles: [LanguageProfile]
    private let words: WordTable

    init(profiles: [LanguageProfile]) {
        self.profiles = profiles
        var lists: [[UInt8]: [Int32]] = [:]
        for (number, profile) in profiles.enumerated() {
            for word in profile.words { lists[Array(word.utf8), default: []].append(Int32(number)) }
        }
        words = WordTable(lists)
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
        let longest = words.longest
        let best: Int? = withUnsafeTemporaryAllocation(of: Int.self, capacity: profiles.count) { hits in
            hits.initialize(repeating: 0)
            text.bytes.withUnsafeBufferPointer { bytes in
                LanguageDetector.asciiWordByte.withUnsafeBufferPointer { asciiWordByte in
                    var nextSkipped = 0  // `skipped` is in text order; words arrive in text order too
                    var position = 0
                    let count = bytes.count
                    while position < count {
                        // One word, its bytes folded and packed; only its length is kept past 16 bytes.
                        let wordStart = position
                        var word = PackedWord()
                        var length = 0
                        while position < count {
                            let byte = bytes[position]
                            let folded = asciiWordByte[Int(byte)]
                            if folded != 0 {
                                word.append(folded)
                                length &+= 1
                                position &+= 1
                            } else if byte >= 0xC2 && byte <= 0xDF, position &+ 1 < count, bytes[position &+ 1] & 0xC0 == 0x80 {
                                // Two-byte letters: accented Latin, Greek, Cyrillic.
                                word.append(byte)
                                word.append(bytes[position &+ 1])
                                length &+= 2
                                position &+= 2
                            } else if byte == 0xE2, position &+ 2 < count, bytes[position &+ 1] == 0x80, bytes[position &+ 2] == 0x99 {
                                // A typographic apostrophe (U+2019) counts as "'".
                                word.append(UInt8(ascii: "'"))
                                length &+= 1
                                position &+= 3
                            } else {
                                break
                            }
                        }
                        // Digits, punctuation, emoji, CJK and invalid bytes end a word.
                        position &+= 1
                        guard length > 0, length <= longest else { continue }
                        // Most words are not listed: the table is asked first, and
                        // what makes a listed word not count only then.
                        words.forEachProfile(of: word) { profile in
                            if wordStart > 0, bytes[wordStart &- 1] == UInt8(ascii: "#") || bytes[wordStart &- 1] == UInt8(ascii: "@") { return false }
                            while nextSkipped < skipped.count, skipped[nextSkipped].upperBound <= wordStart { nextSkipped += 1 }
                            if nextSkipped < skipped.count, skipped[nextSkipped].contains(wordStart) { return false }
                            hits[profile] += 1
                            return true
                        }
                    }
                }
            }
            guard let most = hits.max(), most >= 2, hits.count(where: { $0 == most }) == 1 else { return nil }
            return hits.firstIndex(of: most)
        }
        return best.map { profiles[$0].id }
    }

    /// ASCII letters (folded to lower case) and "'", the bytes that make up
    /// most words; 0 for every other byte.
    private static let asciiWordByte: [UInt8] = (0...255).map { byte in
        switch UInt8(byte) {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): UInt8(byte) | 0x20
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "'"): UInt8(byte)
        default: 0
        }
    }
}

/// A word of at most 16 bytes, packed into two integers as one 128-bit
/// number whose last byte is the word's last; no word holds a zero byte, so
/// equal words pack equal and different ones differ.
struct PackedWord: Equatable {
    static let capacity = 16
    private(set) var low: UInt64 = 0
    private(set) var high: UInt64 = 0

    init() {}

    /// Nil for an empty word or one longer than `capacity`.
    init?(_ bytes: some Collection<UInt8>) {
        guard !bytes.isEmpty, bytes.count <= PackedWord.capacity else { return nil }
        for byte in bytes { append(byte) }
    }

    var isEmpty: Bool { low == 0 }

    /// Shifts `byte` in at the end: no branch and no shift by a variable
    /// amount per byte. Past `capacity` the first bytes fall out (the caller
    /// keeps the length, and no word that long is listed).
    @inline(__always) mutating func append(_ byte: UInt8) {
        high = high &<< 8 | low &>> 56
        low = low &<< 8 | UInt64(byte)
    }

    /// Multiplicative hashing: the top bits of the product are well mixed.
    @inline(__always) func hash(bits: Int) -> Int {
        Int(truncatingIfNeeded: ((low ^ (high &* 0x9E37_79B9_7F4A_7C15)) &* 0xBF58_476D_1CE4_E5B9) >> UInt64(64 - bits))
    }
}

/// The listed words, each with the profiles that list it, in an open-addressing
/// table of packed words, so a lookup needs no allocation and compares two
/// integers.
struct WordTable: Sendable {
    private struct Entry {
        var word = PackedWord()
        var profiles: Range<Int32> = 0..<0
    }

    /// The length in bytes of the longest word.
    let longest: Int
    /// Slot by hash; an empty word marks a free slot.
    private let slots: [Entry]
    private let bits: Int
    private let profileList: [Int32]

    /// `lists` maps each word (at most `PackedWord.capacity` bytes; the rule
    /// loader checks) to the profiles that list it.
    init(_ lists: [[UInt8]: [Int32]]) {
        var bits = 4
        while 1 << bits < lists.count * 2 { bits += 1 }
        var slots = [Entry](repeating: Entry(), count: 1 << bits)
        var profileList: [Int32] = []
        for (bytes, profiles) in lists.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            guard let word = PackedWord(bytes) else { continue }
            var slot = word.hash(bits: bits)
            while !slots[slot].word.isEmpty { slot = (slot + 1) & (slots.count - 1) }
            slots[slot] = Entry(word: word, profiles: Int32(profileList.count)..<Int32(profileList.count + profiles.count))
            profileList += profiles
        }
        longest = lists.keys.filter { $0.count <= PackedWord.capacity }.map(\.count).max() ?? 0
        self.slots = slots
        self.bits = bits
        self.profileList = profileList
    }

    /// Calls `body` with each profile that lists `word`, until it returns false.
    @inline(__always) func forEachProfile(of word: PackedWord, _ body: (Int) -> Bool) {
        slots.withUnsafeBufferPointer { slots in
            var slot = word.hash(bits: bits)
            while true {
                let entry = slots[slot]
                if entry.word == word {
                    for index in entry.profiles where !body(Int(profileList[Int(index)])) { return }
                    return
                }
                if entry.word.isEmpty { return }
                slot = (slot + 1) & (slots.count - 1)
            }
        }
    }
}
