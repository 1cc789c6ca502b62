import Foundation

/// Reads a JSONL record straight from its bytes: `JSONSerialization` boxes every
/// value of every line into a dictionary, which was a large share of a batch
/// audit. This checks the line in place and makes Strings only for the values
/// the record looks up.
///
/// It accepts only what it knows Foundation reads the same way, and returns nil
/// for anything else (invalid JSON or UTF-8, numbers other than short integers,
/// escaped or non-ASCII keys, keys repeated in another case, trailing commas,
/// deep nesting): such a line takes the Foundation path, so its messages,
/// warnings and repairs are unchanged.
enum JSONRecordParser {
    /// The record in `line`, or nil when only Foundation can say what it is.
    static func parse(_ line: ArraySlice<UInt8>, fields: FieldMapping) -> BatchRecord.Parsed? {
        line.withUnsafeBufferPointer { bytes in
            withUnsafeTemporaryAllocation(of: Member.self, capacity: maxMembers) { storage in
                var reader = Reader(bytes: bytes)
                guard let count = reader.readRecord(into: storage) else { return nil }
                let record = Record(bytes: bytes, members: UnsafeBufferPointer(rebasing: storage[..<count]))
                guard !record.hasKeysDifferingOnlyInCase else { return nil }
                return fields.table.withView { names in
                    BatchRecord.make(fields: fields) { field in
                        var found: (nameIndex: Int, value: BatchRecord.Value)?
                        names.forEachName(of: field) { index, name, isASCII in
                            guard let member = record.member(named: name, isASCII: isASCII),
                                  let value = record.value(of: member, asBytes: field == .text) else { return false }
                            found = (index, value)
                            return true
                        }
                        return found
                    }
                }
            }
        }
    }

    /// More members than this, or containers nested deeper, are left to Foundation.
    static let maxMembers = 64, maxDepth = 32

    /// A member of the record: where its key and value are, and what the value is.
    private struct Member {
        /// The key's bytes, between its quotes.
        let key: Range<Int>
        /// The value as written (a string with its quotes).
        let value: Range<Int>
        let kind: Kind
    }

    private enum Kind {
        case string, escapedString, integer, `true`, `false`, null
        /// An array of strings only, or an empty one: what Foundation's values cast to `[String]`.
        case stringList
        case other
    }

    private static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\"), comma = UInt8(ascii: ","), colon = UInt8(ascii: ":")
    private static let openObject = UInt8(ascii: "{"), closeObject = UInt8(ascii: "}")
    private static let openArray = UInt8(ascii: "["), closeArray = UInt8(ascii: "]")
    private static let minus = UInt8(ascii: "-"), zero = UInt8(ascii: "0"), nine = UInt8(ascii: "9")

    /// Checks the JSON of a line as it goes; nil or false from a method means "give up".
    private struct Reader {
        typealias P = JSONRecordParser
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0

        var current: UInt8? { position < bytes.count ? bytes[position] : nil }

        mutating func skipWhitespace() {
            while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { position += 1 }
        }

        /// Moves past `byte` if it comes next, after any whitespace.
        mutating func consume(_ byte: UInt8) -> Bool {
            skipWhitespace()
            guard current == byte else { return false }
            position += 1
            return true
        }

        /// The whole line as one object, its members kept in `members`; their count.
        mutating func readRecord(into members: UnsafeMutableBufferPointer<Member>) -> Int? {
            skipWhitespace()
            guard current == P.openObject, let count = readObject(depth: 1, members: members) else { return nil }
            skipWhitespace()
            return position == bytes.count ? count : nil
        }

        /// An object, from its opening brace; with `members` (the record itself)
        /// its members are kept there, and its keys must be plain ASCII.
        mutating func readObject(depth: Int, members: UnsafeMutableBufferPointer<Member>? = nil) -> Int? {
            position += 1
            guard depth <= P.maxDepth else { return nil }
            if consume(P.closeObject) { return 0 }
            var count = 0
            repeat {
                skipWhitespace()
                let keyStart = position + 1
                guard current == P.quote, let keyKind = readString() else { return nil }
                let key = keyStart..<(position - 1)
                guard consume(P.colon) else { return nil }
                skipWhitespace()
                let valueStart = position
                guard let kind = readValue(depth: depth) else { return nil }
                if let members {
                    guard count < members.count, keyKind == .string, bytes[key].allSatisfy({ $0 < 0x80 }) else { return nil }
                    members.initializeElement(at: count, to: Member(key: key, value: valueStart..<position, kind: kind))
                }
                count += 1
            } while consume(P.comma)
            return consume(P.closeObject) ? count : nil
        }

        mutating func readValue(depth: Int) -> Kind? {
            switch current {
            case P.quote?: return readString()
            case P.openObject?: return readObject(depth: depth + 1) == nil ? nil : .other
            case P.openArray?: return readArray(depth: depth + 1)
            case UInt8(ascii: "t")?: return readWord("true") ? .true : nil
            case UInt8(ascii: "f")?: return readWord("false") ? .false : nil
            case UInt8(ascii: "n")?: return readWord("null") ? .null : nil
            case P.minus?, (P.zero...P.nine)?: return readInteger() ? .integer : nil
            default: return nil
            }
        }

        mutating func readArray(depth: Int) -> Kind? {
            position += 1
            guard depth <= P.maxDepth else { return nil }
            if consume(P.closeArray) { return .stringList }
            var onlyStrings = true
            repeat {
                skipWhitespace()
                guard let kind = readValue(depth: depth) else { return nil }
                if kind != .string, kind != .escapedString { onlyStrings = false }
            } while consume(P.comma)
            return consume(P.closeArray) ? (onlyStrings ? .stringList : .other) : nil
        }

        mutating func readWord(_ word: StaticString) -> Bool {
            let length = word.utf8CodeUnitCount
            guard position + length <= bytes.count,
                  UnsafeBufferPointer(start: word.utf8Start, count: length).elementsEqual(bytes[position..<(position + length)]) else { return false }
            position += length
            return true
        }

        /// Only integers that NSNumber is sure to print back as written (but for
        /// `-0`): at most 18 digits, well within Int64. Fractions, exponents and
        /// longer numbers are left to Foundation, as are malformed ones.
        mutating func readInteger() -> Bool {
            if current == P.minus { position += 1 }
            let digitsStart = position
            while let byte = current, byte >= P.zero, byte <= P.nine { position += 1 }
            let digits = position - digitsStart
            return digits > 0 && digits <= 18 && (digits == 1 || bytes[digitsStart] != P.zero)
        }

        /// A string, from its opening quote; whether it holds escapes.
        mutating func readString() -> Kind? {
            position += 1
            var kind = Kind.string
            var runStart = position  // where the text between escapes begins
            while true {
                // Plain ASCII text is passed over eight bytes at a time.
                position = JSONStringBytes.firstSpecial(in: bytes, from: position, orNonASCII: true)
                guard let byte = current else { return nil }
                switch byte {
                case P.quote:
                    position += 1
                    return kind
                case P.backslash:
                    guard readEscape() else { return nil }
                    kind = .escapedString
                    runStart = position
                case ..<0x20: return nil  // control characters must be escaped
                case ..<0x80: position += 1
                default:
                    let length = TextDecoding.validSequenceLength(bytes, at: position)
                    guard length > 0 else { return nil }
                    // Foundation drops a byte-order mark that begins a run of text.
                    if position == runStart, length == 3, byte == 0xEF, bytes[position + 1] == 0xBB, bytes[position + 2] == 0xBF { return nil }
                    position += length
                }
            }
        }

        /// An escape, from its backslash. A `\u` surrogate must be half of a pair.
        mutating func readEscape() -> Bool {
            guard position + 1 < bytes.count else { return false }
            switch bytes[position + 1] {
            case P.quote, P.backslash, UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                position += 2
            case UInt8(ascii: "u"):
                switch P.hexUnit(bytes, at: position + 2) {
                case (0xD800...0xDBFF)?:
                    guard position + 8 <= bytes.count, bytes[position + 6] == P.backslash, bytes[position + 7] == UInt8(ascii: "u"),
                          let low = P.hexUnit(bytes, at: position + 8), (0xDC00...0xDFFF).contains(low) else { return false }
                    position += 12
                case (0xDC00...0xDFFF)?, nil: return false
                case _?: position += 6
                }
            default: return false
            }
            return true
        }
    }

    /// The four hex digits of a `\u` escape at `index`.
    private static func hexUnit(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> UInt32? {
        guard index + 4 <= bytes.count else { return nil }
        var unit: UInt32 = 0
        for byte in bytes[index..<(index + 4)] {
            let digit: UInt8
            switch byte {
            case zero...nine: digit = byte - zero
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            unit = unit << 4 | UInt32(digit)
        }
        return unit
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }

    /// A line that has been read whole: its values, made on demand.
    private struct Record {
        typealias P = JSONRecordParser
        let bytes: UnsafeBufferPointer<UInt8>
        let members: UnsafeBufferPointer<Member>

        /// Foundation keeps the last of a key written twice, as `member(named:)`
        /// does; but which of two keys differing only in case a case-blind lookup
        /// finds is down to dictionary order.
        var hasKeysDifferingOnlyInCase: Bool {
            for (index, member) in members.enumerated() {
                let key = bytes[member.key]
                for other in members[(index + 1)...] where other.key.count == key.count {
                    let otherKey = bytes[other.key]
                    if !key.elementsEqual(otherKey), key.elementsEqual(otherKey, by: { P.lowercased($0) == P.lowercased($1) }) { return true }
                }
            }
            return false
        }

        /// A member's value as the Foundation path makes it; nil for null. A
        /// string is given `asBytes` for the text field, which is audited as
        /// bytes and so is not made a String and copied back; other fields are
        /// short, and a String of up to 15 bytes needs no allocation.
        func value(of member: Member, asBytes: Bool) -> BatchRecord.Value? {
            switch member.kind {
            case .string where !asBytes:
                return .string(String(decoding: UnsafeBufferPointer(rebasing: bytes[(member.value.lowerBound + 1)..<(member.value.upperBound - 1)]), as: UTF8.self))
            case .string: return .bytes(utf8(ofStringAt: member.value, escaped: false))
            case .escapedString: return .bytes(utf8(ofStringAt: member.value, escaped: true))
            case .integer: return .number(integerText(member.value))
            // What NSNumber(value: Bool).stringValue says.
            case .true: return .number("1")
            case .false: return .number("0")
            case .null: return nil
            case .stringList: return .list(strings(inArrayAt: member.value))
            case .other: return .other
            }
        }

        /// As the Foundation path looks a name up: the last member whose key is
        /// `name` as written, else the last whose key is `name` ignoring case.
        func member(named name: UnsafeBufferPointer<UInt8>, isASCII: Bool) -> Member? {
            guard isASCII else {
                let text = String(decoding: name, as: UTF8.self)
                return members.last(where: { key($0.key, matches: text, ignoringCase: false) })
                    ?? members.last(where: { key($0.key, matches: text, ignoringCase: true) })
            }
            // One pass: keys of another length are passed over at once, and
            // keys of the same length compared a byte at a time, folded.
            var exact: Member?, folded: Member?
            for member in members where member.key.count == name.count {
                let key = member.key.lowerBound
                var index = 0, same = true
                while index < name.count {
                    let (byte, wanted) = (bytes[key + index], name[index])
                    if byte != wanted {
                        guard P.lowercased(byte) == P.lowercased(wanted) else { break }
                        same = false
                    }
                    index += 1
                }
                guard index == name.count else { continue }
                if same { exact = member } else { folded = member }
            }
            return exact ?? folded
        }

        /// A key against a name beyond ASCII, compared as Strings: by canonical
        /// equivalence, so the Kelvin sign is a K.
        func key(_ key: Range<Int>, matches name: String, ignoringCase: Bool) -> Bool {
            let keyText = String(decoding: bytes[key], as: UTF8.self)
            return ignoringCase ? keyText.lowercased() == name.lowercased() : keyText == name
        }

        /// An integer as NSNumber prints it: `-0` is `0`.
        func integerText(_ range: Range<Int>) -> String {
            var value: Int64 = 0
            for byte in bytes[range] where byte != P.minus { value = value * 10 + Int64(byte - P.zero) }
            return String(bytes[range.lowerBound] == P.minus ? -value : value)
        }

        /// A string's text, from its quotes, escapes decoded (they were checked when read).
        func text(ofStringAt range: Range<Int>, escaped: Bool) -> String {
            String(decoding: utf8(ofStringAt: range, escaped: escaped), as: UTF8.self)
        }

        /// A string's UTF-8, from its quotes, escapes decoded. The line was checked
        /// to be valid UTF-8 when read, so these bytes are what its String holds.
        func utf8(ofStringAt range: Range<Int>, escaped: Bool) -> [UInt8] {
            let inner = UnsafeBufferPointer(rebasing: bytes[(range.lowerBound + 1)..<(range.upperBound - 1)])
            guard escaped else { return Array(inner) }
            // An escape is never shorter than the UTF-8 it stands for.
            return [UInt8](unsafeUninitializedCapacity: inner.count) { output, written in
                written = 0
                var index = 0
                func append(_ byte: UInt8) {
                    output[written] = byte
                    written += 1
                }
                while index < inner.count {
                    // The text up to the next escape is copied as one run.
                    let rest = UnsafeRawPointer(inner.baseAddress! + index)
                    let run = memchr(rest, Int32(P.backslash), inner.count - index).map { $0 - UnsafeMutableRawPointer(mutating: rest) } ?? inner.count - index
                    (output.baseAddress! + written).update(from: inner.baseAddress! + index, count: run)
                    written += run
                    index += run
                    guard index < inner.count else { break }
                    let escape = inner[index + 1]
                    index += 2
                    switch escape {
                    case UInt8(ascii: "b"): append(0x08)
                    case UInt8(ascii: "f"): append(0x0C)
                    case UInt8(ascii: "n"): append(0x0A)
                    case UInt8(ascii: "r"): append(0x0D)
                    case UInt8(ascii: "t"): append(0x09)
                    case UInt8(ascii: "u"):
                        var scalar = P.hexUnit(inner, at: index)!
                        index += 4
                        if scalar >= 0xD800, scalar <= 0xDBFF {
                            scalar = 0x10000 + (scalar - 0xD800) << 10 + (P.hexUnit(inner, at: index + 2)! - 0xDC00)
                            index += 6
                        }
                        Unicode.Scalar(scalar)!.utf8.forEach(append)
                    default: append(escape)  // a quote, backslash or slash
                    }
                }
            }
        }

        /// The strings of an array of strings, from its bracket.
        func strings(inArrayAt range: Range<Int>) -> [String] {
            var reader = Reader(bytes: bytes, position: range.lowerBound + 1)
            var strings: [String] = []
            while true {
                reader.skipWhitespace()
                guard reader.current == P.quote else { return strings }
                let start = reader.position
                let kind = reader.readString()
                strings.append(text(ofStringAt: start..<reader.position, escaped: kind == .escapedString))
                _ = reader.consume(P.comma)
            }
        }
    }
}
