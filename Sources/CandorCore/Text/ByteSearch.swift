#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Array where Element == UInt8 {
    /// Where `needle` first occurs within `bounds` (memchr for its first byte,
    /// then memcmp: readers search their source this way for every node).
    func firstRange(of needle: [UInt8], in bounds: Range<Int>) -> Range<Int>? {
        let bounds = bounds.clamped(to: 0..<count)
        guard let first = needle.first, bounds.count >= needle.count else { return nil }
        return withUnsafeBufferPointer { haystack in
            needle.withUnsafeBufferPointer { wanted in
                let base = haystack.baseAddress!
                var start = bounds.lowerBound
                let last = bounds.upperBound - needle.count  // the last place a match can start
                while start <= last {
                    guard let hit = memchr(base + start, Int32(first), last - start + 1) else { return nil }
                    let index = UnsafePointer(hit.assumingMemoryBound(to: UInt8.self)) - base
                    if memcmp(base + index, wanted.baseAddress!, needle.count) == 0 { return index..<(index + needle.count) }
                    start = index + 1
                }
                return nil
            }
        }
    }

    /// Where `needle` first occurs at or after `start`.
    func firstRange(of needle: [UInt8], from start: Int) -> Range<Int>? {
        start < count ? firstRange(of: needle, in: start..<count) : nil
    }
}

/// The bytes a JSON string cannot hold as they are, found in long runs of
/// text that needs nothing done to it.
enum JSONStringBytes {
    /// The first byte at or after `start` that is `"`, `\` or a control
    /// character (below 0x20), or with `orNonASCII` any byte from 0x80; else
    /// the end. Eight bytes are tested at a time (bit tricks on a UInt64) until
    /// a word holds one.
    static func firstSpecial(in bytes: UnsafeBufferPointer<UInt8>, from start: Int, orNonASCII: Bool = false) -> Int {
        var index = start
        if let base = bytes.baseAddress {
            let ones: UInt64 = 0x0101_0101_0101_0101, highBits: UInt64 = 0x8080_8080_8080_8080
            let nonASCII = orNonASCII ? highBits : 0
            while index + 8 <= bytes.count {
                let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                // A byte below 0x20, or one equal to `"` or `\` (which XOR to zero):
                // only such bytes (and bytes after them) set their high bit here.
                let quote = word ^ (ones &* 0x22), backslash = word ^ (ones &* 0x5C)
                let below = (word &- ones &* 0x20) & ~word
                let zeroQuote = (quote &- ones) & ~quote, zeroBackslash = (backslash &- ones) & ~backslash
                if (below | zeroQuote | zeroBackslash) & highBits != 0 || word & nonASCII != 0 { break }
                index += 8
            }
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || (orNonASCII && byte >= 0x80) { return index }
            index += 1
        }
        return bytes.count
    }
}
