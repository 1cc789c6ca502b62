import Foundation

/// Which column (CSV) or key (JSONL) holds each post field. The defaults are the
/// README's documented names; `--field NAME=COLUMN` replaces one field's names.
public struct FieldMapping: Sendable, Equatable {
    public enum Field: String, Sendable, CaseIterable {
        case id, text, url, platform, author, market, relationship
        case publishedAt = "published_at"

        /// The field's place in `allCases`, without making that array.
        var position: Int {
            switch self {
            case .id: 0
            case .text: 1
            case .url: 2
            case .platform: 3
            case .author: 4
            case .market: 5
            case .relationship: 6
            case .publishedAt: 7
            }
        }
    }

    /// For each field, in `Field.allCases` order, the names tried in order; the
    /// first one present wins. Looked up for every record, so by position
    /// rather than by hashing the field.
    private var namesByField: [[String]] = Field.allCases.map { field in
        switch field {
        case .id: ["id"]
        case .text: ["text", "caption", "description"]
        case .url: ["url"]
        case .platform: ["platform"]
        case .author: ["author"]
        case .market: ["market"]
        case .relationship: ["relationship"]
        case .publishedAt: ["published_at", "date"]
        }
    } {
        didSet { table = NameTable(namesByField) }
    }

    /// The names tried for one field, in order.
    public subscript(field: Field) -> [String] {
        get { namesByField[field.position] }
        set { namesByField[field.position] = newValue }
    }

    /// Every name's UTF-8 in one array, and where each field's names lie in it:
    /// what a JSONL record's keys are compared with, so that looking a field up
    /// takes no reference to a String or an array per name.
    struct NameTable: Sendable, Equatable {
        struct Name: Equatable {
            let utf8: Range<Int>
            let isASCII: Bool
        }
        private(set) var utf8: [UInt8] = []
        private(set) var names: [Name] = []
        /// Field position → the range of its names in `names`, as `start..<next start`.
        private(set) var starts: [Int] = []

        init(_ namesByField: [[String]]) {
            for fieldNames in namesByField {
                starts.append(names.count)
                for name in fieldNames {
                    names.append(Name(utf8: utf8.count..<utf8.count + name.utf8.count, isASCII: name.utf8.allSatisfy { $0 < 0x80 }))
                    utf8 += name.utf8
                }
            }
            starts.append(names.count)
        }

        /// The same, as pointers valid only within `body`.
        func withView<R>(_ body: (View) -> R) -> R {
            utf8.withUnsafeBufferPointer { utf8 in
                names.withUnsafeBufferPointer { names in
                    starts.withUnsafeBufferPointer { starts in body(View(utf8: utf8, names: names, starts: starts)) }
                }
            }
        }

        struct View {
            let utf8: UnsafeBufferPointer<UInt8>
            let names: UnsafeBufferPointer<Name>
            let starts: UnsafeBufferPointer<Int>

            /// The field's names in order: each one's UTF-8, and whether it is ASCII.
            func forEachName(of field: Field, _ body: (_ index: Int, _ utf8: UnsafeBufferPointer<UInt8>, _ isASCII: Bool) -> Bool) {
                let first = starts[field.position]
                for position in first..<starts[field.position + 1] {
                    let name = names[position]
                    if body(position - first, UnsafeBufferPointer(rebasing: utf8[name.utf8]), name.isASCII) { return }
                }
            }
        }
    }

    private(set) var table: NameTable

    public init() { table = NameTable(namesByField) }

    /// A copy that shares no storage with this one (see `JSONLines.unshared`).
    func unshared() -> FieldMapping {
        var copy = FieldMapping()
        copy.namesByField = namesByField.map { names in names.map { String(decoding: Array($0.utf8), as: UTF8.self) } }
        return copy
    }

    /// Applies `NAME=COLUMN` (for example `text=Caption`).
    public mutating func apply(_ assignment: String) throws(FieldMappingError) {
        guard let equals = assignment.firstIndex(of: "=") else { throw FieldMappingError(message: "expected NAME=COLUMN, got '\(assignment)'") }
        let name = assignment[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
        let column = String(assignment[assignment.index(after: equals)...])
        guard let field = Field(rawValue: name) else {
            throw FieldMappingError(message: "unknown field '\(name)' (expected \(Field.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        guard !column.isEmpty else { throw FieldMappingError(message: "field '\(name)' needs a column name") }
        self[field] = [column]
    }
}

public struct FieldMappingError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// One record of a batch (a JSONL line or a CSV row), read through a field mapping.
struct BatchRecord {
    var id: String?
    var text: [UInt8]
    var platform: Platform?
    var market: String?
    var relationships: [Category] = []
    var date: String?
    var author: String?
    var url: String?

    /// A field's value as the record holds it: text, a number, or a list (JSON arrays).
    enum Value {
        case string(String)
        case number(String)
        case list([String])
        /// Text as bytes: a CSV cell as the file holds it (which may not be valid
        /// UTF-8), or a JSON string's UTF-8.
        case bytes([UInt8])
        case other
    }

    enum Parsed {
        case success(BatchRecord)
        case failure(String)
    }

    /// Builds a record from a lookup by column or key name.
    static func make(fields: FieldMapping, lookup: (String) -> Value?) -> Parsed {
        make(fields: fields) { field in
            for (index, name) in fields[field].enumerated() { if let found = lookup(name) { return (index, found) } }
            return nil
        }
    }

    /// Builds a record from a lookup by field: the value of the first of the
    /// field's names that has one, and that name's place among them.
    static func make(fields: FieldMapping, lookupField: (FieldMapping.Field) -> (nameIndex: Int, value: Value)?) -> Parsed {
        func value(_ field: FieldMapping.Field) -> Value? { lookupField(field)?.value }
        func string(_ field: FieldMapping.Field) -> String? {
            switch value(field) {
            case let .string(text)?, let .number(text)?: return text.isEmpty ? nil : text
            case let .bytes(raw)?: return raw.isEmpty ? nil : String(decoding: raw, as: UTF8.self)
            default: return nil
            }
        }
        guard let (nameIndex, found) = lookupField(.text) else {
            return .failure("no text field (looked for \(fields[.text].map { "'\($0)'" }.joined(separator: ", "))), skipped")
        }
        let text: [UInt8]
        switch found {
        case let .string(string): text = Array(string.utf8)
        case let .bytes(raw): text = raw
        default: return .failure("field '\(fields[.text][nameIndex])' is not text, skipped")
        }
        var record = BatchRecord(id: string(.id), text: text, platform: nil, market: string(.market),
                                 date: string(.publishedAt), author: string(.author), url: string(.url))
        if let platform = string(.platform) {
            guard let known = Platform(rawValue: platform) ?? Platform(rawValue: platform.lowercased()) else {
                return .failure("unknown platform '\(platform)' (expected \(Platform.allCases.map(\.rawValue).joined(separator: ", "))), skipped")
            }
            record.platform = known
        }
        let declared: [String]
        switch value(.relationship) {
        case .string?, .bytes?:
            // Spreadsheet cells list several as "gift, stay" or "gift;stay".
            declared = (string(.relationship) ?? "").split(whereSeparator: { $0 == "," || $0 == ";" || $0 == "|" }).map { $0.trimmingCharacters(in: .whitespaces) }
        case let .list(many)?: declared = many
        default: declared = []
        }
        for name in declared where !name.isEmpty {
            guard let category = Category(rawValue: name.lowercased()) else {
                return .failure("unknown relationship '\(name)' (expected \(Category.allCases.map(\.rawValue).joined(separator: ", "))), skipped")
            }
            record.relationships.append(category)
        }
        return .success(record)
    }

    struct JSONFailure: Error {
        let message: String
    }

    /// One JSON object (a JSONL line, an element of an export), or why it is not
    /// one. JSON must be UTF-8: a record the parser refuses for invalid bytes is
    /// repaired (each replaced by U+FFFD, with a warning through `warn`) rather
    /// than lost. Valid records, nearly all of them, are never scanned for it.
    static func jsonObject(_ bytes: [UInt8], noun: String, warn: (String) -> Void) -> Result<[String: Any], JSONFailure> {
        let value: Any
        do {
            value = try JSONSerialization.jsonObject(with: Data(bytes), options: .fragmentsAllowed)
        } catch {
            if let invalid = TextDecoding.utf8Check(bytes[...]).firstInvalid {
                warn("invalid UTF-8 at byte \(invalid + 1) of this \(noun), replaced with U+FFFD")
                return jsonObject(TextDecoding.replacingInvalidUTF8(bytes), noun: noun, warn: { _ in })
            }
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey].map { String(describing: $0) } ?? "invalid JSON"
            return .failure(JSONFailure(message: "malformed JSON \(noun), skipped (\(detail))"))
        }
        guard let object = value as? [String: Any] else { return .failure(JSONFailure(message: "a \(noun) must be a JSON object, skipped")) }
        return .success(object)
    }

    /// A JSONL line: read without Foundation when `JSONRecordParser` is sure of it.
    static func parseJSON(_ line: ArraySlice<UInt8>, fields: FieldMapping, warn: (String) -> Void) -> Parsed {
        JSONRecordParser.parse(line, fields: fields) ?? parseJSONWithFoundation(Array(line), fields: fields, warn: warn)
    }

    /// A JSONL line read by `JSONSerialization`, which says what is wrong with it.
    static func parseJSONWithFoundation(_ line: [UInt8], fields: FieldMapping, warn: (String) -> Void) -> Parsed {
        let object: [String: Any]
        switch jsonObject(line, noun: "record", warn: warn) {
        case let .success(parsed): object = parsed
        case let .failure(failure): return .failure(failure.message)
        }
        // Keys as written first; then ignoring case, as spreadsheet headers are
        // (a lower-cased copy is made only for records whose keys need one).
        let lowerCased = object.keys.contains { $0.utf8.contains { $0 >= 0x41 && $0 <= 0x5A } }
            ? Dictionary(object.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first }) : object
        return make(fields: fields) { name in
            switch object[name] ?? lowerCased[name.lowercased()] {
            case nil, is NSNull: return nil
            case let text as String: return .string(text)
            case let number as NSNumber: return .number(number.stringValue)
            case let list as [String]: return .list(list)
            default: return .other
            }
        }
    }

    func post(path: String, record number: Int) -> Post {
        Post(path: path, record: number, id: id, text: SourceText(text), platform: platform, market: market,
             declared: relationships, date: date, author: author, url: url)
    }
}
