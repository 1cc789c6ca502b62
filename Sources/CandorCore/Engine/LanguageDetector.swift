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
        var hits = [Int](repeating: 0, count: profiles.count)
        let longest = words.longest
        text.bytes.withUnsafeBufferPointer { bytes in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: longest + 1) { word in
                var nextSkipped = 0  // `skipped` is in text order; words arrive in text order too
                var position = 0
                while position < bytes.count {
                    // One word: its bytes folded, unless it is longer than any listed one.
                    let wordStart = position
                    var length = 0
                    var tooLong = false
                    var hash = WordTable.emptyHash
                    @inline(__always) func add(_ byte: UInt8) {
                        guard length < longest else {
                            tooLong = true
                            return
                        }
                        word[length] = byte
                        length += 1
                        hash = WordTable.hash(hash, byte)
                    }
                    while position < bytes.count {
                        let byte = bytes[position]
                        let folded = LanguageDetector.asciiWordByte[Int(byte)]
                        if folded != 0 {
                            add(folded)
                            position += 1
                        } else if byte >= 0xC2 && byte <= 0xDF, position + 1 < bytes.count, bytes[position + 1] & 0xC0 == 0x80 {
                            // Two-byte letters: accented Latin, Greek, Cyrillic.
                            add(byte)
                            add(bytes[position + 1])
                            position += 2
                        } else if byte == 0xE2, position + 2 < bytes.count, bytes[position + 1] == 0x80, bytes[position + 2] == 0x99 {
                            // A typographic apostrophe (U+2019) counts as "'".
                            add(UInt8(ascii: "'"))
                            position += 3
                        } else {
                            break
                        }
                    }
                    // Digits, punctuation, emoji, CJK and invalid bytes end a word.
                    position += 1
                    guard length > 0, !tooLong else { continue }
                    if wordStart > 0, bytes[wordStart - 1] == UInt8(ascii: "#") || bytes[wordStart - 1] == UInt8(ascii: "@") { continue }
                    while nextSkipped < skipped.count, skipped[nextSkipped].upperBound <= wordStart { nextSkipped += 1 }
                    if nextSkipped < skipped.count, skipped[nextSkipped].contains(wordStart) { continue }
                    words.forEachProfile(of: UnsafeBufferPointer(rebasing: word[0..<length]), hash: hash) { hits[$0] += 1 }
                }
            }
        }
        guard let most = hits.max(), most >= 2, hits.count(where: { $0 == most }) == 1 else { return nil }
        return profiles[hits.firstIndex(of: most)!].id
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

/// The listed words, each with the profiles that list it, in an open-addressing
/// table keyed by a hash the detector computes as it reads a word, so a
/// lookup needs no allocation and no rehashing.
struct WordTable: Sendable {
    static let emptyHash: UInt64 = 0xcbf2_9ce4_8422_2325
    /// FNV-1a, one byte at a time.
    @inline(__always) static func hash(_ hash: UInt64, _ byte: UInt8) -> UInt64 { (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }

    private struct Entry {
        let hash: UInt64
        let word: Range<Int>
        let profiles: Range<Int>
    }

    /// The length in bytes of the longest word.
    let longest: Int
    private let entries: [Entry]
    /// hash & mask → an index into `entries`, or -1.
    private let slots: [Int32]
    private let mask: Int
    private let storage: [UInt8]
    private let profileList: [Int32]

    init(_ lists: [[UInt8]: [Int32]]) {
        var entries: [Entry] = []
        var storage: [UInt8] = []
        var profileList: [Int32] = []
        for (word, profiles) in lists.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) where !word.isEmpty {
            let hash = word.reduce(WordTable.emptyHash, WordTable.hash)
            entries.append(Entry(hash: hash, word: storage.count..<storage.count + word.count,
                                 profiles: profileList.count..<profileList.count + profiles.count))
            storage += word
            profileList += profiles
        }
        var capacity = 16
        while capacity < entries.count * 2 { capacity *= 2 }
        var slots = [Int32](repeating: -1, count: capacity)
        for (index, entry) in entries.enumerated() {
            var slot = Int(truncatingIfNeeded: entry.hash) & (capacity - 1)
            while slots[slot] >= 0 { slot = (slot + 1) & (capacity - 1) }
            slots[slot] = Int32(index)
        }
        longest = lists.keys.map(\.count).max() ?? 0
        self.entries = entries
        self.slots = slots
        mask = capacity - 1
        self.storage = storage
        self.profileList = profileList
    }

    /// Calls `body` with each profile that lists `word` (whose hash is `hash`).
    @inline(__always) func forEachProfile(of word: UnsafeBufferPointer<UInt8>, hash: UInt64, _ body: (Int) -> Void) {
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let index = slots[slot]
            if index < 0 { return }
            let entry = entries[Int(index)]
            if entry.hash == hash, entry.word.count == word.count, storage[entry.word].elementsEqual(word) {
                for profile in profileList[entry.profiles] { body(Int(profile)) }
                return
            }
            slot = (slot + 1) & mask
        }
    }
}
