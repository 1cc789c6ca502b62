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
