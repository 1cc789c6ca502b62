import CLibXML2

/// HTML input. libxml2's forgiving parser decides the structure (implied and
/// unclosed tags, what is script or style); its tree has no byte positions, so
/// each text node is aligned with the source bytes by a cursor that only moves
/// forward, skipping markup and decoding entities the way the parser does.
/// Every extracted byte is then a verbatim copy of the source or stands for
/// one entity, and maps back to its line and column.
///
/// What is audited: visible text, the `<title>`, `<meta>` descriptions (also
/// Open Graph), `<img alt>` (shown when an image does not load and read out by
/// screen readers) and link URLs. Never scripts, styles, `<noscript>` (readers
/// with scripting never see it), `<template>`, comments or other attributes.
enum HTMLDocument {
    /// The post for a whole `.html` file.
    static func post(path: String, text: SourceText) -> Post {
        // A dropped BOM: parse the file itself, so positions count from its first byte.
        var document = text, start = 0
        if text.origin != nil, text.document.bytes.starts(with: TextDecoding.bom), text.document.bytes.count == text.bytes.count + 3 {
            document = text.document
            start = 3
        }
        var extractor = TextExtractor(document: document)
        var links: [Link] = []
        extract(start..<document.bytes.count, into: &extractor, links: &links)
        return Post(path: path, text: extractor.text(), links: links, platform: .blog)
    }

    /// Appends the visible text of `range` of `extractor.document` (a whole HTML document or a fragment) to `extractor`, and the links found there to `links` (spans in extractor coordinates).
    static func extract(_ range: Range<Int>, into extractor: inout TextExtractor, links: inout [Link]) {
        let range = range.clamped(to: 0..<extractor.document.bytes.count)
        guard !range.isEmpty, range.count < Int(Int32.max) else { return }
        _ = initialized
        let source = extractor.document.bytes
        let options = HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
            | HTML_PARSE_NONET.rawValue | HTML_PARSE_NODEFDTD.rawValue | HTML_PARSE_IGNORE_ENC.rawValue | XML_PARSE_HUGE.rawValue
        let parsed = source.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.advanced(by: range.lowerBound).withMemoryRebound(to: CChar.self, capacity: range.count) {
                htmlReadMemory($0, Int32(range.count), nil, "UTF-8", Int32(options))
            }
        }
        guard let document = parsed else { return }
        defer { xmlFreeDoc(document) }
        var walker = Walker(source: source, cursor: range.lowerBound, end: range.upperBound)
        walker.walk(document.pointee.children, into: &extractor, links: &links)
    }

    /// libxml2 sets up its tables once, before any thread parses.
    private static let initialized: Void = xmlInitParser()

    static let blockElements: Set<String> = [
        "address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "details", "dialog", "div", "dl", "dt",
        "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr",
        "html", "legend", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "tfoot", "thead",
        "title", "tr", "ul", "option", "textarea",
    ]
    /// Cells and controls sit side by side: a space, not a line break.
    static let separatedElements: Set<String> = ["td", "th", "button", "label", "select", "input", "img"]
    /// Never shown to readers (noscript only to those without scripting).
    static let hiddenElements: Set<String> = ["script", "style", "noscript", "template"]
    /// Elements whose text the parser keeps as written, entities and all.
    static let rawTextElements: Set<String> = ["script", "style"]
}

/// Walks the parsed tree in document order, keeping the source cursor in step.
private struct Walker {
    let source: [UInt8]
    /// Source bytes before the cursor are accounted for.
    var cursor: Int
    let end: Int

    /// An open `<a>`: where its text starts, its URL and where the URL is written.
    private struct PendingLink {
        let start: Int
        let href: String
        let value: Range<Int>
        let rel: Set<String>
    }

    private enum Step {
        case enter(UnsafeMutablePointer<xmlNode>, hidden: Bool, raw: Bool)
        case leave(String, link: PendingLink?)
    }

    /// Iterative, so deeply nested documents cannot exhaust the stack.
    mutating func walk(_ first: UnsafeMutablePointer<xmlNode>?, into extractor: inout TextExtractor, links: inout [Link]) {
        var steps: [Step] = []
        func push(_ first: UnsafeMutablePointer<xmlNode>?, hidden: Bool, raw: Bool) {
            var children: [UnsafeMutablePointer<xmlNode>] = []
            var child = first
            while let current = child {
                children.append(current)
                child = current.pointee.next
            }
            for child in children.reversed() { steps.append(.enter(child, hidden: hidden, raw: raw)) }
        }
        push(first, hidden: false, raw: false)
        while let step = steps.popLast() {
            switch step {
            case let .enter(node, hidden, raw):
                switch node.pointee.type {
                case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                    guard let content = node.pointee.content else { continue }
                    align(Array(UnsafeBufferPointer(start: content, count: Int(xmlStrlen(content)))), raw: raw, emit: !hidden, into: &extractor)
                case XML_ELEMENT_NODE:
                    let name = node.pointee.name.map { String(cString: $0) } ?? ""
                    let isHidden = hidden || HTMLDocument.hiddenElements.contains(name)
                    let isRaw = raw || HTMLDocument.rawTextElements.contains(name)
                    var link: PendingLink?
                    if !isHidden, ["a", "img", "meta"].contains(name), let tag = findStartTag(name) {
                        cursor = tag.end
                        link = attributes(of: name, tag.attributes, into: &extractor)
                    }
                    if !isHidden { boundary(name, into: &extractor) }
                    steps.append(.leave(isHidden ? "" : name, link: link))
                    push(node.pointee.children, hidden: isHidden, raw: isRaw)
                default:
                    continue  // comments, processing instructions: the aligner skips their markup
                }
            case let .leave(name, link):
                if let link {
                    let text = trimmed(link.start..<extractor.bytes.count, in: extractor.bytes)
                    pending = nil
                    extractor.separate(at: link.value.lowerBound)
                    let urlStart = extractor.bytes.count
                    appendValue(link.value, into: &extractor)
                    links.append(Link(urlSpan: urlStart..<extractor.bytes.count, textSpan: text.isEmpty ? nil : text,
                                      url: NormalizedURL(link.href), rel: link.rel))
                    extractor.separate(at: link.value.upperBound)
                }
                boundary(name, into: &extractor)
            }
        }
    }

    /// Block elements end a line on both sides; cells and images are set apart by a space.
    private mutating func boundary(_ name: String, into extractor: inout TextExtractor) {
        if HTMLDocument.blockElements.contains(name) {
            pending = nil
            extractor.breakLine(at: cursor)
        } else if HTMLDocument.separatedElements.contains(name) {
            space(at: cursor, into: &extractor)
        }
    }

    // MARK: Emitting text

    /// Whitespace not yet emitted: dropped at a line break, else written before the next text.
    var pending: Range<Int>? = nil

    /// Copies source text; a run of blanks that breaks a source line reads as one space,
    /// so a paragraph is one line of extracted text, as readers see it.
    private mutating func emitText(_ range: Range<Int>, into extractor: inout TextExtractor) {
        var index = range.lowerBound
        while index < range.upperBound {
            var next = index
            let blank = isBlank(source[index])
            while next < range.upperBound, isBlank(source[next]) == blank { next += 1 }
            if blank {
                if pending == nil { pending = index..<next }
            } else {
                flushPending(into: &extractor)
                extractor.copy(index..<next)
            }
            index = next
        }
    }

    private mutating func emitDecoded<C: Collection>(_ text: C, for range: Range<Int>, into extractor: inout TextExtractor) where C.Element == UInt8 {
        flushPending(into: &extractor)
        extractor.append(text, for: range)
    }

    private mutating func flushPending(into extractor: inout TextExtractor) {
        defer { pending = nil }
        guard let blanks = pending, let last = extractor.bytes.last, !isBlank(last) else { return }
        if source[blanks].allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
            extractor.copy(blanks)
        } else {
            extractor.append([0x20], for: blanks)
        }
    }

    private mutating func space(at offset: Int, into extractor: inout TextExtractor) {
        if pending != nil { flushPending(into: &extractor) } else { extractor.separate(at: offset) }
    }

    private func trimmed(_ range: Range<Int>, in bytes: [UInt8]) -> Range<Int> {
        var lower = range.lowerBound, upper = range.upperBound
        while lower < upper, isBlank(bytes[lower]) { lower += 1 }
        while upper > lower, isBlank(bytes[upper - 1]) { upper -= 1 }
        return lower..<upper
    }

    /// Emits what an element's attributes show; for a link, returns what its end needs.
    private mutating func attributes(of name: String, _ attributes: [(name: String, value: Range<Int>)],
                            into extractor: inout TextExtractor) -> PendingLink? {
        func value(_ key: String) -> Range<Int>? { attributes.first { $0.name == key }?.value }
        switch name {
        case "img":
            if let alt = value("alt") {
                space(at: alt.lowerBound, into: &extractor)
                appendValue(alt, into: &extractor)
            }
        case "meta":
            let key = (value("name") ?? value("property")).map { String(decoding: decode($0), as: UTF8.self).lowercased() }
            if let key, ["description", "og:title", "og:description", "twitter:title", "twitter:description"].contains(key),
               let content = value("content") {
                pending = nil
                extractor.breakLine(at: content.lowerBound)
                appendValue(content, into: &extractor)
                extractor.breakLine(at: content.upperBound)
            }
        default:  // a
            guard let href = value("href") else { return nil }
            let url = String(decoding: decode(href).drop(while: isBlank).reversed().drop(while: isBlank).reversed(), as: UTF8.self)
            let lower = url.lowercased()
            // Relative, fragment, mailto: and javascript: links lead nowhere a rule can judge.
            guard lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("//") else { return nil }
            let rel = value("rel").map { String(decoding: decode($0), as: UTF8.self).lowercased() }
            let tokens = Set((rel ?? "").split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{0C}" }).map(String.init))
            return PendingLink(start: extractor.bytes.count, href: url, value: href, rel: tokens)
        }
        return nil
    }

    /// An attribute value: copied, each entity decoded for its own range.
    private mutating func appendValue(_ range: Range<Int>, into extractor: inout TextExtractor) {
        flushPending(into: &extractor)
        var index = range.lowerBound, run = index
        while index < range.upperBound {
            guard source[index] == UInt8(ascii: "&"), let entity = entity(at: index, limit: range.upperBound) else {
                index += 1
                continue
            }
            extractor.copy(run..<index)
            extractor.append(entity.value, for: index..<entity.end)
            index = entity.end
            run = index
        }
        extractor.copy(run..<range.upperBound)
    }

    private func decode(_ range: Range<Int>) -> [UInt8] {
        var result: [UInt8] = []
        var index = range.lowerBound
        while index < range.upperBound {
            if source[index] == UInt8(ascii: "&"), let entity = entity(at: index, limit: range.upperBound) {
                result += entity.value
                index = entity.end
            } else {
                result.append(source[index])
                index += 1
            }
        }
        return result
    }

    // MARK: Aligning text with the source

    /// Finds a text node's content in the source from the cursor and emits it:
    /// verbatim runs copied, entities appended for their source range. Bytes the
    /// parser dropped (carriage returns, invalid characters, blanks it did not
    /// keep) are skipped; anything it could not place is appended at the cursor.
    private mutating func align(_ content: [UInt8], raw: Bool, emit: Bool, into extractor: inout TextExtractor) {
        var s = cursor, i = 0
        var runStart = s
        func flush() {
            if emit, runStart < s { emitText(runStart..<s, into: &extractor) }
        }
        // Skip markup and whatever the parser dropped before the text starts.
        while s < end, i < content.count, source[s] != content[0] {
            if source[s] == UInt8(ascii: "<"), let markupEnd = markupEnd(at: s) {
                s = markupEnd
            } else if isBlank(source[s]) || source[s] == UInt8(ascii: "<") || source[s] == UInt8(ascii: ">") || source[s] == UInt8(ascii: "/") || source[s] < 0x20 {
                s += 1
            } else {
                break
            }
        }
        runStart = s
        while i < content.count, s < end {
            let byte = source[s]
            if !raw, byte == UInt8(ascii: "&"), let entity = entity(at: s, limit: end), content[i...].starts(with: entity.value) {
                flush()
                if emit { emitDecoded(entity.value, for: s..<entity.end, into: &extractor) }
                i += entity.value.count
                s = entity.end
                runStart = s
            } else if byte == content[i] {
                s += 1
                i += 1
            } else if let skip = droppedLength(at: s) {
                flush()
                s += skip
                runStart = s
            } else if let length = invalidUTF8Length(at: s) {
                // The parser read an invalid byte as a Latin-1 character.
                flush()
                let scalar = scalarLength(content, at: i)
                if emit { emitDecoded(content[i..<(i + scalar)], for: s..<(s + length), into: &extractor) }
                i += scalar
                s += length
                runStart = s
            } else if isBlank(content[i]) {
                i += 1  // a blank the parser added (a NUL read as a space)
            } else {
                break
            }
        }
        flush()
        cursor = s
        if i < content.count, emit {
            emitDecoded(content[i...], for: s..<s, into: &extractor)
        }
    }

    private func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D || byte == 0x0C }

    /// Source bytes the parser leaves out of text: a carriage return, control characters.
    private func droppedLength(at s: Int) -> Int? {
        let byte = source[s]
        if byte == 0x0D || (byte < 0x20 && byte != 0x09 && byte != 0x0A) || byte == 0x7F { return 1 }
        return nil
    }

    /// 1 when the byte at `s` does not start a valid UTF-8 sequence.
    private func invalidUTF8Length(at s: Int) -> Int? {
        guard source[s] >= 0x80 else { return nil }
        return TextDecoding.utf8Check(source[s..<min(s + 4, end)]).firstInvalid == s ? 1 : nil
    }

    private func scalarLength(_ bytes: [UInt8], at index: Int) -> Int {
        var end = index + 1
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
        return end - index
    }

    /// A character reference at `s` as the parser reads it: named ones need their
    /// `;`, numeric ones not; an invalid number stands for nothing.
    private func entity(at s: Int, limit: Int) -> (value: [UInt8], end: Int)? {
        var index = s + 1
        guard index < limit else { return nil }
        if source[index] == UInt8(ascii: "#") {
            index += 1
            let hex = index < limit && (source[index] | 0x20) == UInt8(ascii: "x")
            if hex { index += 1 }
            var value: UInt32 = 0, digits = 0
            while index < limit, let digit = hex ? hexDigit(source[index]) : decimalDigit(source[index]) {
                value = min(value &* (hex ? 16 : 10) &+ UInt32(digit), 0x110000)
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            if index < limit, source[index] == UInt8(ascii: ";") { index += 1 }
            let valid = value == 0x9 || value == 0xA || value == 0xD || (0x20...0xD7FF).contains(value)
                || (0xE000...0xFFFD).contains(value) || (0x10000...0x10FFFF).contains(value)
            guard valid, let scalar = Unicode.Scalar(value) else { return ([], index) }
            return (Array(String(Character(scalar)).utf8), index)
        }
        while index < limit, index - s < 40, source[index] < 0x80, isNameByte(source[index]) { index += 1 }
        guard index < limit, index > s + 1, source[index] == UInt8(ascii: ";") else { return nil }
        let name = Array(source[(s + 1)..<index]) + [0]
        guard let found = htmlEntityLookup(name), let scalar = Unicode.Scalar(found.pointee.value) else { return nil }
        return (Array(String(Character(scalar)).utf8), index + 1)
    }

    private func isNameByte(_ byte: UInt8) -> Bool {
        (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z")) || decimalDigit(byte) != nil
    }
    private func decimalDigit(_ byte: UInt8) -> UInt8? { byte >= 0x30 && byte <= 0x39 ? byte - 0x30 : nil }
    private func hexDigit(_ byte: UInt8) -> UInt8? {
        if let digit = decimalDigit(byte) { return digit }
        let lower = byte | 0x20
        return lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "f") ? lower - UInt8(ascii: "a") + 10 : nil
    }

    // MARK: Markup

    /// Where a comment, declaration, processing instruction or tag starting at `s` ends; nil when `<` is just text.
    private func markupEnd(at s: Int) -> Int? {
        guard s + 1 < end else { return nil }
        let next = source[s + 1]
        if next == UInt8(ascii: "!") {
            if source[s...].starts(with: Array("<!--".utf8)) {
                return find(Array("-->".utf8), from: s + 4).map { $0 + 3 } ?? end
            }
            return find([UInt8(ascii: ">")], from: s + 2).map { $0 + 1 } ?? end
        }
        if next == UInt8(ascii: "?") { return find([UInt8(ascii: ">")], from: s + 2).map { $0 + 1 } ?? end }
        if next == UInt8(ascii: "/") {
            guard s + 2 < end, isLetter(source[s + 2]) else { return nil }
            return find([UInt8(ascii: ">")], from: s + 2).map { $0 + 1 } ?? end
        }
        return isLetter(next) ? startTag(at: s)?.end : nil
    }

    private func isLetter(_ byte: UInt8) -> Bool { byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z") }

    private func find(_ needle: [UInt8], from start: Int) -> Int? {
        source.firstRange(of: needle, in: start..<end)?.lowerBound
    }

    /// A start tag at `s`: its lower-cased name, attributes (value ranges without quotes) and end.
    private func startTag(at s: Int) -> (name: String, attributes: [(name: String, value: Range<Int>)], end: Int)? {
        var index = s + 1
        func isNameEnd(_ byte: UInt8) -> Bool { isBlank(byte) || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "=") }
        func scanName() -> String {
            let start = index
            while index < end, !isNameEnd(source[index]) { index += 1 }
            if index == start, index < end { index += 1 }  // a stray `=`: always move on
            return String(decoding: source[start..<index], as: UTF8.self).lowercased()
        }
        guard index < end, isLetter(source[index]) else { return nil }
        let name = scanName()
        var attributes: [(name: String, value: Range<Int>)] = []
        while index < end {
            while index < end, isBlank(source[index]) || source[index] == UInt8(ascii: "/") { index += 1 }
            guard index < end else { break }
            if source[index] == UInt8(ascii: ">") { return (name, attributes, index + 1) }
            let attribute = scanName()
            while index < end, isBlank(source[index]) { index += 1 }
            guard index < end, source[index] == UInt8(ascii: "=") else {
                attributes.append((attribute, index..<index))
                continue
            }
            index += 1
            while index < end, isBlank(source[index]) { index += 1 }
            guard index < end else { break }
            let quote = source[index]
            if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") {
                // An unclosed quote: the tag ends at the next `>`, as the parser recovers.
                guard let close = find([quote], from: index + 1) else {
                    return (name, attributes, find([UInt8(ascii: ">")], from: index).map { $0 + 1 } ?? end)
                }
                attributes.append((attribute, (index + 1)..<close))
                index = close + 1
            } else {
                let start = index
                while index < end, !isBlank(source[index]), source[index] != UInt8(ascii: ">") { index += 1 }
                attributes.append((attribute, start..<index))
            }
        }
        return (name, attributes, end)
    }

    /// The next start tag named `name` from the cursor, skipping other markup and text.
    private func findStartTag(_ name: String) -> (attributes: [(name: String, value: Range<Int>)], end: Int)? {
        var index = cursor
        while index < end {
            guard source[index] == UInt8(ascii: "<") else {
                index += 1
                continue
            }
            if index + 1 < end, isLetter(source[index + 1]), let tag = startTag(at: index) {
                if tag.name == name { return (tag.attributes, tag.end) }
                index = tag.end
            } else {
                index = markupEnd(at: index) ?? index + 1
            }
        }
        return nil
    }
}
