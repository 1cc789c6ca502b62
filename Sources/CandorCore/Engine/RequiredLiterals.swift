import CandorPCRE
import Synchronization

/// What a pattern needs to find in a text before it can match there: literal
/// strings read from the pattern's own syntax, combined with "all of" and "one
/// of". `invitad[oa]s?\s+por|gracias\s+a` needs "invitad" and "por", or
/// "gracias". The keyword filter asks for one of a rule's keywords; this asks
/// for what every branch of its pattern spells out, so a post that holds a
/// rule's keyword but not, say, the second word of each of its phrases skips
/// the pattern.
///
/// Reading is conservative: anything not understood needs nothing (`always`),
/// so a requirement can only let a pattern run for nothing, never skip a match.
/// Literals are kept in lower case and matched by `KeywordScanner`, which folds
/// the text the same way (ASCII and Latin-1 capitals, and the letters PCRE2
/// takes for ASCII ones); a character outside that range ends a literal, as do
/// classes, escapes like `\s`, and quantifiers. Lookarounds need nothing.
/// Literals shorter than three bytes are dropped: nearly every text has them.
indirect enum LiteralRequirement: Hashable, Sendable {
    case always
    case literal(String)
    case all([LiteralRequirement])
    case oneOf([LiteralRequirement])

    /// Every literal the requirement names, each once, in order of first use.
    var literals: [String] {
        var seen = Set<String>()
        var ordered: [String] = []
        func visit(_ requirement: LiteralRequirement) {
            switch requirement {
            case .always: break
            case let .literal(literal): if seen.insert(literal).inserted { ordered.append(literal) }
            case let .all(parts), let .oneOf(parts): parts.forEach(visit)
            }
        }
        visit(self)
        return ordered
    }

    /// All of `parts`, without those that need nothing.
    static func allOf(_ parts: [LiteralRequirement]) -> LiteralRequirement {
        let needed = parts.filter { $0 != .always }
        return needed.isEmpty ? .always : needed.count == 1 ? needed[0] : .all(needed)
    }

    /// One of `parts`: nothing at all when one of them needs nothing.
    static func anyOf(_ parts: [LiteralRequirement]) -> LiteralRequirement {
        if parts.isEmpty || parts.contains(.always) { return .always }
        return parts.count == 1 ? parts[0] : .oneOf(parts)
    }
}

extension LiteralRequirement {
    static let shortest = 3

    /// The requirement of a PCRE2 pattern's source; `always` for syntax this
    /// reader does not take apart (extended mode, conditionals, recursion).
    init(pattern: String) {
        var reader = Reader(Array(pattern.unicodeScalars))
        guard let requirement = try? reader.alternation(), reader.atEnd else {
            self = .always
            return
        }
        self = requirement
    }

    private struct Unsupported: Error {}

    /// A recursive-descent reader of the PCRE2 syntax the rules use.
    private struct Reader {
        let scalars: [Unicode.Scalar]
        var position = 0
        init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

        var atEnd: Bool { position >= scalars.count }
        var current: Unicode.Scalar? { atEnd ? nil : scalars[position] }

        /// One piece of a sequence.
        enum Item {
            /// A character a literal may hold (already in lower case).
            case character(Unicode.Scalar)
            /// What ends a literal: text this reader does not spell out (a
            /// class, `\s`, an optional part), or none (an anchor, a
            /// lookaround, an option setting).
            case gap
            /// A group, with what it needs.
            case group(LiteralRequirement)
        }

        /// Branches up to the closing parenthesis of the group (or the end).
        mutating func alternation() throws -> LiteralRequirement {
            var branches = [try sequence()]
            while current == "|" {
                position += 1
                branches.append(try sequence())
            }
            return .anyOf(branches)
        }

        mutating func sequence() throws -> LiteralRequirement {
            var items: [Item] = []
            while let scalar = current, scalar != "|", scalar != ")" {
                try item(into: &items)
                if let (minimum, maximum) = try quantifier(), let last = items.popLast() {
                    if minimum == 0 {
                        items.append(.gap)
                    } else if case let .character(character) = last, maximum != 1 {
                        // At least one: the character is needed once, and what follows may come after more of it.
                        items += [.character(character), .gap]
                    } else {
                        items.append(last)
                    }
                }
            }
            var parts: [LiteralRequirement] = []
            var run = ""
            func endRun() {
                if run.utf8.count >= LiteralRequirement.shortest { parts.append(.literal(run)) }
                run = ""
            }
            for item in items {
                switch item {
                case let .character(character): run.unicodeScalars.append(character)
                case .gap: endRun()
                case let .group(requirement):
                    endRun()
                    parts.append(requirement)
                }
            }
            endRun()
            return .allOf(parts)
        }

        /// `?`, `*`, `+` or `{n,m}` (with a lazy or possessive mark): the bounds, nil for none.
        mutating func quantifier() throws -> (Int, Int?)? {
            let bounds: (Int, Int?)
            switch current {
            case "?": bounds = (0, 1)
            case "*": bounds = (0, nil)
            case "+": bounds = (1, nil)
            case "{":
                guard let (braced, end) = braces(from: position) else { return nil }
                bounds = braced
                position = end - 1
            default: return nil
            }
            position += 1
            if current == "?" || current == "+" { position += 1 }
            return bounds
        }

        /// `{n}`, `{n,}`, `{n,m}` or `{,m}` at `start`: the bounds and the index after `}`.
        func braces(from start: Int) -> ((Int, Int?), Int)? {
            var index = start + 1
            var numbers: [String] = [""]
            while index < scalars.count, scalars[index] != "}" {
                let scalar = scalars[index]
                if scalar == "," {
                    guard numbers.count == 1 else { return nil }
                    numbers.append("")
                } else if ("0"..."9").contains(scalar) {
                    numbers[numbers.count - 1].unicodeScalars.append(scalar)
                } else if scalar != " " {
                    return nil
                }
                index += 1
            }
            guard index < scalars.count, numbers.contains(where: { !$0.isEmpty }) else { return nil }
            let minimum = Int(numbers[0]) ?? 0
            let maximum = numbers.count == 1 ? minimum : Int(numbers[1])
            return ((minimum, maximum), index + 1)
        }

        /// Appends the next item; several for `\Q…\E`, whose last a quantifier takes.
        mutating func item(into items: inout [Item]) throws {
            let scalar = scalars[position]
            position += 1
            switch scalar {
            case "(": items.append(try group())
            case "[":
                skipClass()
                items.append(.gap)
            case ".", "^", "$": items.append(.gap)
            case "\\": try escape(into: &items)
            case "*", "+", "?": throw Unsupported()
            default: items.append(Reader.literal(scalar))
            }
        }

        /// A character as a literal holds it, in lower case, or a gap when the
        /// keyword filter would not fold it the way PCRE2's caseless matching does.
        static func literal(_ scalar: Unicode.Scalar) -> Item {
            switch scalar.value {
            case 0x41...0x5A: .character(Unicode.Scalar(scalar.value + 0x20)!)
            // A backslash would read as the start of `\b` in a keyword.
            case 0x5C: .gap
            case 0x20...0x7E: .character(scalar)
            // Latin-1 letters whose other case is Latin-1 too (not ×, ß, ÷, ÿ).
            case 0xC0...0xDE where scalar.value != 0xD7: .character(Unicode.Scalar(scalar.value + 0x20)!)
            case 0xE0...0xFE where scalar.value != 0xF7: .character(scalar)
            default: .gap
            }
        }

        /// After `(`: a group, a lookaround, an option setting or a verb.
        mutating func group() throws -> Item {
            if current == "*" {
                // A verb such as (*UTF) or (*SKIP): no text.
                guard let close = scalars[position...].firstIndex(of: ")") else { throw Unsupported() }
                position = close + 1
                return .gap
            }
            guard current == "?" else { return .group(try groupBody()) }
            position += 1
            guard let kind = current else { throw Unsupported() }
            switch kind {
            case ":", "|", ">":
                position += 1
                return .group(try groupBody())
            case "=", "!":
                position += 1
                _ = try groupBody()
                return .gap
            case "#":
                guard let close = scalars[position...].firstIndex(of: ")") else { throw Unsupported() }
                position = close + 1
                return .gap
            case "<", "P", "'":
                if kind == "<", let next = scalars.dropFirst(position + 1).first, next == "=" || next == "!" {
                    position += 2
                    _ = try groupBody()
                    return .gap
                }
                // A named group: (?<name>…), (?'name'…), (?P<name>…).
                let close: Unicode.Scalar = kind == "'" ? "'" : ">"
                guard kind != "P" || scalars.dropFirst(position + 1).first == "<",
                      let end = scalars[(position + 1)...].firstIndex(of: close) else { throw Unsupported() }
                position = end + 1
                return .group(try groupBody())
            default:
                // Option letters: (?i), (?-i), (?m), or (?i:…) with a group.
                var index = position
                while index < scalars.count, scalars[index] != ")", scalars[index] != ":" {
                    let letter = scalars[index]
                    guard "imnsxJU-^".unicodeScalars.contains(letter) else { throw Unsupported() }
                    // Extended mode makes spaces and # mean something else.
                    if letter == "x" { throw Unsupported() }
                    index += 1
                }
                guard index < scalars.count else { throw Unsupported() }
                position = index + 1
                return scalars[index] == ")" ? .gap : .group(try groupBody())
            }
        }

        /// What a group holds, up to and past its `)`.
        mutating func groupBody() throws -> LiteralRequirement {
            let requirement = try alternation()
            guard current == ")" else { throw Unsupported() }
            position += 1
            return requirement
        }

        /// Past a character class, from just after its `[`.
        mutating func skipClass() {
            if current == "^" { position += 1 }
            if current == "]" { position += 1 }  // a first `]` is itself
            while let scalar = current {
                position += 1
                switch scalar {
                case "\\": position += 1
                case "[" where current == ":":
                    // A POSIX class such as [:alpha:].
                    if let end = scalars[position...].firstIndex(of: "]") { position = end + 1 }
                case "]": return
                default: break
                }
            }
        }

        /// After `\`.
        mutating func escape(into items: inout [Item]) throws {
            guard let scalar = current else { throw Unsupported() }
            position += 1
            switch scalar {
            case "b", "B", "A", "z", "Z", "G", "K", "E": items.append(.gap)
            case "Q":
                // \Q…\E: every character as itself.
                while position < scalars.count {
                    if scalars[position] == "\\", position + 1 < scalars.count, scalars[position + 1] == "E" {
                        position += 2
                        break
                    }
                    items.append(Reader.literal(scalars[position]))
                    position += 1
                }
            case "x":
                guard let value = hexValue() else { throw Unsupported() }
                items.append(Unicode.Scalar(value).map(Reader.literal) ?? .gap)
            case "p", "P", "o", "N":
                // A property or a character by number or name: past its braces or letter.
                if current == "{" {
                    guard let end = scalars[position...].firstIndex(of: "}") else { throw Unsupported() }
                    position = end + 1
                } else if scalar == "p" || scalar == "P" {
                    position += 1
                }
                items.append(.gap)
            case "c":
                position += 1
                items.append(.gap)
            case "0"..."9":
                // A back reference or an octal character.
                while let digit = current, ("0"..."9").contains(digit) { position += 1 }
                items.append(.gap)
            default:
                let value = scalar.value
                // \g and \k name back references in several forms: not taken apart.
                if scalar == "g" || scalar == "k" { throw Unsupported() }
                // Other letters name classes (\s, \w, \d…) and controls (\n, \t…).
                if (0x41...0x5A).contains(value) || (0x61...0x7A).contains(value) { return items.append(.gap) }
                items.append(Reader.literal(scalar))
            }
        }

        /// `\xhh` or `\x{h…}`, from just after the `x`.
        mutating func hexValue() -> UInt32? {
            if current == "{" {
                guard let end = scalars[position...].firstIndex(of: "}") else { return nil }
                let digits = String(String.UnicodeScalarView(scalars[(position + 1)..<end]))
                position = end + 1
                return UInt32(digits, radix: 16)
            }
            var digits = ""
            while digits.count < 2, let scalar = current, scalar.properties.isASCIIHexDigit {
                digits.unicodeScalars.append(scalar)
                position += 1
            }
            return digits.isEmpty ? 0 : UInt32(digits, radix: 16)
        }
    }
}

/// A requirement laid out flat, its literals numbered, for checking on every
/// post without following references: node 0 is the root, and the children
/// of a node sit side by side.
struct RequirementCheck: Sendable {
    private struct Node {
        enum Kind: UInt8 { case literal, all, oneOf }
        var kind: Kind
        /// The literal's number, or the index of the first child.
        var first: Int32
        var count: Int32
    }

    private let nodes: [Node]

    /// Nil when the requirement needs nothing.
    init?(_ requirement: LiteralRequirement, numbers: [String: Int]) {
        guard requirement != .always else { return nil }
        var nodes = [Node(kind: .literal, first: 0, count: 0)]
        func place(_ requirement: LiteralRequirement, at index: Int) {
            switch requirement {
            case .always: preconditionFailure("a requirement that needs nothing is never part of another")
            case let .literal(text): nodes[index] = Node(kind: .literal, first: Int32(numbers[text]!), count: 0)
            case let .all(parts), let .oneOf(parts):
                let first = nodes.count
                nodes += Array(repeating: Node(kind: .literal, first: 0, count: 0), count: parts.count)
                if case .all = requirement {
                    nodes[index] = Node(kind: .all, first: Int32(first), count: Int32(parts.count))
                } else {
                    nodes[index] = Node(kind: .oneOf, first: Int32(first), count: Int32(parts.count))
                }
                for (offset, part) in parts.enumerated() { place(part, at: first + offset) }
            }
        }
        place(requirement, at: 0)
        self.nodes = nodes
    }

    /// Whether a text whose literals `found` holds (by number) meets it.
    func isMet(_ found: KeywordMatches) -> Bool {
        nodes.withUnsafeBufferPointer { nodes in
            func check(_ index: Int) -> Bool {
                let node = nodes[index]
                let children = Int(node.first)..<Int(node.first + node.count)
                switch node.kind {
                case .literal: return found.contains(Int(node.first))
                case .all: return children.allSatisfy(check)
                case .oneOf: return children.contains(where: check)
                }
            }
            return check(0)
        }
    }
}

/// The requirements of a rule set's text patterns (by keyword list: signals,
/// then labels; nil for a rule that needs nothing more) and the scanner that
/// finds their literals, each its own list.
final class LiteralFilter: Sendable {
    private let requirements: [RequirementCheck?]
    private let scanner: KeywordScanner

    init(patterns: [Pattern?]) {
        let needs = patterns.map { $0.map { LiteralRequirement(pattern: $0.source) } ?? .always }
        var literals: [String] = []
        var numbers: [String: Int] = [:]
        for literal in needs.flatMap(\.literals) where numbers[literal] == nil {
            numbers[literal] = literals.count
            literals.append(literal)
        }
        requirements = needs.map { RequirementCheck($0, numbers: numbers) }
        scanner = KeywordScanner(literals.map { [$0] })
    }

    /// Whether `text` holds what list `list`'s pattern needs; `found` keeps
    /// the literals found, looked for on the first call that needs them.
    func allows(_ list: Int, found: inout KeywordMatches?, in text: [UInt8]) -> Bool {
        guard let requirement = requirements[list] else { return true }
        if found == nil { found = scanner.matches(in: text) }
        return requirement.isMet(found!)
    }
}

/// A `LiteralFilter` made once its rules have been asked about enough posts:
/// reading every pattern and building the scanner takes about 8 ms, and the
/// filter saves about 3 µs per post that asks, so a hook's few files or a
/// short export would only lose by it.
final class DeferredLiteralFilter: @unchecked Sendable {
    static let postsBeforeBuilding = 2048
    private let patterns: [Pattern?]
    private let asked = Atomic<Int>(0)
    private let ready = Atomic<Bool>(false)
    private let lock = Mutex(())
    /// Written once, under the lock, before `ready`; read only after `ready`.
    private var filter: LiteralFilter?

    init(patterns: [Pattern?]) { self.patterns = patterns }

    /// The filter, or nil until `postsBeforeBuilding` posts have asked for it.
    var current: LiteralFilter? {
        if ready.load(ordering: .acquiring) { return filter }
        guard asked.wrappingAdd(1, ordering: .relaxed).newValue >= DeferredLiteralFilter.postsBeforeBuilding else { return nil }
        return built
    }

    /// The filter, made now if it is not yet.
    var built: LiteralFilter {
        if ready.load(ordering: .acquiring) { return filter! }
        return lock.withLock { _ in
            if !ready.load(ordering: .acquiring) {
                filter = LiteralFilter(patterns: patterns)
                ready.store(true, ordering: .releasing)
            }
            return filter!
        }
    }
}
