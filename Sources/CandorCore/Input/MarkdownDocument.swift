import CCmarkGFM
import Yams

/// A Markdown post read through cmark-gfm (CommonMark with GitHub's tables,
/// autolinks and strikethrough). What readers see is audited: front matter
/// `title` and `description`, headings, paragraphs, list items, quotes, table
/// cells, link text and destinations, image alt text, and the visible text of
/// raw HTML. Code (fenced, indented, inline) and HTML comments are not prose.
///
/// cmark's own inline positions are not exact, so every literal it hands back
/// is found again in the source from a cursor that only moves forward; each
/// extracted byte therefore maps to the file's own line and column.
enum MarkdownDocument {
    static func post(path: String, document: SourceText, problem: (InputProblem) -> Void) -> Post {
        var reader = Reader(document: document)
        let frontMatter = FrontMatter.read(document)
        if let frontMatter {
            for (line, message) in frontMatter.problems { problem(InputProblem(path: path, line: line, message: message)) }
            reader.add(frontMatter)
        }
        reader.addMarkdown(from: frontMatter?.end ?? 0)
        return Post(path: path, text: reader.extractor.text(), links: reader.links, platform: .blog,
                    market: frontMatter?.market, declared: frontMatter?.declared ?? [], date: frontMatter?.date,
                    author: frontMatter?.author)
    }

    /// Where each top-level block (paragraph, heading, list, quote…) of the body
    /// starts, as offsets into `document`'s own document: the places where a new
    /// paragraph can go without breaking front matter, a list or a table.
    static func topLevelBlockStarts(_ document: SourceText) -> [Int] {
        let start = FrontMatter.read(document)?.end ?? 0
        let body = document.bytes[start...]
        guard !body.isEmpty, let parser = cmark_parser_new(CMARK_OPT_DEFAULT) else { return [] }
        defer { cmark_parser_free(parser) }
        for syntax in extensions { cmark_parser_attach_syntax_extension(parser, syntax) }
        body.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { cmark_parser_feed(parser, $0, buffer.count) }
        }
        guard let root = cmark_parser_finish(parser) else { return [] }
        defer { cmark_node_free(root) }
        let lineOffset = document.lineIndex(of: start)
        var starts: [Int] = []
        var node = cmark_node_first_child(root)
        while let block = node {
            let line = Int(cmark_node_get_start_line(block))
            if line > 0, let offset = document.lineStart(lineOffset + line - 1) { starts.append(document.span(of: offset..<offset).byteOffset) }
            node = cmark_node_next(block)
        }
        return starts
    }

    /// Registered once; cmark's extension objects are never mutated after that.
    nonisolated(unsafe) private static let extensions: [OpaquePointer] = {
        cmark_gfm_core_extensions_ensure_registered()
        return ["table", "autolink", "strikethrough", "tasklist"].compactMap { name in name.withCString { cmark_find_syntax_extension($0) } }
    }()

    private struct Reader {
        var extractor: TextExtractor
        var links: [Link] = []
        /// Source offset up to which literals have been found.
        var cursor = 0
        /// Where each open block ends: literals are looked for only up to there,
        /// so text cmark rewrote costs one block's scan, not the rest of the file's.
        var blockEnds: [Int] = []
        var document: SourceText { extractor.document }
        var limit: Int { blockEnds.last ?? document.bytes.count }

        init(document: SourceText) {
            extractor = TextExtractor(document: document)
        }

        mutating func add(_ frontMatter: FrontMatter) {
            for field in frontMatter.audited {
                if extractor.copyAligned(field.value.utf8, from: field.searchFrom, limit: frontMatter.end) == nil {
                    extractor.append(field.value, for: field.searchFrom..<field.searchFrom)
                }
                extractor.breakLine(at: field.searchFrom)
            }
            cursor = frontMatter.end
        }

        /// Parses the document from `start` (a line start) and extracts its prose.
        mutating func addMarkdown(from start: Int) {
            let body = document.bytes[start...]
            guard !body.isEmpty else { return }
            let lineOffset = document.lineIndex(of: start)  // cmark counts lines from `start`
            guard let parser = cmark_parser_new(CMARK_OPT_SOURCEPOS | CMARK_OPT_VALIDATE_UTF8) else { return }
            defer { cmark_parser_free(parser) }
            for syntax in MarkdownDocument.extensions { cmark_parser_attach_syntax_extension(parser, syntax) }
            body.withUnsafeBufferPointer { buffer in
                buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { cmark_parser_feed(parser, $0, buffer.count) }
            }
            guard let root = cmark_parser_finish(parser) else { return }
            defer { cmark_node_free(root) }
            guard let iterator = cmark_iter_new(root) else { return }
            defer { cmark_iter_free(iterator) }

            /// Open links: where their text starts in the extracted text.
            var openLinks: [Int] = []
            /// Inline HTML anchors (`<a href>` … `</a>`) still open.
            var openAnchors: [OpenAnchor] = []
            var event = cmark_iter_next(iterator)
            while event != CMARK_EVENT_DONE {
                defer { event = cmark_iter_next(iterator) }
                guard let node = cmark_iter_get_node(iterator) else { continue }
                let type = cmark_node_get_type(node)
                let entering = event == CMARK_EVENT_ENTER
                let literal = cmark_node_get_literal(node).map { Array(String(cString: $0).utf8) } ?? []
                let line = Int(cmark_node_get_start_line(node)), endLine = Int(cmark_node_get_end_line(node))
                let blockStart = line > 0 ? document.lineStart(lineOffset + line - 1).map { $0 + max(0, Int(cmark_node_get_start_column(node)) - 1) } : nil
                // cmark's end positions are sometimes missing or before the start: then the enclosing block's end holds.
                let blockEnd = line > 0 && endLine >= line ? document.lineStart(lineOffset + endLine).map { $0 } ?? document.bytes.count : limit

                switch type {
                case CMARK_NODE_TEXT:
                    addLiteral(literal, fallback: blockStart)
                case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK:
                    extractor.breakLine(at: cursor)
                case CMARK_NODE_CODE:
                    // Not prose, but found so the cursor moves past it (cmark joins its lines with spaces).
                    if let found = TextExtractor.locate(literal, in: document.bytes, from: cursor, limit: limit, leniency: .joinedLines) {
                        cursor = found.upperBound
                    }
                case CMARK_NODE_CODE_BLOCK:
                    skipBlock(literal, from: blockStart, to: blockEnd)
                case CMARK_NODE_HTML_BLOCK:
                    addHTMLBlock(literal, from: blockStart, to: blockEnd)
                case CMARK_NODE_HTML_INLINE:
                    addInlineHTML(literal, openAnchors: &openAnchors)
                case CMARK_NODE_LINK where entering:
                    openLinks.append(extractor.bytes.count)
                case CMARK_NODE_LINK:
                    guard let textStart = openLinks.popLast() else { break }
                    let textSource = textStart < extractor.bytes.count ? extractor.documentOffset(of: textStart) : cursor
                    closeLink(url: cmark_node_get_url(node).map { String(cString: $0) } ?? "", textStart: textStart, textSource: textSource)
                default:
                    guard isBlock(type) else { break }
                    if entering {
                        if let blockStart, blockStart > cursor { cursor = blockStart }
                        blockEnds.append(max(blockEnd, cursor))
                    } else {
                        blockEnds.removeLast()
                    }
                    // Table cells share a line; every other block ends one.
                    if !entering {
                        String(cString: cmark_node_get_type_string(node)) == "table_cell" ? extractor.separate(at: cursor) : extractor.breakLine(at: cursor)
                    }
                }
            }
        }

        private func isBlock(_ type: cmark_node_type) -> Bool {
            type.rawValue & UInt32(CMARK_NODE_TYPE_MASK) == UInt32(CMARK_NODE_TYPE_BLOCK) && type != CMARK_NODE_DOCUMENT
        }

        mutating func addLiteral(_ literal: [UInt8], fallback: Int?) {
            guard !literal.isEmpty else { return }
            if let end = extractor.copyAligned(literal, from: cursor, limit: limit) {
                cursor = end
            } else {
                // Text cmark rewrote (invalid UTF-8, an entity it expanded to
                // several characters): keep it, at the nearest known place.
                let at = max(cursor, fallback ?? cursor)
                extractor.append(literal, for: at..<at)
            }
        }

        mutating func skipBlock(_ literal: [UInt8], from blockStart: Int?, to blockEnd: Int) {
            if let blockStart, blockStart > cursor { cursor = blockStart }
            let firstLine = Array(literal.prefix { $0 != 0x0A })
            if let found = document.bytes.firstRange(of: firstLine, in: cursor..<blockEnd) { cursor = found.upperBound }
        }

        /// A raw HTML block: its visible text and links, through the HTML reader.
        mutating func addHTMLBlock(_ literal: [UInt8], from blockStart: Int?, to blockEnd: Int) {
            if let blockStart, blockStart > cursor { cursor = blockStart }
            let firstLine = Array(literal.prefix { $0 != 0x0A })
            guard let start = document.bytes.firstRange(of: firstLine, in: cursor..<max(blockEnd, cursor))?.lowerBound else { return }
            // The block runs over as many source lines as the literal has.
            let lines = literal.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            let startLine = document.lineIndex(of: start)
            let end = document.lineStart(startLine + max(1, lines)) ?? document.bytes.count
            HTMLDocument.extract(start..<end, into: &extractor, links: &links)
            cursor = end
            extractor.breakLine(at: end)
        }

        /// Inline HTML: `<a href>` opens a link, `</a>` closes it, `<br>` breaks
        /// the line; comments and other tags are not prose.
        struct OpenAnchor {
            /// The href as written, and decoded.
            let value: Range<Int>
            let href: [UInt8]
            let rel: Set<String>
            let textStart: Int
        }

        mutating func addInlineHTML(_ literal: [UInt8], openAnchors: inout [OpenAnchor]) {
            guard let found = document.bytes.firstRange(of: literal, in: cursor..<limit) else { return }
            cursor = found.upperBound
            let source = document.bytes
            if let tag = HTMLStartTag.parse(source, at: found.lowerBound, limit: found.upperBound) {
                if tag.name == "br" { extractor.breakLine(at: found.lowerBound) }
                guard tag.name == "a", let value = tag.value("href") else { return }
                openAnchors.append(OpenAnchor(value: value, href: CharacterReference.decoded(source, in: value, rules: .html),
                                              rel: tag.relTokens(in: source), textStart: extractor.bytes.count))
            } else if literal.starts(with: Array("</a".utf8)), literal.count == 4 || HTMLStartTag.isBlank(literal[3]) || literal[3] == UInt8(ascii: ">"),
                      let open = openAnchors.popLast() {
                let textSpan = open.textStart..<extractor.bytes.count
                extractor.separate(at: found.lowerBound)
                let urlStart = extractor.bytes.count
                if open.href.elementsEqual(source[open.value]) { extractor.copy(open.value) } else { extractor.append(open.href, for: open.value) }
                addLink(url: String(decoding: open.href, as: UTF8.self), textSpan: textSpan, urlSpan: urlStart..<extractor.bytes.count, rel: open.rel)
                extractor.separate(at: found.upperBound)
            }
        }

        /// After a link's text: its destination, found right after `](` when the
        /// link is inline; an autolink's text is its destination already.
        mutating func closeLink(url: String, textStart: Int, textSource: Int) {
            let textSpan = textStart..<extractor.bytes.count
            let text = extractor.bytes[textSpan]
            if !url.isEmpty, Array(url.utf8) == Array(text) || url == "http://" + String(decoding: text, as: UTF8.self)
                || url == "mailto:" + String(decoding: text, as: UTF8.self) {
                addLink(url: url, textSpan: textSpan, urlSpan: textSpan, rel: nil)
                return
            }
            guard !url.isEmpty, !url.hasPrefix("#") else { return }
            extractor.separate(at: cursor)
            let urlStart = extractor.bytes.count
            if let destination = inlineDestinationStart(), let end = extractor.copyAligned(url.utf8, from: destination, anchored: true) {
                cursor = end
            } else {
                // A reference link: the destination is defined elsewhere; point at the link's text.
                extractor.append(url, for: textSource..<max(textSource, cursor))
            }
            addLink(url: url, textSpan: textSpan, urlSpan: urlStart..<extractor.bytes.count, rel: nil)
            extractor.separate(at: cursor)
        }

        /// Where an inline link's destination starts: after the `](` (and an
        /// optional `<`) that follows the cursor.
        private func inlineDestinationStart() -> Int? {
            let bytes = document.bytes
            var index = cursor
            while index < bytes.count, bytes[index] != UInt8(ascii: "]") {
                guard bytes[index] == UInt8(ascii: "*") || bytes[index] == UInt8(ascii: "_") || bytes[index] == UInt8(ascii: "`")
                    || bytes[index] == UInt8(ascii: "~") || bytes[index] == 0x20 else { return nil }
                index += 1
            }
            guard index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "(") else { return nil }
            index += 2
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x09 { index += 1 }
            if index < bytes.count, bytes[index] == UInt8(ascii: "<") { index += 1 }
            return index
        }

        mutating func addLink(url: String, textSpan: Range<Int>, urlSpan: Range<Int>, rel: Set<String>?) {
            guard !urlSpan.isEmpty, NormalizedURL.looksLikeURL(url) else { return }
            links.append(Link(urlSpan: urlSpan, textSpan: textSpan.isEmpty ? nil : textSpan, url: NormalizedURL(url), rel: rel))
        }
    }
}
