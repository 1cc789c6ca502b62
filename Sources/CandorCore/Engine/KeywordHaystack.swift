#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A rule keyword. `\b` at either end asks that the keyword begin (or end) a
/// word there: the neighbouring byte is not an ASCII letter, digit or `_`.
/// Bytes beyond ASCII always count as a boundary, so the filter never rejects
/// a post PCRE2's Unicode `\b` would accept.
struct Keyword: Sendable {
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

/// Text searched for rule keywords. ASCII and Latin-1 capitals (À–Þ) are folded
/// to lower case, as keywords are stored; other bytes are compared as they are.
struct KeywordHaystack {
    private let bytes: [UInt8]
    /// One bit per byte pair that occurs in the text: a keyword with a pair
    /// that never occurs is rejected without scanning.
    private var pairs = [UInt64](repeating: 0, count: 1024)

    init(_ text: [UInt8]) {
        var folded = text
        for index in folded.indices {
            let byte = folded[index]
            if byte >= 0x41 && byte <= 0x5A {
                folded[index] = byte | 0x20
            } else if byte >= 0x80 && byte <= 0x9E && byte != 0x97 && index > 0 && text[index - 1] == 0xC3 {
                folded[index] = byte + 0x20  // "Ó" (C3 93) → "ó" (C3 B3); "×" (C3 97) has no lower case
            }
        }
        bytes = folded
        for index in folded.indices.dropLast() {
            let pair = Int(folded[index]) << 8 | Int(folded[index + 1])
            pairs[pair >> 6] |= 1 << UInt64(pair & 63)
        }
    }

    init(_ text: String) { self.init(Array(text.utf8)) }

    func contains(_ keyword: Keyword) -> Bool {
        contains(keyword.bytes, wordStart: keyword.wordStart, wordEnd: keyword.wordEnd)
    }

    func contains(_ keyword: [UInt8], wordStart: Bool = false, wordEnd: Bool = false) -> Bool {
        guard let first = keyword.first else { return true }
        for index in keyword.indices.dropLast() {
            let pair = Int(keyword[index]) << 8 | Int(keyword[index + 1])
            if pairs[pair >> 6] & (1 << UInt64(pair & 63)) == 0 { return false }
        }
        return bytes.withUnsafeBufferPointer { haystack in
            keyword.withUnsafeBufferPointer { needle in
                guard let base = haystack.baseAddress, haystack.count >= needle.count else { return false }
                var start = 0
                let last = haystack.count - needle.count
                // memchr finds each candidate first byte; memcmp checks the rest.
                while start <= last, let hit = memchr(base + start, Int32(first), last - start + 1) {
                    let offset = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                    // Checking the second byte first spares most calls to memcmp.
                    if needle.count == 1 || (base[offset + 1] == needle[1]
                        && memcmp(base + offset, needle.baseAddress!, needle.count) == 0) {
                        let end = offset + needle.count
                        if (!wordStart || offset == 0 || !Keyword.isWordByte(base[offset - 1]))
                            && (!wordEnd || end == haystack.count || !Keyword.isWordByte(base[end])) { return true }
                    }
                    start = offset + 1
                }
                return false
            }
        }
    }
}
