/// A post's bytes with a line index. Every offset in Candor is a UTF-8 byte
/// offset into these bytes; this type is the one place that turns offsets into
/// lines and columns (columns count Unicode scalars, both 1-based).
public struct SourceText: Sendable {
    public let bytes: [UInt8]
    /// Byte offset at which each line starts.
    private let lineStarts: [Int]

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        var starts = [0]
        for (offset, byte) in bytes.enumerated() where byte == 0x0A { starts.append(offset + 1) }
        lineStarts = starts
    }

    public init(_ string: String) { self.init(Array(string.utf8)) }

    public struct Position: Sendable, Equatable, Codable, CustomStringConvertible {
        public let line: Int
        public let column: Int
        public init(line: Int, column: Int) {
            self.line = line
            self.column = column
        }
        public var description: String { "\(line):\(column)" }
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
        return Position(line: line + 1, column: SourceText.scalarCount(bytes[lineStarts[line]..<min(offset, bytes.count)]) + 1)
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
        return String(decoding: bytes[clamped], as: UTF8.self)
    }

    /// Counts the bytes that are not UTF-8 continuation bytes: exact for valid
    /// text, and never more than the bytes for invalid text.
    static func scalarCount<C: Collection>(_ bytes: C) -> Int where C.Element == UInt8 {
        bytes.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
    }
}
