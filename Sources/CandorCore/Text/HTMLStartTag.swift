/// An HTML start tag read straight from source bytes.
struct HTMLStartTag {
    /// Lower-cased.
    let name: String
    /// Lower-cased names; value ranges in the source, without quotes.
    let attributes: [(name: String, value: Range<Int>)]
    /// Offsets of the tag's `<` and just past its `>`.
    let start: Int
    let end: Int

    /// The tag starting at `start` (which holds `<`), reading no further than `limit`; nil if it is not a start tag.
    /// Read as libxml2 reads it: `<a"x>` is an `a`, junk where an attribute name
    /// should be is dropped up to the next blank, and a quote left open runs to `limit`.
    static func parse(_ source: [UInt8], at start: Int, limit: Int) -> HTMLStartTag? {
        let limit = min(limit, source.count)
        guard start >= 0, start + 1 < limit, source[start] == UInt8(ascii: "<"), isLetter(source[start + 1]) else { return nil }
        var index = start + 1
        func name() -> String {
            let nameStart = index
            while index < limit, isNameByte(source[index]) { index += 1 }
            return lowercased(source[nameStart..<index])
        }
        func skipBlanks() { while index < limit, isBlank(source[index]) { index += 1 } }
        func at(_ character: Unicode.Scalar) -> Bool { index < limit && source[index] == UInt8(ascii: character) }
        let tagName = name()
        var attributes: [(name: String, value: Range<Int>)] = []
        while true {
            skipBlanks()
            guard index < limit else { break }
            if at(">") { return HTMLStartTag(name: tagName, attributes: attributes, start: start, end: index + 1) }
            if at("/"), index + 1 < limit, source[index + 1] == UInt8(ascii: ">") {
                return HTMLStartTag(name: tagName, attributes: attributes, start: start, end: index + 2)
            }
            guard isLetter(source[index]) || at("_") || at(":") || at(".") else {
                while index < limit, !isBlank(source[index]), !at(">"), !(at("/") && index + 1 < limit && source[index + 1] == UInt8(ascii: ">")) {
                    index += 1
                }
                continue
            }
            let attribute = name()
            skipBlanks()
            guard at("=") else {
                attributes.append((attribute, index..<index))
                continue
            }
            index += 1
            skipBlanks()
            let valueStart = index
            if at("\"") || at("'") {
                let close = source.firstRange(of: [source[index]], in: (index + 1)..<limit)?.lowerBound ?? limit
                attributes.append((attribute, (valueStart + 1)..<close))
                index = min(close + 1, limit)
            } else {
                while index < limit, !isBlank(source[index]), !at(">") { index += 1 }
                attributes.append((attribute, valueStart..<index))
            }
        }
        return HTMLStartTag(name: tagName, attributes: attributes, start: start, end: limit)
    }

    /// The first attribute called `name` (later repeats are ignored, as parsers do).
    func value(_ name: String) -> Range<Int>? { attributes.first { $0.name == name }?.value }

    /// The `rel` attribute's tokens: lower-cased, split on ASCII whitespace; empty when absent.
    func relTokens(in source: [UInt8]) -> Set<String> {
        guard let rel = value("rel") else { return [] }
        let decoded = CharacterReference.decoded(source, in: rel, rules: .html)
        return Set(decoded.split(whereSeparator: HTMLStartTag.isBlank).map { HTMLStartTag.lowercased($0) })
    }

    /// HTML's ASCII whitespace.
    static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D || byte == 0x0C }

    static func isLetter(_ byte: UInt8) -> Bool { byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z") }

    /// The bytes of a tag or attribute name, as libxml2 reads them.
    private static func isNameByte(_ byte: UInt8) -> Bool {
        isLetter(byte) || (byte >= 0x30 && byte <= 0x39) || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "-")
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
    }

    private static func lowercased<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        String(decoding: bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
    }
}
