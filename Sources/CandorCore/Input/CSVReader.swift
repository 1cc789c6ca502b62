import Foundation

/// Reads a CSV or TSV batch (RFC 4180) one row at a time, streaming: memory
/// stays flat however large the file.
///
/// The first non-blank row is the header. Columns are matched to post fields
/// by name, ignoring case and surrounding spaces, through `FieldMapping`. The
/// default columns are `id`, `text` (or `caption`, `description`), `url`,
/// `platform`, `author`, `market`, `relationship` (a category, or several as in
/// `gift, stay`) and `published_at` (or `date`); `--field text=Caption` reads
/// the text from another column. An empty cell is an absent value.
///
/// The separator is a comma, a semicolon or a tab, whichever the header line
/// holds most of outside quotes (always a tab for `.tsv`). A row's record number
/// is the physical line it starts on, so messages point into the file even
/// after cells that span lines. Blank rows are skipped; a row with fewer cells
/// than the header has the missing ones empty, and empty cells past the header
/// are ignored.
struct CSVReader {
    let path: String
    /// Nil to detect it from the header line.
    let separator: UInt8?
    /// The field mapping, and the size past which a row is taken for a quote never closed, or for junk.
    let options: ReadOptions
    var fields: FieldMapping { options.fields }

    func read(_ stream: ByteStream, post: (Post) -> Void, problem: (InputProblem) -> Void) {
        var stream = stream
        let head = stream.peek()
        let bomLength = head.starts(with: TextDecoding.bom) ? 3 : 0
        // A full chunk may end inside a character, so its last bytes are not judged.
        let sample = head[bomLength...].dropLast(head.count == ByteStream.chunkSize ? 3 : 0)
        let check = TextDecoding.utf8Check(sample)
        let latin1 = check.firstInvalid != nil && !check.hasMultibyte
        if latin1 { problem(InputProblem(path: path, message: "not UTF-8; read as Latin-1 (Windows-1252)")) }

        var rows = CSVTokenizer(stream: stream, separator: separator ?? CSVTokenizer.separator(inHeader: sample), skipping: bomLength, maxRowBytes: options.maxPostBytes)
        var header: CSVHeader?
        var warnedInvalidUTF8 = false
        while let token = rows.next() {
            switch token {
            case let .unclosedQuote(line, resumeLine):
                let resumes = resumeLine.map { " and reading resumes at line \($0)" } ?? ""
                problem(InputProblem(path: path, line: line, message: "quoted cell never closed: the row is skipped\(resumes)"))
            case let .overlong(line):
                problem(InputProblem(path: path, line: line, message: options.tooLarge("row")))
            case let .row(line, cells):
                // Spaces-only lines, and the rows of empty cells spreadsheets export below the data.
                if cells.allSatisfy({ $0.allSatisfy { $0 == 0x20 || $0 == 0x09 } }) { continue }
                let cells = latin1 ? cells.map(Self.fromWindows1252) : cells
                guard let columns = header else {
                    let found = CSVHeader(cells: cells, fields: fields)
                    guard !found.textColumns.isEmpty else {
                        let lookedFor = fields[.text].map { "'\($0)'" }.joined(separator: ", ")
                        let names = found.names.map { "'\($0)'" }.joined(separator: ", ")
                        problem(InputProblem(path: path, line: line, message: "no text column (looked for \(lookedFor); found \(names)), file skipped"))
                        return
                    }
                    header = found
                    continue
                }
                if cells.count > columns.names.count, cells[columns.names.count...].contains(where: { !$0.isEmpty }) {
                    problem(InputProblem(path: path, line: line, message: "row has \(cells.count) cells but the header has \(columns.names.count) columns, skipped"))
                    continue
                }
                guard columns.textColumns.contains(where: { $0 < cells.count && !cells[$0].isEmpty }) else {
                    let names = columns.textColumns.map { "'\(columns.names[$0])'" }.joined(separator: " or ")
                    problem(InputProblem(path: path, line: line, message: "no text in column \(names), skipped"))
                    continue
                }
                let parsed = BatchRecord.make(fields: fields) { name in
                    guard let column = columns.index[name], column < cells.count, !cells[column].isEmpty else { return nil }
                    return .bytes(cells[column])
                }
                switch parsed {
                case let .success(record):
                    if !latin1, !warnedInvalidUTF8, TextDecoding.utf8Check(record.text[...]).firstInvalid != nil {
                        warnedInvalidUTF8 = true
                        problem(InputProblem(path: path, line: line, message: "invalid UTF-8 in the text; those bytes are skipped (reported once per file)"))
                    }
                    post(record.post(path: path, record: line))
                case let .failure(message):
                    problem(InputProblem(path: path, line: line, message: message))
                }
            }
        }
    }

    /// A Windows-1252 cell as UTF-8.
    private static func fromWindows1252(_ cell: [UInt8]) -> [UInt8] {
        guard cell.contains(where: { $0 >= 0x80 }) else { return cell }
        var utf8: [UInt8] = []
        utf8.reserveCapacity(cell.count + 16)
        for byte in cell {
            if byte < 0x80 { utf8.append(byte) } else { utf8 += String(TextDecoding.windows1252(byte)).utf8 }
        }
        return utf8
    }
}

/// The header row: column names and where each mapped field's names are found.
struct CSVHeader {
    /// As written in the file, trimmed.
    let names: [String]
    /// The column of each name the field mapping tries, keyed as the mapping spells it.
    let index: [String: Int]
    /// The columns that can hold the post text.
    let textColumns: [Int]

    init(cells: [[UInt8]], fields: FieldMapping) {
        func normalized(_ name: String) -> String { name.trimmingCharacters(in: .whitespaces).lowercased() }
        names = cells.map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespaces) }
        var byName: [String: Int] = [:]
        for (column, name) in names.enumerated() where byName[normalized(name)] == nil { byName[normalized(name)] = column }
        var index: [String: Int] = [:]
        for name in FieldMapping.Field.allCases.flatMap({ fields[$0] }) { index[name] = byName[normalized(name)] }
        self.index = index
        textColumns = fields[.text].compactMap { index[$0] }
    }
}

/// Splits CSV bytes into rows of raw cells, reading a byte stream chunk by chunk.
struct CSVTokenizer {
    enum Token {
        /// `line` is the physical line the row starts on.
        case row(line: Int, cells: [[UInt8]])
        /// A quoted cell opened at `line` was never closed. Its row is dropped and
        /// reading resumes at `resumeLine`; nil when the quote opened on the last line.
        case unclosedQuote(line: Int, resumeLine: Int?)
        /// A row longer than `maxRowBytes`, dropped up to the end of its line.
        case overlong(line: Int)
    }

    private static let quote: UInt8 = 0x22, carriageReturn: UInt8 = 0x0D, lineFeed: UInt8 = 0x0A

    let separator: UInt8
    let maxRowBytes: Int
    private var stream: ByteStream
    private var chunk: [UInt8]
    private var position: Int
    /// Bytes read again before the stream, after a row was dropped.
    private var replay: [UInt8] = []
    private var replayPosition = 0
    /// The line of the byte last read, and of the next one.
    private var line = 1
    private var nextLine = 1
    private var previous: UInt8 = 0

    init(stream: ByteStream, separator: UInt8, skipping prefix: Int, maxRowBytes: Int) {
        self.stream = stream
        self.separator = separator
        self.maxRowBytes = maxRowBytes
        chunk = self.stream.next()
        position = min(prefix, chunk.count)
    }

    /// The separator the header line holds most of outside quotes: comma, semicolon or tab, a comma on a tie.
    static func separator(inHeader bytes: ArraySlice<UInt8>) -> UInt8 {
        let candidates: [UInt8] = [0x2C, 0x3B, 0x09]
        var counts = [Int](repeating: 0, count: candidates.count)
        var quoted = false, started = false
        for byte in bytes {
            if byte == quote {
                quoted.toggle()
            } else if !quoted, byte == carriageReturn || byte == lineFeed {
                if started { break } else { continue }
            } else if !quoted, let which = candidates.firstIndex(of: byte) {
                counts[which] += 1
            }
            started = true
        }
        return candidates[counts.indices.max { counts[$0] < counts[$1] }!]
    }

    private mutating func nextByte() -> UInt8? {
        let byte: UInt8
        if replayPosition < replay.count {
            byte = replay[replayPosition]
            replayPosition += 1
        } else {
            if position == chunk.count {
                chunk = stream.next()
                position = 0
                if chunk.isEmpty { return nil }
            }
            byte = chunk[position]
            position += 1
        }
        // CR, LF and CRLF each end one line.
        line = nextLine
        if byte == Self.carriageReturn || (byte == Self.lineFeed && previous != Self.carriageReturn) { nextLine += 1 }
        previous = byte
        return byte
    }

    /// Reads `bytes` again before the rest, as if they started line `resumeLine`
    /// right after the line break `lineBreak`.
    private mutating func resume(from bytes: [UInt8], line resumeLine: Int, after lineBreak: UInt8) {
        replay = bytes + replay[replayPosition...]
        replayPosition = 0
        nextLine = resumeLine
        previous = lineBreak
    }

    private enum State { case cellStart, unquoted, quoted, quoteInQuoted }

    mutating func next() -> Token? {
        var cells: [[UInt8]] = []
        var cell: [UInt8] = []
        var state = State.cellStart
        var rowLine: Int?, quoteLine = 0, rowBytes = 0
        // The raw bytes of the current quoted cell after its first line break,
        // kept to read them again if the quote turns out never to be closed.
        var afterLineBreak: [UInt8]?
        var lineBreak: UInt8 = 0

        while let byte = nextByte() {
            let isLineBreak = byte == Self.carriageReturn || byte == Self.lineFeed
            guard let start = rowLine ?? (isLineBreak ? nil : line) else { continue }  // blank line, or the LF of a CRLF
            rowLine = start
            rowBytes += 1
            if rowBytes > maxRowBytes {
                if let afterLineBreak, state == .quoted || state == .quoteInQuoted {
                    resume(from: afterLineBreak + [byte], line: quoteLine + 1, after: lineBreak)
                    return .unclosedQuote(line: quoteLine, resumeLine: quoteLine + 1)
                }
                if !isLineBreak { while let skipped = nextByte(), skipped != Self.carriageReturn, skipped != Self.lineFeed {} }
                return .overlong(line: start)
            }
            switch state {
            case .cellStart, .unquoted:
                if byte == separator {
                    cells.append(cell)
                    cell = []
                    state = .cellStart
                } else if isLineBreak {
                    cells.append(cell)
                    return .row(line: start, cells: cells)
                } else if byte == Self.quote, state == .cellStart {
                    state = .quoted
                    quoteLine = line
                    afterLineBreak = nil
                } else {
                    // A quote inside an unquoted cell is kept as a literal, as spreadsheets do.
                    cell.append(byte)
                    state = .unquoted
                }
            case .quoted:
                afterLineBreak?.append(byte)
                if byte == Self.quote {
                    state = .quoteInQuoted
                } else {
                    cell.append(byte)
                    if isLineBreak, afterLineBreak == nil {
                        afterLineBreak = []
                        lineBreak = byte
                    }
                }
            case .quoteInQuoted:
                afterLineBreak?.append(byte)
                if byte == Self.quote {
                    cell.append(byte)
                    state = .quoted
                } else if byte == separator {
                    cells.append(cell)
                    cell = []
                    state = .cellStart
                } else if isLineBreak {
                    cells.append(cell)
                    return .row(line: start, cells: cells)
                } else if let afterLineBreak {
                    // Text right after the quote that closed a cell spanning lines: that
                    // quote opened a later cell, and this cell's quote was never closed.
                    resume(from: afterLineBreak, line: quoteLine + 1, after: lineBreak)
                    return .unclosedQuote(line: quoteLine, resumeLine: quoteLine + 1)
                } else {
                    // `"abc"def` on one line reads as `abcdef`.
                    cell.append(byte)
                    state = .unquoted
                }
            }
        }
        guard let start = rowLine else { return nil }
        if state == .quoted {
            guard let afterLineBreak else { return .unclosedQuote(line: quoteLine, resumeLine: nil) }
            resume(from: afterLineBreak, line: quoteLine + 1, after: lineBreak)
            return .unclosedQuote(line: quoteLine, resumeLine: quoteLine + 1)
        }
        cells.append(cell)
        return .row(line: start, cells: cells)
    }
}
