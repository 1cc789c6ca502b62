#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Text searched for rule keywords. ASCII letters are folded to lower case
/// (keywords are stored lower-case); other bytes are compared as they are.
struct KeywordHaystack {
    private let bytes: [UInt8]

    init(_ text: [UInt8]) {
        bytes = text.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
    }

    init(_ text: String) { self.init(Array(text.utf8)) }

    func contains(_ keyword: [UInt8]) -> Bool {
        guard let first = keyword.first else { return true }
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
                        && memcmp(base + offset, needle.baseAddress!, needle.count) == 0) { return true }
                    start = offset + 1
                }
                return false
            }
        }
    }
}
