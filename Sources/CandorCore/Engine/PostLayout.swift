/// The parts of a post's layout that placement rules look at: where the
/// platform's fold falls and where the trailing block of hashtags begins.
struct PostLayout {
    /// Whether the platform hides part of a post behind "more".
    let hasFold: Bool
    /// Byte offset of the first byte hidden behind "more"; nil when nothing is.
    let foldOffset: Int?
    /// Byte offset where the trailing run of hashtags and mentions starts.
    let trailingBlockStart: Int
    /// Start offsets of the hashtags inside that block.
    let trailingHashtags: [Int]

    init(text: SourceText, platform: Platform) {
        hasFold = platform.fold != nil
        foldOffset = platform.fold.flatMap { fold in
            [fold.characters.flatMap(text.offset(afterScalars:)), fold.lines.flatMap(text.lineStart)].compactMap { $0 }.min()
        }
        (trailingBlockStart, trailingHashtags) = PostLayout.trailingBlock(text.bytes)
    }

    func placement(of span: Range<Int>, firstAffiliateLink: Int?) -> (Placement, hashtagsBefore: Int) {
        let inBlock = span.lowerBound >= trailingBlockStart && !trailingHashtags.isEmpty
        let placement = Placement(
            beforeFold: hasFold ? span.lowerBound < (foldOffset ?? Int.max) : nil,
            inTrailingHashtags: inBlock,
            beforeFirstAffiliateLink: firstAffiliateLink.map { span.lowerBound < $0 })
        return (placement, inBlock ? trailingHashtags.filter { $0 < span.lowerBound }.count : 0)
    }

    /// Walks back from the end over tokens that are hashtags, mentions or bare
    /// punctuation/emoji; the block is where that run starts. The walk stops at
    /// the first token with a letter or digit, so the rest of the post is not read.
    private static func trailingBlock(_ bytes: [UInt8]) -> (Int, [Int]) {
        var blockStart = bytes.count
        var hashtags: [Int] = []
        var index = bytes.count
        while index > 0 {
            while index > 0, isSpace(bytes[index - 1]) { index -= 1 }
            var start = index
            while start > 0, !isSpace(bytes[start - 1]) { start -= 1 }
            guard start < index else { break }
            let first = bytes[start]
            if first == UInt8(ascii: "#") || first == UInt8(ascii: "@") {
                if first == UInt8(ascii: "#") { hashtags.append(start) }
            } else if hasLetterOrDigit(bytes[start..<index]) {
                break
            }
            blockStart = start
            index = start
        }
        return (blockStart, hashtags.reversed())
    }

    private static func hasLetterOrDigit(_ token: ArraySlice<UInt8>) -> Bool {
        // In ASCII, the letters and digits are those of Unicode's properties below.
        if token.allSatisfy({ $0 < 0x80 }) {
            return token.contains { ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) }
        }
        return String(decoding: token, as: UTF8.self).unicodeScalars.contains { $0.properties.isAlphabetic || $0.properties.numericType != nil }
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }
}
