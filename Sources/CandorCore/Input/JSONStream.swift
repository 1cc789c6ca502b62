/// Splits a JSON document, read chunk by chunk, into the elements of the arrays
/// found at given key paths. Only the element being read is held, so memory
/// stays flat however large the file; strings, escapes and nesting are tracked
/// byte by byte and each element is left to the caller to parse.
///
/// Bytes before the first bracket are skipped: a byte-order mark, or the
/// `window.YTD.tweets.part0 = ` assignment of an X archive.
struct JSONStream {
    /// Key paths from the root to the wanted arrays: `[]` for a top-level
    /// array, `["items"]`, `["Post", "Posts", "VideoList"]`.
    let paths: [[String]]
    /// Hands over a top-level object as the one element (a single resource).
    var rootObject = false
    /// A longer element is passed over without being kept (`tooLarge`).
    var maxElementBytes = Int.max

    struct Element {
        /// Empty when the element is too large.
        let bytes: [UInt8]
        /// 1-based line of the element's first byte.
        let line: Int
        let tooLarge: Bool
    }

    /// How the input ended.
    struct End {
        /// The top-level value was closed.
        var complete = false
        /// The last line of the input.
        var line = 1
        /// Where the element cut off by the end of the input starts.
        var unfinishedElement: Int?
        /// How many wanted arrays were found.
        var arrays = 0
        /// The line where nesting outside any post went deeper than `maxDepth`, where reading stopped.
        var tooDeep: Int?
    }

    /// Containers outside any post deeper than this are not a real export; past
    /// it reading stops, so frames cannot grow without bound.
    static let maxDepth = 512
    /// Longer keys cannot be a wanted one; only this much of a key is kept.
    static let maxKeyBytes = 256

    private struct Frame {
        let isObject: Bool
        var key: [UInt8] = []
        var expectingKey = true
        var wanted = false
    }

    private static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\"), comma = UInt8(ascii: ",")
    private static let openObject = UInt8(ascii: "{"), closeObject = UInt8(ascii: "}")
    private static let openArray = UInt8(ascii: "["), closeArray = UInt8(ascii: "]")

    /// Calls `body` with each element in document order, until it returns false.
    func split(next: () -> [UInt8], _ body: (Element) -> Bool) -> End {
        typealias J = JSONStream
        let wanted = paths.map { $0.map { Array($0.utf8) } }
        let wantedDepth = paths.map(\.count).max() ?? 0
        var end = End()
        var frames: [Frame] = []  // the containers around the current position, outside any element
        var started = false
        var inString = false, escaped = false
        var key: [UInt8]?  // an object key being read
        var capturing = false
        var element: [UInt8] = []
        var elementLine = 0
        var nesting = OpenBrackets()  // brackets open inside the element
        var tooLarge = false
        func keep(_ byte: UInt8) {
            if element.count < maxElementBytes { element.append(byte) } else { tooLarge = true }
        }

        func open(_ bracket: UInt8) {
            var frame = Frame(isObject: bracket == J.openObject)
            // Only an array as deep as a wanted path can be wanted: the check stays O(1) however deep the input.
            if !frame.isObject, frames.count <= wantedDepth, frames.allSatisfy(\.isObject), wanted.contains(frames.map(\.key)) {
                frame.wanted = true
                end.arrays += 1
            }
            frames.append(frame)
        }
        // Closes back to the matching bracket, so one stray bracket does not
        // misplace everything after it.
        func close(_ bracket: UInt8) {
            let isObject = bracket == J.closeObject
            guard let index = frames.lastIndex(where: { $0.isObject == isObject }) else { return }
            frames.removeSubrange(index...)
            if frames.isEmpty { end.complete = true }
        }
        func emit() -> Bool {
            capturing = false
            defer {
                element.removeAll(keepingCapacity: !tooLarge)
                tooLarge = false
            }
            return body(Element(bytes: tooLarge ? [] : element, line: elementLine, tooLarge: tooLarge))
        }

        while !end.complete {
            let chunk = next()
            if chunk.isEmpty { break }
            for byte in chunk {
                if byte == 0x0A { end.line += 1 }
                if capturing {
                    if inString {
                        if escaped { escaped = false } else if byte == J.backslash { escaped = true } else if byte == J.quote { inString = false }
                        keep(byte)
                        continue
                    }
                    switch byte {
                    case J.quote: inString = true
                    case J.openObject, J.openArray: nesting.open(byte)
                    case J.closeObject, J.closeArray:
                        if nesting.close(matching: byte == J.closeObject ? J.openObject : J.openArray) {
                            if nesting.isEmpty, frames.isEmpty {  // the root object itself
                                keep(byte)
                                end.complete = true
                                _ = emit()
                                return end
                            }
                        } else if nesting.isEmpty {  // the array's end
                            guard emit() else { return end }
                            close(byte)
                            continue
                        }
                    case J.comma where nesting.isEmpty:
                        guard emit() else { return end }
                        continue
                    default: break
                    }
                    keep(byte)
                    continue
                }
                if inString {
                    if escaped {
                        escaped = false
                    } else if byte == J.backslash {
                        escaped = true
                    } else if byte == J.quote {
                        inString = false
                        if let read = key {
                            frames[frames.count - 1].key = read
                            frames[frames.count - 1].expectingKey = false
                            key = nil
                        }
                        continue
                    }
                    if let read = key, read.count < J.maxKeyBytes { key!.append(byte) }
                    continue
                }
                guard started else {
                    guard byte == J.openObject || byte == J.openArray else { continue }
                    started = true
                    if rootObject, byte == J.openObject {
                        capturing = true
                        elementLine = end.line
                        element = [byte]
                        nesting = OpenBrackets(byte)
                    } else {
                        open(byte)
                    }
                    continue
                }
                guard !end.complete, let top = frames.last else { break }
                if top.wanted {
                    switch byte {
                    case 0x20, 0x09, 0x0A, 0x0D, J.comma: continue
                    case J.closeArray, J.closeObject: close(byte)
                    default:
                        capturing = true
                        elementLine = end.line
                        keep(byte)
                        nesting = byte == J.openObject || byte == J.openArray ? OpenBrackets(byte) : OpenBrackets()
                        inString = byte == J.quote
                    }
                    continue
                }
                switch byte {
                case J.quote:
                    inString = true
                    if top.isObject, top.expectingKey { key = [] }
                case J.comma where top.isObject: frames[frames.count - 1].expectingKey = true
                case J.openObject, J.openArray:
                    guard frames.count < J.maxDepth else {
                        end.tooDeep = end.line
                        return end
                    }
                    open(byte)
                case J.closeObject, J.closeArray: close(byte)
                default: break
                }
            }
        }
        if capturing { end.unfinishedElement = elementLine }
        return end
    }

    /// The first element in `bytes` alone, if it ends there.
    func first(in bytes: [UInt8]) -> Element? {
        var found: Element?
        var given = false
        _ = split(next: {
            defer { given = true }
            return given ? [] : bytes
        }) { element in
            found = element
            return false
        }
        return found
    }
}

/// The brackets open inside an element, with a count of each kind, so that a
/// closing bracket with no opener of its kind costs nothing to reject.
private struct OpenBrackets {
    private var stack: [UInt8] = []
    private var objects = 0, arrays = 0

    init() {}
    init(_ first: UInt8) { open(first) }

    var isEmpty: Bool { stack.isEmpty }

    mutating func open(_ bracket: UInt8) {
        stack.append(bracket)
        if bracket == UInt8(ascii: "{") { objects += 1 } else { arrays += 1 }
    }

    /// Closes back to the innermost `opener`; false when none is open.
    mutating func close(matching opener: UInt8) -> Bool {
        guard (opener == UInt8(ascii: "{") ? objects : arrays) > 0 else { return false }
        while let last = stack.popLast() {
            if last == UInt8(ascii: "{") { objects -= 1 } else { arrays -= 1 }
            if last == opener { break }
        }
        return true
    }
}
