import CLibXML2

/// `&name;`, `&#233;` and `&#xE9;` in HTML and Markdown source.
enum CharacterReference {
    enum Rules {
        /// As libxml2's HTML parser reads text: named references need their `;` (and
        /// must be known), numeric ones do not; an invalid number decodes to nothing.
        case html
        /// As CommonMark reads it: `;` always required; named references must be known;
        /// 0, surrogates and values above U+10FFFF decode to U+FFFD.
        case commonMark
    }

    /// The character reference at `start` (which holds `&`): its decoded UTF-8 and the offset just past it; nil when the bytes are not one.
    /// Named references are the ones libxml2 knows (HTML 4's).
    static func decode(_ source: [UInt8], at start: Int, limit: Int, rules: Rules) -> (value: [UInt8], end: Int)? {
        let limit = min(limit, source.count)
        guard start >= 0, start < limit, source[start] == UInt8(ascii: "&") else { return nil }
        var index = start + 1
        guard index < limit else { return nil }
        if source[index] == UInt8(ascii: "#") {
            index += 1
            let hex = index < limit && source[index] | 0x20 == UInt8(ascii: "x")
            if hex { index += 1 }
            var value: UInt32 = 0, digits = 0
            while index < limit, let digit = hex ? hexDigit(source[index]) : decimalDigit(source[index]) {
                value = min(value &* (hex ? 16 : 10) &+ UInt32(digit), 0x110000)
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            let semicolon = index < limit && source[index] == UInt8(ascii: ";")
            if semicolon { index += 1 }
            switch rules {
            case .html:
                let valid = value == 0x9 || value == 0xA || value == 0xD || (0x20...0xD7FF).contains(value)
                    || (0xE000...0xFFFD).contains(value) || (0x10000...0x10FFFF).contains(value)
                guard valid, let scalar = Unicode.Scalar(value) else { return ([], index) }
                return (utf8(scalar), index)
            case .commonMark:
                guard semicolon, digits <= (hex ? 6 : 7) else { return nil }
                return (utf8(value == 0 ? nil : Unicode.Scalar(value)), index)
            }
        }
        while index < limit, index - start <= 40, isLetter(source[index]) || decimalDigit(source[index]) != nil { index += 1 }
        guard index < limit, index > start + 1, source[index] == UInt8(ascii: ";") else { return nil }
        let name = Array(source[(start + 1)..<index]) + [0]
        guard let found = htmlEntityLookup(name), let scalar = Unicode.Scalar(found.pointee.value) else { return nil }
        return (utf8(scalar), index + 1)
    }

    /// `range` of `source` with every character reference in it decoded.
    static func decoded(_ source: [UInt8], in range: Range<Int>, rules: Rules) -> [UInt8] {
        var result: [UInt8] = []
        var index = range.lowerBound
        while index < range.upperBound {
            if source[index] == UInt8(ascii: "&"), let reference = decode(source, at: index, limit: range.upperBound, rules: rules) {
                result += reference.value
                index = reference.end
            } else {
                result.append(source[index])
                index += 1
            }
        }
        return result
    }

    /// A scalar's UTF-8; U+FFFD when there is none.
    private static func utf8(_ scalar: Unicode.Scalar?) -> [UInt8] { Array(String(Character(scalar ?? "\u{FFFD}")).utf8) }

    private static func isLetter(_ byte: UInt8) -> Bool { byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z") }
    private static func decimalDigit(_ byte: UInt8) -> UInt8? { byte >= 0x30 && byte <= 0x39 ? byte - 0x30 : nil }
    private static func hexDigit(_ byte: UInt8) -> UInt8? {
        if let digit = decimalDigit(byte) { return digit }
        let lower = byte | 0x20
        return lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "f") ? lower - UInt8(ascii: "a") + 10 : nil
    }
}
