/// Finding a parser's decoded text again in the source it came from, so every
/// extracted byte keeps its own line and column.
extension TextExtractor {
    /// How a literal may differ from the source that spells it.
    public struct Leniency: Sendable {
        /// A space in the literal may stand for a line break (and the blanks or
        /// `>` quote markers that start the next line): code spans join lines so.
        public var spacesMatchLineBreaks = false
        public static let exact = Leniency()
        public static let joinedLines = Leniency(spacesMatchLineBreaks: true)
    }

    /// Appends `literal` mapped to where it was written in the document: the
    /// first place in `from..<limit` whose bytes spell it, allowing backslash
    /// escapes, character references and U+FFFD for invalid bytes. With
    /// `anchored`, only a match starting at `from` counts. Returns the document
    /// offset just past the match, or nil (appending nothing) when there is none.
    public mutating func copyAligned<C: Collection>(_ literal: C, from: Int, limit: Int? = nil, anchored: Bool = false) -> Int?
    where C.Element == UInt8 {
        let literal = Array(literal)
        guard let (pieces, range) = TextExtractor.locate(literal, in: document.bytes, from: from, limit: limit, anchored: anchored) else { return nil }
        for piece in pieces {
            if piece.verbatim { copy(piece.source) } else { append(literal[piece.literal], for: piece.source) }
        }
        return range.upperBound
    }

    /// Where `literal` was written in `source` within `from..<limit`, without appending it.
    public static func locate(_ literal: [UInt8], in source: [UInt8], from: Int, limit: Int? = nil,
                              leniency: Leniency = .exact) -> Range<Int>? {
        locate(literal, in: source, from: from, limit: limit, anchored: false, leniency: leniency)?.range
    }

    struct Piece {
        var literal: Range<Int>
        var source: Range<Int>
        var verbatim: Bool
    }

    private static func locate(_ literal: [UInt8], in source: [UInt8], from: Int, limit: Int?, anchored: Bool,
                               leniency: Leniency = .exact) -> (pieces: [Piece], range: Range<Int>)? {
        let limit = min(limit ?? source.count, source.count)
        guard let first = literal.first, from < limit else { return nil }
        var start = max(0, from)
        while start < limit {
            if let (pieces, end) = match(literal, in: source, at: start, limit: limit, leniency: leniency) { return (pieces, start..<end) }
            if anchored { return nil }
            // Only where the literal's first byte, an escape, a reference or an invalid byte stands can a match start.
            start += 1
            while start < limit, source[start] != first, source[start] != UInt8(ascii: "\\"), source[start] != UInt8(ascii: "&"), source[start] < 0x80 {
                start += 1
            }
        }
        return nil
    }

    private static func match(_ literal: [UInt8], in source: [UInt8], at start: Int, limit: Int, leniency: Leniency) -> ([Piece], Int)? {
        var pieces: [Piece] = []
        var i = 0, j = start
        func add(_ literalCount: Int, _ sourceCount: Int, verbatim: Bool) {
            if verbatim, let last = pieces.last, last.verbatim, last.literal.upperBound == i {
                pieces[pieces.count - 1].literal = last.literal.lowerBound..<(i + literalCount)
                pieces[pieces.count - 1].source = last.source.lowerBound..<(j + sourceCount)
            } else {
                pieces.append(Piece(literal: i..<(i + literalCount), source: j..<(j + sourceCount), verbatim: verbatim))
            }
            i += literalCount
            j += sourceCount
        }
        let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]
        while i < literal.count {
            guard j < limit else { return nil }
            let byte = source[j]
            if byte == literal[i] {
                add(1, 1, verbatim: true)
            } else if byte == UInt8(ascii: "\\"), j + 1 < limit, source[j + 1] == literal[i], literal[i] < 0x80 {
                add(1, 2, verbatim: false)
            } else if byte == UInt8(ascii: "&"), let reference = characterReference(in: source, at: j, limit: limit) {
                // The reference stands for the literal's next scalar.
                var length = 1
                while i + length < literal.count, literal[i + length] & 0xC0 == 0x80 { length += 1 }
                if let value = reference.value, value != Array(literal[i..<(i + length)]) { return nil }
                add(length, reference.length, verbatim: false)
            } else if literal[i...].starts(with: replacement), TextDecoding.validSequenceLength(source[..<limit], at: j) == 0 {
                // A parser writes U+FFFD for each invalid sequence: a stray byte, or a lead byte and the continuations it got.
                var length = 1
                if byte >= 0xC2, byte <= 0xF4 { while length < 4, j + length < limit, source[j + length] & 0xC0 == 0x80 { length += 1 } }
                add(3, length, verbatim: false)
            } else if leniency.spacesMatchLineBreaks, literal[i] == 0x20, byte == 0x0A || byte == 0x0D {
                var end = j + 1
                while end < limit, [0x0A, 0x20, 0x09, UInt8(ascii: ">")].contains(source[end]) { end += 1 }
                add(1, end - j, verbatim: false)
            } else {
                return nil
            }
        }
        return (pieces, j)
    }

    /// A character reference at `index` as CommonMark reads it: its length, and
    /// its UTF-8. A name missing from libxml2's HTML 4 table may still be one of
    /// HTML5's that cmark knows: it then stands for whatever the literal holds.
    private static func characterReference(in source: [UInt8], at index: Int, limit: Int) -> (length: Int, value: [UInt8]?)? {
        if let decoded = CharacterReference.decode(source, at: index, limit: limit, rules: .commonMark) {
            return (decoded.end - index, decoded.value)
        }
        var end = index + 1
        while end < min(limit, index + 34), HTMLStartTag.isLetter(source[end]) || (0x30...0x39).contains(source[end]) { end += 1 }
        guard end < limit, end > index + 1, HTMLStartTag.isLetter(source[index + 1]), source[end] == UInt8(ascii: ";") else { return nil }
        return (end + 1 - index, nil)
    }
}
