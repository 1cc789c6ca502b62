/// A post's bytes with a line index. Every offset the engine works with is a
/// UTF-8 byte offset into these bytes; this type is the one place that turns
/// offsets into lines and columns (columns count Unicode scalars, both 1-based).
///
/// Text extracted from a document (the prose of a Markdown or HTML file, a
/// tweet with its links expanded) keeps an `origin`: the document's own text
/// and where each run of extracted bytes came from, so every position that is
/// reported points into the document as written.
public struct SourceText: Sendable {
    public let bytes: [UInt8]
    /// Byte offset at which each line starts.
    private let lineStarts: [Int]
    /// Where extracted text came from; nil when these bytes are the document.
    public let origin: TextOrigin?
    /// Every byte is one character (a Latin-1 document), so columns count bytes.
    let singleByte: Bool

    public init(_ bytes: [UInt8]) {
        self.init(bytes, origin: nil)
    }

    public init(_ string: String) { self.init(Array(string.utf8)) }

    init(_ bytes: [UInt8], origin: TextOrigin?, singleByte: Bool = false) {
        self.bytes = bytes
        self.singleByte = singleByte
        var starts = [0]
        var from = 0
        while let newline = LineReader.newline(in: bytes, from: from) {
            starts.append(newline + 1)
            from = newline + 1
        }
        lineStarts = starts
        self.origin = origin
    }

    public struct Position: Sendable, Equatable, Codable, CustomStringConvertible {
        public let line: Int
        public let column: Int
        public init(line: Int, column: Int) {
            self.line = line
            self.column = column
        }
        public var description: String { "\(line):\(column)" }
    }

    /// The text reported positions point into: the document for extracted text, else this text.
    public var document: SourceText { origin?.document.document ?? self }

    /// Where a range of these bytes sits in the document: line and column of its
    /// start, and its byte range in the document's own bytes.
    public func span(of range: Range<Int>) -> Span {
        guard let origin else {
            let position = self.position(of: range.lowerBound)
            return Span(line: position.line, column: position.column, byteOffset: range.lowerBound, length: range.count)
        }
        let start = origin.documentOffset(of: range.lowerBound)
        let end = range.isEmpty ? start : max(start, origin.documentOffset(of: range.upperBound - 1, end: true))
        // The document may itself be extracted (a Markdown file read as Latin-1).
        return origin.document.span(of: start..<end)
    }

    /// 0-based index of the line holding `offset`.
    public func lineIndex(of offset: Int) -> Int {
        var low = 0, high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        return low
    }

    public func position(of offset: Int) -> Position {
        let line = lineIndex(of: offset)
        var before = bytes[lineStarts[line]..<min(offset, bytes.count)]
        // A byte-order mark is no character a reader sees.
        if line == 0, !singleByte, before.starts(with: TextDecoding.bom) { before = before.dropFirst(3) }
        return Position(line: line + 1, column: (singleByte ? before.count : SourceText.scalarCount(before)) + 1)
    }

    /// The byte offset at which the scalar numbered `count` (0-based) starts;
    /// nil when the text has no more than `count` scalars.
    public func offset(afterScalars count: Int) -> Int? {
        var seen = 0
        for (offset, byte) in bytes.enumerated() where byte & 0xC0 != 0x80 {
            if seen == count { return offset }
            seen += 1
        }
        return nil
    }

    /// The byte offset at which the 0-based line `index` starts, if it exists.
    public func lineStart(_ index: Int) -> Int? { index < lineStarts.count ? lineStarts[index] : nil }

    /// The bytes of the line holding `offset`, without its line terminator.
    public func lineRange(containing offset: Int) -> Range<Int> {
        let line = lineIndex(of: offset)
        var end = line + 1 < lineStarts.count ? lineStarts[line + 1] - 1 : bytes.count
        if end > lineStarts[line], bytes[end - 1] == 0x0D { end -= 1 }
        return lineStarts[line]..<max(end, lineStarts[line])
    }

    public func string(_ range: Range<Int>) -> String {
        let clamped = min(range.lowerBound, bytes.count)..<min(range.upperBound, bytes.count)
        if singleByte { return String(bytes[clamped].map(TextDecoding.windows1252)) }
        return String(decoding: bytes[clamped], as: UTF8.self)
    }

    /// Counts the bytes that are not UTF-8 continuation bytes: exact for valid
    /// text, and never more than the bytes for invalid text.
    static func scalarCount<C: Collection>(_ bytes: C) -> Int where C.Element == UInt8 {
        bytes.withContiguousStorageIfAvailable(scalarCount) ?? bytes.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
    }

    /// Eight bytes at a time: a continuation byte (10xxxxxx) has its top bit
    /// set and the next one clear, and every other byte starts a scalar.
    static func scalarCount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        let high: UInt64 = 0x8080_8080_8080_8080
        var continuations = 0, index = 0
        while index + 8 <= bytes.count {
            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            continuations += (word & ~(word << 1) & high).nonzeroBitCount
            index += 8
        }
        while index < bytes.count {
            if bytes[index] & 0xC0 == 0x80 { continuations += 1 }
            index += 1
        }
        return bytes.count - continuations
    }
}

/// Where each run of an extracted text came from in its document. A class,
/// since a text and its document are both `SourceText`s.
public final class TextOrigin: Sendable {
    public let document: SourceText
    /// Sorted by `start`; each run lasts until the next one starts.
    fileprivate let runs: [Run]

    fileprivate init(document: SourceText, runs: [Run]) {
        self.document = document
        self.runs = runs
    }

    fileprivate struct Run: Sendable {
        /// Offset of the run in the extracted text.
        let start: Int
        /// Document offset of the run's first byte.
        let documentStart: Int
        /// Document bytes the run stands for. A verbatim copy maps byte for byte;
        /// anything else (a decoded entity, a separator) maps as a whole.
        let documentLength: Int
        let verbatim: Bool
    }

    /// The document offset of extracted byte `offset`; with `end`, the offset just past it.
    func documentOffset(of offset: Int, end: Bool = false) -> Int {
        guard !runs.isEmpty else { return 0 }
        var low = 0, high = runs.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if runs[mid].start <= offset { low = mid } else { high = mid - 1 }
        }
        let run = runs[low]
        if run.verbatim { return run.documentStart + (offset - run.start) + (end ? 1 : 0) }
        return end ? run.documentStart + run.documentLength : run.documentStart
    }
}

/// Builds extracted text run by run, remembering where each run came from.
public struct TextExtractor {
    public let document: SourceText
    public private(set) var bytes: [UInt8] = []
    private var runs: [TextOrigin.Run] = []

    public init(document: SourceText) { self.document = document }

    /// Copies document bytes as they are.
    public mutating func copy(_ range: Range<Int>) {
        let range = range.clamped(to: 0..<document.bytes.count)
        guard !range.isEmpty else { return }
        dropSeparator(before: document.bytes[range.lowerBound])
        runs.append(.init(start: bytes.count, documentStart: range.lowerBound, documentLength: range.count, verbatim: true))
        bytes += document.bytes[range]
    }

    /// Appends text that stands for `range` of the document without being a copy
    /// of it (a decoded entity, an expanded link, a value unescaped from JSON).
    public mutating func append<C: Collection>(_ text: C, for range: Range<Int>) where C.Element == UInt8 {
        if let first = text.first { dropSeparator(before: first) }
        let start = bytes.count
        bytes += text
        guard bytes.count > start else { return }
        runs.append(.init(start: start, documentStart: range.lowerBound, documentLength: range.count, verbatim: false))
    }

    public mutating func append(_ text: String, for range: Range<Int>) { append(text.utf8, for: range) }

    /// Ends the current line or block with a newline that maps to `offset`, unless one is already there.
    public mutating func breakLine(at offset: Int) {
        dropSeparator(before: 0x0A)
        guard let last = bytes.last, last != 0x0A else { return }
        append([0x0A], for: offset..<offset)
    }

    /// Separates words with a space that maps to `offset`, unless whitespace is
    /// already there. The space is taken back if a line break, whitespace or
    /// closing punctuation comes next, so "link, text" keeps its comma in place.
    public mutating func separate(at offset: Int) {
        guard let last = bytes.last, last != 0x20, last != 0x0A, last != 0x09 else { return }
        append([0x20], for: offset..<offset)
    }

    /// Removes a space `separate` just added when `next` makes it wrong.
    private mutating func dropSeparator(before next: UInt8) {
        guard bytes.last == 0x20, let last = runs.last, !last.verbatim, last.documentLength == 0, last.start == bytes.count - 1,
              TextExtractor.noSpaceBefore.contains(next) else { return }
        bytes.removeLast()
        runs.removeLast()
    }

    private static let noSpaceBefore = Set(" \t\r\n.,;:!?)]}".utf8)

    /// The document offset that extracted byte `offset` stands for.
    public func documentOffset(of offset: Int) -> Int {
        TextOrigin(document: document, runs: runs).documentOffset(of: offset)
    }

    public func text() -> SourceText {
        SourceText(bytes, origin: TextOrigin(document: document, runs: runs))
    }
}
