/// A rule keyword. `\b` at either end asks that the keyword begin (or end) a
/// word there: the neighbouring byte is not an ASCII letter, digit or `_`.
/// Bytes beyond ASCII always count as a boundary, so the filter never rejects
/// a post PCRE2's Unicode `\b` would accept.
struct Keyword: Sendable, Hashable {
    let bytes: [UInt8]
    let wordStart: Bool
    let wordEnd: Bool

    init(_ text: String) {
        var bytes = Array(text.utf8)
        wordStart = bytes.starts(with: [0x5C, 0x62]) && bytes.count > 2
        if wordStart { bytes.removeFirst(2) }
        wordEnd = bytes.count > 2 && bytes.suffix(2).elementsEqual([0x5C, 0x62])
        if wordEnd { bytes.removeLast(2) }
        self.bytes = bytes
    }

    @inline(__always) static func isWordByte(_ byte: UInt8) -> Bool {
        (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x5F
    }
}

/// Which rules can match a post, decided in one pass over its bytes: every
/// keyword of every rule goes into one automaton (Aho–Corasick, as a table
/// over byte classes), so the cost is one table step per byte however many
/// rules there are. A rule runs when one of its keywords occurs, or when it
/// has none.
///
/// The text is matched folded to lower case, as keywords are stored: ASCII,
/// and Latin-1 capitals (À–Þ, the second byte after `C3`). The fold is in the
/// byte classes: each byte from 80 to 9E (but 97, "×") steps like the byte
/// 20 above it, in keywords and text alike, whatever byte came before. That
/// also lets a few other characters stand for one another (`€`, E2 82 AC,
/// for E2 A2 AC): the filter may run a rule for nothing, never skip one.
/// Other bytes are compared as they are, except the few letters PCRE2's
/// caseless matching takes for a letter of another UTF-8 length (`ſ` for
/// `s`, the Kelvin sign for `k`): a text holding one is scanned again with
/// them replaced.
struct KeywordScanner: Sendable {
    /// How many keyword lists (rules) there are.
    let listCount: Int
    /// Lists that always run: no keywords (or an empty one).
    private let unconditional: [Int]
    private let keywords: [Keyword]
    /// Keyword → the lists that hold it.
    private let owners: [[Int]]
    /// Byte → its class; bytes in no keyword share class 0.
    private let byteClass: [UInt8]
    private let classCount: Int
    /// state × classCount + class → next state × classCount (the row where its
    /// steps start), bit-inverted when keywords end at that state.
    private let transitions: [Int32]
    /// The keywords that end at each state: `outputs[outputStart[s]..<outputStart[s + 1]]`.
    private let outputStart: [Int32]
    private let outputs: [Int32]
    /// The length in bytes of the longest keyword.
    private let longest: Int

    /// One keyword list per rule, in rule order.
    init(_ lists: [[String]]) {
        listCount = lists.count
        var unconditional: [Int] = []
        var index: [Keyword: Int] = [:]
        var keywords: [Keyword] = []
        var owners: [[Int]] = []
        for (list, strings) in lists.enumerated() {
            let parsed = strings.map(Keyword.init)
            if parsed.isEmpty || parsed.contains(where: { $0.bytes.isEmpty }) {
                unconditional.append(list)
                continue
            }
            for keyword in parsed {
                if let known = index[keyword] {
                    if owners[known].last != list { owners[known].append(list) }
                } else {
                    index[keyword] = keywords.count
                    keywords.append(keyword)
                    owners.append([list])
                }
            }
        }
        self.unconditional = unconditional
        self.keywords = keywords
        self.owners = owners
        longest = keywords.map { $0.bytes.count }.max() ?? 0

        var byteClass = [UInt8](repeating: 0, count: 256)
        var classCount = 1
        for byte in Set(keywords.flatMap { $0.bytes.map(KeywordScanner.folded) }).sorted() where byteClass[Int(byte)] == 0 {
            precondition(classCount < 256, "keyword alphabet too large")
            byteClass[Int(byte)] = UInt8(classCount)
            classCount += 1
        }
        // Capital letters step like their lower-case forms.
        for byte in 0...255 { byteClass[byte] = byteClass[Int(KeywordScanner.folded(UInt8(byte)))] }
        self.byteClass = byteClass
        self.classCount = classCount

        // The trie, then failure links breadth first, which complete it into a table.
        var table: [Int32] = Array(repeating: -1, count: classCount)
        var ends: [[Int32]] = [[]]
        for (number, keyword) in keywords.enumerated() {
            var state = 0
            for byte in keyword.bytes {
                let slot = state * classCount + Int(byteClass[Int(byte)])
                if table[slot] < 0 {
                    table[slot] = Int32(ends.count)
                    ends.append([])
                    table.append(contentsOf: repeatElement(-1, count: classCount))
                }
                state = Int(table[slot])
            }
            ends[state].append(Int32(number))
        }
        var failure = [Int](repeating: 0, count: ends.count)
        var queue: [Int] = []
        for byteClass in 0..<classCount {
            let child = table[byteClass]
            if child < 0 { table[byteClass] = 0 } else { queue.append(Int(child)) }
        }
        var head = 0
        // Every start-up walks the whole table here, so through its buffer.
        table.withUnsafeMutableBufferPointer { table in
            while head < queue.count {
                let state = queue[head]
                head += 1
                if !ends[failure[state]].isEmpty { ends[state] += ends[failure[state]] }
                let row = state * classCount, fallbackRow = failure[state] * classCount
                for byteClass in 0..<classCount {
                    let child = table[row + byteClass]
                    let fallback = table[fallbackRow + byteClass]
                    if child < 0 {
                        table[row + byteClass] = fallback
                    } else {
                        failure[Int(child)] = Int(fallback)
                        queue.append(Int(child))
                    }
                }
            }
        }
        let endsHere = ends.map { !$0.isEmpty }
        transitions = table.map { next in
            let row = next * Int32(classCount)
            return endsHere[Int(next)] ? ~row : row
        }
        var outputStart: [Int32] = [0]
        for end in ends { outputStart.append(outputStart.last! + Int32(end.count)) }
        self.outputStart = outputStart
        outputs = ends.flatMap { $0 }
    }

    /// The byte whose class `byte` shares: ASCII capitals as lower case, and
    /// 80–9E (but 97) as the byte 20 above, the lower case of a Latin-1
    /// capital's second byte.
    private static func folded(_ byte: UInt8) -> UInt8 {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte | 0x20
        case 0x80...0x9E where byte != 0x97: byte + 0x20
        default: byte
        }
    }

    /// The lists whose keywords occur in `bytes`, and those that always run.
    func matches(in bytes: [UInt8]) -> KeywordMatches {
        var found = KeywordMatches(count: listCount)
        for list in unconditional { found.insert(list) }
        guard longest > 0 else { return found }
        scan(bytes, into: &found)
        if let folded = KeywordScanner.replacingLettersFoldedAcrossLengths(in: bytes) { scan(folded, into: &found) }
        return found
    }

    /// Unicode's simple case folds that change a letter's UTF-8 length.
    private static let foldsAcrossLengths: [(letter: [UInt8], folded: [UInt8])] = [
        (Array("ſ".utf8), Array("s".utf8)), (Array("\u{212A}".utf8), Array("k".utf8)),
        (Array("\u{212B}".utf8), Array("å".utf8)), (Array("ẞ".utf8), Array("ß".utf8)),
    ]

    /// The text with those letters folded, or nil when it holds none (nearly always).
    static func replacingLettersFoldedAcrossLengths(in bytes: [UInt8]) -> [UInt8]? {
        guard foldsAcrossLengths.contains(where: { bytes.firstRange(of: $0.letter, from: 0) != nil }) else { return nil }
        var folded: [UInt8] = []
        folded.reserveCapacity(bytes.count)
        var position = 0
        search: while position < bytes.count {
            for fold in foldsAcrossLengths where bytes[position...].starts(with: fold.letter) {
                folded += fold.folded
                position += fold.letter.count
                continue search
            }
            folded.append(bytes[position])
            position += 1
        }
        return folded
    }

    /// Marks the lists whose keywords occur in `bytes`.
    private func scan(_ bytes: [UInt8], into found: inout KeywordMatches) {
        bytes.withUnsafeBufferPointer { text in
            transitions.withUnsafeBufferPointer { transitions in
                byteClass.withUnsafeBufferPointer { byteClass in
                    outputStart.withUnsafeBufferPointer { outputStart in
                        /// One step of a walk through the table: the next row, and the
                        /// keywords that end here recorded.
                        @inline(__always) func step(_ position: Int, _ row: inout Int) {
                            let next = transitions[row + Int(byteClass[Int(text[position])])]
                            guard next < 0 else {
                                row = Int(next)
                                return
                            }
                            row = Int(~next)
                            let state = row / classCount
                            record(outputs[Int(outputStart[state])..<Int(outputStart[state + 1])], endingAt: position, in: text, into: &found)
                        }
                        // Each step waits for the table load of the step before, so a
                        // text is walked as two halves at once, which the processor
                        // overlaps. The second walk starts early enough to see every
                        // keyword that ends in its half.
                        var first = 0, second = 0
                        let middle = text.count / 2
                        guard middle > 2 * longest else {
                            for position in 0..<text.count { step(position, &first) }
                            return
                        }
                        let secondStart = middle - (longest - 1)
                        for offset in 0..<middle {
                            step(offset, &first)
                            step(secondStart + offset, &second)
                        }
                        for position in (secondStart + middle)..<text.count { step(position, &second) }
                    }
                }
            }
        }
    }

    /// Marks the owners of every keyword that ends at `position` and meets its word boundaries.
    private func record(_ ending: ArraySlice<Int32>, endingAt position: Int, in text: UnsafeBufferPointer<UInt8>,
                        into found: inout KeywordMatches) {
        for number in ending {
            let keyword = keywords[Int(number)]
            let start = position + 1 - keyword.bytes.count
            if keyword.wordStart, start > 0, Keyword.isWordByte(text[start - 1]) { continue }
            if keyword.wordEnd, position + 1 < text.count, Keyword.isWordByte(text[position + 1]) { continue }
            for list in owners[Int(number)] { found.insert(list) }
        }
    }
}

/// A set of keyword lists, as bits: the first 512 inline, so a post's set
/// needs no allocation with a rule library of up to that many rules.
struct KeywordMatches {
    private static let inlineCount = 512
    private var inline = InlineArray<8, UInt64>(repeating: 0)
    /// Lists from `inlineCount` on; empty (no storage) for smaller libraries.
    private var rest: [UInt64]

    init(count: Int) {
        rest = count > KeywordMatches.inlineCount ? Array(repeating: 0, count: (count - KeywordMatches.inlineCount + 63) / 64) : []
    }

    mutating func insert(_ list: Int) {
        if list < KeywordMatches.inlineCount {
            inline[list >> 6] |= 1 << UInt64(list & 63)
        } else {
            let beyond = list - KeywordMatches.inlineCount
            rest[beyond >> 6] |= 1 << UInt64(beyond & 63)
        }
    }

    func contains(_ list: Int) -> Bool {
        if list < KeywordMatches.inlineCount { return inline[list >> 6] & (1 << UInt64(list & 63)) != 0 }
        let beyond = list - KeywordMatches.inlineCount
        return rest[beyond >> 6] & (1 << UInt64(beyond & 63)) != 0
    }

    /// The lists in the set from `range`, in order: found by their bits, so a
    /// post whose keywords name few of many rules visits only those.
    func members(in range: Range<Int>) -> [Int] {
        var found: [Int] = []
        var word = range.lowerBound >> 6
        while word << 6 < range.upperBound {
            var bits = word < 8 ? inline[word] : rest.isEmpty ? 0 : rest[word - 8]
            while bits != 0 {
                let list = word << 6 + bits.trailingZeroBitCount
                bits &= bits - 1
                if list >= range.upperBound { return found }
                if list >= range.lowerBound { found.append(list) }
            }
            word += 1
        }
        return found
    }

    /// Whether any list is in both sets (of the same count).
    func intersects(_ other: KeywordMatches) -> Bool {
        for word in 0..<8 where inline[word] & other.inline[word] != 0 { return true }
        return zip(rest, other.rest).contains { $0 & $1 != 0 }
    }
}
