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
/// with scripting never see it), `<template>`, elements hidden by the `hidden`
/// attribute or an inline `display: none` / `visibility: hidden` (with all they
/// hold), comments or other attributes.
enum HTMLDocument {
    /// The post for a whole `.html` file.
    static func post(path: String, text: SourceText) -> Post {
        let (document, start) = whole(text)
        var extractor = TextExtractor(document: document)
        var links: [Link] = []
        extract(start..<document.bytes.count, into: &extractor, links: &links)
        return Post(path: path, text: extractor.text(), links: links, platform: .blog)
    }

    /// The bytes to parse for a whole file, and where to start. A dropped BOM:
    /// parse the file itself, so positions count from its first byte.
    private static func whole(_ text: SourceText) -> (document: SourceText, start: Int) {
        if text.origin != nil, text.document.bytes.starts(with: TextDecoding.bom), text.document.bytes.count == text.bytes.count + 3 {
            return (text.document, 3)
        }
        return (text, 0)
    }

    /// Where a paragraph can be added to a whole file without breaking it: before
    /// each outermost paragraph, heading, list, table, quote, figure or rule that
    /// is shown and not page chrome (inside nav, header, footer or aside), as the
    /// offsets of their start tags; and just past the `<body>` tag, if written.
    static func paragraphPlaces(_ text: SourceText) -> (blocks: [Int], bodyStart: Int?) {
        let (document, start) = whole(text)
        var extractor = TextExtractor(document: document)
        var links: [Link] = []
        var places: Walker.Places? = Walker.Places()
        walk(start..<document.bytes.count, into: &extractor, links: &links, places: &places)
        return (places?.blocks ?? [], places?.bodyStart)
    }

    /// Appends the visible text of `range` of `extractor.document` (a whole HTML document or a fragment) to `extractor`, and the links found there to `links` (spans in extractor coordinates).
    static func extract(_ range: Range<Int>, into extractor: inout TextExtractor, links: inout [Link]) {
        var places: Walker.Places?
        walk(range, into: &extractor, links: &links, places: &places)
    }

    private static func walk(_ range: Range<Int>, into extractor: inout TextExtractor, links: inout [Link], places: inout Walker.Places?) {
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
        walker.places = places
        walker.walk(document.pointee.children, into: &extractor, links: &links)
        places = walker.places
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
    /// Blocks a paragraph can go before (`paragraphPlaces`), and page chrome, where it should not.
    static let paragraphBlocks: Set<String> = ["p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "table", "blockquote", "pre", "figure", "hr"]
    static let chromeElements: Set<String> = ["nav", "header", "footer", "aside"]
    /// Elements whose text the parser keeps as written, entities and all.
    static let rawTextElements: Set<String> = ["script", "style"]

    /// An element readers never see: the `hidden` attribute, or an inline style that hides it.
    static func isHiddenByAttribute(_ node: UnsafeMutablePointer<xmlNode>) -> Bool {
        var attribute = node.pointee.properties
        while let current = attribute {
            attribute = current.pointee.next
            let name = String(cString: current.pointee.name)
            if name == "hidden" { return true }
            guard name == "style", let value = current.pointee.children?.pointee.content else { continue }
            let style = String(cString: value).lowercased().filter { !$0.isWhitespace }
            if style.contains("display:none") || style.contains("visibility:hidden") { return true }
        }
        return false
    }
}

/// Walks the parsed tree in document order, keeping the source cursor in step.
private struct Walker {
    let source: [UInt8]
    /// Source bytes before the cursor are accounted for.
    var cursor: Int
    let end: Int

    /// What `HTMLDocument.paragraphPlaces` records; nil when not asked.
    struct Places {
        var blocks: [Int] = []
        var bodyStart: Int?
        /// Paragraph blocks and chrome elements open around the walk.
        var depth = 0
    }
    var places: Places?

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
                    let tag = ownStartTag(name)  // also in hidden subtrees, to keep the cursor in step
                    let isHidden = hidden || HTMLDocument.hiddenElements.contains(name) || HTMLDocument.isHiddenByAttribute(node)
                    let isRaw = raw || HTMLDocument.rawTextElements.contains(name)
                    var link: PendingLink?
                    if !isHidden, let tag, ["a", "img", "meta"].contains(name) {
                        link = attributes(of: tag, into: &extractor)
                    }
                    if !isHidden { boundary(name, into: &extractor) }
                    if !isHidden, places != nil { record(name, tag: tag) }
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
                if places != nil, HTMLDocument.paragraphBlocks.contains(name) || HTMLDocument.chromeElements.contains(name) { places?.depth -= 1 }
            }
        }
    }

    private mutating func record(_ name: String, tag: HTMLStartTag?) {
        if name == "body", let tag { places?.bodyStart = tag.end }
        guard HTMLDocument.paragraphBlocks.contains(name) || HTMLDocument.chromeElements.contains(name) else { return }
        if places?.depth == 0, let tag, HTMLDocument.paragraphBlocks.contains(name) { places?.blocks.append(tag.start) }
        places?.depth += 1
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
    private mutating func attributes(of tag: HTMLStartTag, into extractor: inout TextExtractor) -> PendingLink? {
        let value = tag.value
        switch tag.name {
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
            return PendingLink(start: extractor.bytes.count, href: url, value: href, rel: tag.relTokens(in: source))
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

    private func decode(_ range: Range<Int>) -> [UInt8] { CharacterReference.decoded(source, in: range, rules: .html) }

    private func entity(at s: Int, limit: Int) -> (value: [UInt8], end: Int)? {
        CharacterReference.decode(source, at: s, limit: limit, rules: .html)
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

    private func isBlank(_ byte: UInt8) -> Bool { HTMLStartTag.isBlank(byte) }

    /// Source bytes the parser leaves out of text: a carriage return, control characters,
    /// `</` or `<?` without a name, and well-formed UTF-8 for a code point XML does
    /// not allow (a surrogate, U+FFFE, beyond U+10FFFF).
    private func droppedLength(at s: Int) -> Int? {
        let byte = source[s]
        if byte == 0x0D || (byte < 0x20 && byte != 0x09 && byte != 0x0A) || byte == 0x7F { return 1 }
        if isDroppedMarkup(at: s) { return 2 }
        guard byte >= 0xE0, byte <= 0xF7 else { return nil }
        let length = byte >= 0xF0 ? 4 : 3
        guard s + length <= end, source[(s + 1)..<(s + length)].allSatisfy({ $0 & 0xC0 == 0x80 }) else { return nil }
        let value = source[(s + 1)..<(s + length)].reduce(UInt32(byte & (length == 4 ? 0x07 : 0x0F))) { $0 << 6 | UInt32($1 & 0x3F) }
        let overlong = value < (length == 4 ? 0x10000 : 0x800)  // read byte by byte instead
        let allowed = value < 0xD800 || (0xE000...0xFFFD).contains(value) || (0x10000...0x10FFFF).contains(value)
        return overlong || allowed ? nil : length
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

    // MARK: Markup

    /// Where a comment, doctype, processing instruction or tag starting at `s` ends; nil when `<` is just text
    /// (as `<!x>` is to the parser).
    private func markupEnd(at s: Int) -> Int? {
        guard s + 1 < end else { return nil }
        let next = source[s + 1]
        if next == UInt8(ascii: "!") {
            if source[s...].starts(with: Array("<!--".utf8)) {
                return find(Array("-->".utf8), from: s + 4).map { $0 + 3 } ?? end
            }
            guard s + 9 <= end, String(decoding: source[(s + 2)..<(s + 9)], as: UTF8.self).uppercased() == "DOCTYPE" else { return nil }
            return find([UInt8(ascii: ">")], from: s + 2).map { $0 + 1 } ?? end
        }
        if isDroppedMarkup(at: s) { return s + 2 }
        if next == UInt8(ascii: "?") || next == UInt8(ascii: "/") { return find([UInt8(ascii: ">")], from: s + 2).map { $0 + 1 } ?? end }
        return isLetter(next) ? HTMLStartTag.parse(source, at: s, limit: end)?.end : nil
    }

    /// `</` or `<?` without a name after it: the parser drops those two bytes and reads on as text.
    private func isDroppedMarkup(at s: Int) -> Bool {
        guard source[s] == UInt8(ascii: "<"), s + 1 < end, source[s + 1] == UInt8(ascii: "/") || source[s + 1] == UInt8(ascii: "?") else { return false }
        return s + 2 == end || !(isLetter(source[s + 2]) || source[s + 2] == UInt8(ascii: "_") || source[s + 2] == UInt8(ascii: ":"))
    }

    private func isLetter(_ byte: UInt8) -> Bool { HTMLStartTag.isLetter(byte) }

    private func find(_ needle: [UInt8], from start: Int) -> Int? {
        source.firstRange(of: needle, in: start..<end)?.lowerBound
    }

    /// The start tags the parser drops once their element exists (a repeated `<body>`).
    private static let mergedElements: Set<String> = ["html", "head", "body"]
    /// Which of those the walk has reached.
    var reached: Set<String> = []

    /// The next start tag after the cursor when only blanks and other markup come
    /// before it, and the gap it was looked for in. Elements without a tag of their
    /// own (an implied `<p>`) all find this one: kept while the cursor stays in the
    /// gap, so they do not scan it again.
    var upcoming: (gap: ClosedRange<Int>, tag: HTMLStartTag?)? = nil

    /// An element's own start tag is the next one in the source; taken (moving the
    /// cursor past it) only when its name is the element's. An implied element has
    /// none; text before the tag means the tag belongs to a later element.
    private mutating func ownStartTag(_ name: String) -> HTMLStartTag? {
        if upcoming.map({ !$0.gap.contains(cursor) }) ?? true { upcoming = nextStartTag() }
        let tag = upcoming?.tag?.name == name ? upcoming?.tag : nil
        if let tag { cursor = tag.end }
        if Self.mergedElements.contains(name), reached.insert(name).inserted { upcoming = nil }
        return tag
    }

    private func nextStartTag() -> (gap: ClosedRange<Int>, tag: HTMLStartTag?) {
        var index = cursor
        while index < end {
            if isBlank(source[index]) {
                index += 1
            } else if source[index] == UInt8(ascii: "<"), index + 1 < end, isLetter(source[index + 1]),
                      let tag = HTMLStartTag.parse(source, at: index, limit: end) {
                guard Self.mergedElements.contains(tag.name), reached.contains(tag.name) || reached.contains("body") else {
                    return (cursor...index, tag)
                }
                index = tag.end
            } else if source[index] == UInt8(ascii: "<"), let markupEnd = markupEnd(at: index) {
                index = markupEnd
            } else {
                break  // text
            }
        }
        return (cursor...index, nil)
    }
}
