import CPCRE2
import Synchronization

/// Per-pattern compile options. UTF, UCP and invalid-UTF tolerance are always on.
public struct PatternOptions: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let caseInsensitive = PatternOptions(rawValue: PCRE2_CASELESS)
    public static let multiline = PatternOptions(rawValue: PCRE2_MULTILINE)
    public static let dotMatchesNewlines = PatternOptions(rawValue: PCRE2_DOTALL)
    public static let extended = PatternOptions(rawValue: PCRE2_EXTENDED)
}

/// A pattern PCRE2 refused to compile. `offset` is a UTF-8 byte offset into the pattern.
public struct PatternCompileError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public let offset: Int
    public var description: String { "\(message) at pattern offset \(offset)" }
}

/// A match that PCRE2 gave up on: a resource limit was hit or the library failed.
public enum MatchFailure: Error, Sendable, Equatable, CustomStringConvertible {
    case matchLimitExceeded
    case depthLimitExceeded
    case heapLimitExceeded
    case jitStackExhausted
    case library(code: Int32, message: String)

    public var description: String {
        switch self {
        case .matchLimitExceeded: return "match limit exceeded (the pattern backtracks catastrophically on this input)"
        case .depthLimitExceeded: return "backtracking depth limit exceeded"
        case .heapLimitExceeded: return "backtracking heap limit exceeded"
        case .jitStackExhausted: return "JIT stack exhausted"
        case let .library(code, message): return "PCRE2 error \(code): \(message)"
        }
    }
}

/// Bounds on the work a single match attempt may do, so a pathological pattern
/// turns into a `MatchFailure` instead of a hang.
public struct MatchLimits: Sendable, Equatable {
    public var matchLimit: UInt32
    public var depthLimit: UInt32
    public var heapLimitKiB: UInt32
    public static let standard = MatchLimits(matchLimit: 1_000_000, depthLimit: 10_000, heapLimitKiB: 20_000)

    public init(matchLimit: UInt32, depthLimit: UInt32, heapLimitKiB: UInt32) {
        self.matchLimit = matchLimit
        self.depthLimit = depthLimit
        self.heapLimitKiB = heapLimitKiB
    }
}

/// A compiled PCRE2 pattern. Immutable after compilation, so one instance is
/// shared by every thread; each thread brings its own `MatchScratch`.
public final class Pattern: @unchecked Sendable {
    public let source: String
    public let options: PatternOptions
    private let code: OpaquePointer
    /// JIT compilation waits for the first match: a one-post audit touches few of
    /// the library's patterns, and compiling all of them would cost more than
    /// the audit. 0: not tried yet; 1: tried (JIT code present, or none possible).
    private let jitTried = Atomic<UInt8>(0)
    private let jitLock = Mutex<Bool>(false)

    /// Whether PCRE2's JIT compiled this pattern (it is absent on some builds).
    /// Asking compiles it.
    public var isJITCompiled: Bool {
        compileJITOnce()
        return jitLock.withLock { $0 }
    }

    public init(_ source: String, options: PatternOptions = []) throws(PatternCompileError) {
        let flags = options.rawValue | PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF | PCRE2_NEVER_BACKSLASH_C
        var errorCode: Int32 = 0
        var errorOffset: Int = 0
        let utf8 = Array(source.utf8)
        // Posts come with LF or CRLF line ends; ^ and $ must work with both.
        let context = pcre2_compile_context_create_8(nil)
        defer { pcre2_compile_context_free_8(context) }
        pcre2_set_newline_8(context, UInt32(PCRE2_NEWLINE_ANYCRLF))
        let compiled = utf8.withUnsafeBufferPointer { buffer in
            pcre2_compile_8(buffer.baseAddress ?? Pattern.emptyInput, buffer.count, flags, &errorCode, &errorOffset, context)
        }
        guard let compiled else {
            throw PatternCompileError(message: Pattern.errorMessage(errorCode), offset: errorOffset)
        }
        self.source = source
        self.options = options
        self.code = compiled
    }

    /// Compiles the JIT code on first use; PCRE2 must not match with a code
    /// object while another thread JIT-compiles it, hence the lock.
    @inline(__always) private func compileJITOnce() {
        if jitTried.load(ordering: .acquiring) == 1 { return }
        jitLock.withLock { compiled in
            guard jitTried.load(ordering: .acquiring) == 0 else { return }
            compiled = pcre2_jit_compile_8(code, PCRE2_JIT_COMPLETE) == 0
            jitTried.store(1, ordering: .releasing)
        }
    }

    deinit { pcre2_code_free_8(code) }

    /// Whether the pattern matches empty text. Asked when rules load, so it runs
    /// the interpreter rather than compiling JIT code for every pattern.
    public var matchesEmptyText: Bool {
        var minimum: UInt32 = 0
        if pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_MINLENGTH), &minimum) == 0, minimum > 0 { return false }
        guard let data = pcre2_match_data_create_from_pattern_8(code, nil) else { return true }
        defer { pcre2_match_data_free_8(data) }
        return pcre2_match_8(code, Pattern.emptyInput, 0, 0, UInt32(PCRE2_NO_JIT), data, nil) >= 0
    }

    /// Every non-overlapping match, left to right. An empty match is reported once
    /// and the search then resumes without allowing another empty match at the same place.
    public func allMatches(in text: UnsafeBufferPointer<UInt8>,
                           scratch: MatchScratch) throws(MatchFailure) -> [Range<Int>] {
        try eachMatch(in: text, scratch: scratch) { _ in () }.map(\.whole)
    }

    /// Like `allMatches`, with the span of every capture group (index 0 is the
    /// whole match; a group that did not take part is nil). At most 15 groups.
    public func allMatchGroups(in text: UnsafeBufferPointer<UInt8>,
                               scratch: MatchScratch) throws(MatchFailure) -> [[Range<Int>?]] {
        try eachMatch(in: text, scratch: scratch) { groups($0, in: scratch) }.map(\.read)
    }

    /// The loop both of those run: each match's whole span, and what `read`
    /// takes from the match data (given the number of groups set).
    private func eachMatch<Read>(in text: UnsafeBufferPointer<UInt8>, scratch: MatchScratch,
                                 _ read: (Int) -> Read) throws(MatchFailure) -> [(whole: Range<Int>, read: Read)] {
        var found: [(whole: Range<Int>, read: Read)] = []
        var start = 0
        var flags: UInt32 = 0
        while start <= text.count {
            let pairs = try run(in: text, from: start, flags: flags, scratch: scratch)
            guard pairs > 0 else { break }
            let ovector = pcre2_get_ovector_pointer_8(scratch.matchData)!
            let whole = ovector[0]..<ovector[1]
            found.append((whole, read(pairs)))
            start = whole.upperBound
            flags = whole.isEmpty ? PCRE2_NOTEMPTY_ATSTART : 0
        }
        return found
    }

    /// Convenience for callers holding a byte array.
    public func allMatches(in bytes: [UInt8], scratch: MatchScratch) throws(MatchFailure) -> [Range<Int>] {
        try bytes.withUnsafeBufferPointer { buffer throws(MatchFailure) in try allMatches(in: buffer, scratch: scratch) }
    }

    /// The first match at or after `start` with the span of every capture group
    /// (index 0 is the whole match), or nil.
    public func firstMatchGroups(in text: UnsafeBufferPointer<UInt8>, from start: Int = 0,
                                 scratch: MatchScratch) throws(MatchFailure) -> [Range<Int>?]? {
        try match(in: text, from: start, flags: 0, scratch: scratch)
    }

    /// The first match at or after `start`, as a UTF-8 byte range.
    public func firstMatch(in text: UnsafeBufferPointer<UInt8>, from start: Int = 0,
                           scratch: MatchScratch) throws(MatchFailure) -> Range<Int>? {
        try wholeMatch(in: text, from: start, flags: 0, scratch: scratch)
    }

    /// Runs PCRE2: the number of groups set (at least 1), or 0 for no match.
    private func run(in text: UnsafeBufferPointer<UInt8>, from start: Int, flags: UInt32,
                     scratch: MatchScratch) throws(MatchFailure) -> Int {
        compileJITOnce()
        let subject = text.baseAddress ?? Pattern.emptyInput
        let rc: Int32
        if !scratch.timed {
            rc = pcre2_match_8(code, subject, text.count, start, flags, scratch.matchData, scratch.context)
        } else {
            let started = ContinuousClock.now
            rc = pcre2_match_8(code, subject, text.count, start, flags, scratch.matchData, scratch.context)
            scratch.times.record(self, took: started.duration(to: .now))
        }
        if rc == PCRE2_ERROR_NOMATCH { return 0 }
        if rc < 0 { throw Pattern.failure(rc) }
        // rc == 0 means the ovector was too small for every group; the pairs it has are set.
        return rc == 0 ? Int(pcre2_get_ovector_count_8(scratch.matchData)) : Int(rc)
    }

    /// The whole match only, without building the list of groups.
    private func wholeMatch(in text: UnsafeBufferPointer<UInt8>, from start: Int, flags: UInt32,
                            scratch: MatchScratch) throws(MatchFailure) -> Range<Int>? {
        guard try run(in: text, from: start, flags: flags, scratch: scratch) > 0 else { return nil }
        let ovector = pcre2_get_ovector_pointer_8(scratch.matchData)!
        return ovector[0]..<ovector[1]
    }

    private func match(in text: UnsafeBufferPointer<UInt8>, from start: Int, flags: UInt32,
                       scratch: MatchScratch) throws(MatchFailure) -> [Range<Int>?]? {
        let pairs = try run(in: text, from: start, flags: flags, scratch: scratch)
        return pairs > 0 ? groups(pairs, in: scratch) : nil
    }

    /// The span of each of the `pairs` groups the last match set.
    private func groups(_ pairs: Int, in scratch: MatchScratch) -> [Range<Int>?] {
        let ovector = pcre2_get_ovector_pointer_8(scratch.matchData)!
        return (0..<pairs).map { index in
            let lower = ovector[2 * index], upper = ovector[2 * index + 1]
            return lower == Pattern.unset ? nil : lower..<upper
        }
    }

    /// PCRE2_UNSET: size_t's maximum, which Swift sees as a negative Int.
    private static let unset = Int(bitPattern: UInt.max)

    private static func failure(_ rc: Int32) -> MatchFailure {
        switch rc {
        case PCRE2_ERROR_MATCHLIMIT: return .matchLimitExceeded
        case PCRE2_ERROR_DEPTHLIMIT: return .depthLimitExceeded
        case PCRE2_ERROR_HEAPLIMIT: return .heapLimitExceeded
        case PCRE2_ERROR_JIT_STACKLIMIT: return .jitStackExhausted
        default: return .library(code: rc, message: errorMessage(rc))
        }
    }

    static func errorMessage(_ code: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let length = pcre2_get_error_message_8(code, &buffer, buffer.count)
        return length > 0 ? String(decoding: buffer[0..<Int(length)], as: UTF8.self) : "unknown PCRE2 error \(code)"
    }

    /// PCRE2 wants a non-null subject even when it is empty.
    private nonisolated(unsafe) static let emptyInput: UnsafePointer<UInt8> = {
        let pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        pointer.initialize(to: 0)
        return UnsafePointer(pointer)
    }()

    /// Whether this PCRE2 build has a JIT compiler.
    public static var jitAvailable: Bool {
        var value: UInt32 = 0
        return pcre2_config_8(UInt32(PCRE2_CONFIG_JIT), &value) >= 0 && value == 1
    }
}

/// Per-thread match state: PCRE2 match data, a match context carrying the limits,
/// and a JIT stack. Never share one between threads.
public final class MatchScratch {
    let matchData: OpaquePointer
    let context: OpaquePointer
    private let jitStack: OpaquePointer?
    public let limits: MatchLimits
    /// Whether matches made with this scratch are timed.
    public let timed: Bool
    /// What each pattern took since the scratch was made or its times were taken.
    public fileprivate(set) var times = MatchTimes()

    public init(limits: MatchLimits = .standard, timed: Bool = false) {
        self.limits = limits
        self.timed = timed
        matchData = pcre2_match_data_create_8(16, nil)!
        context = pcre2_match_context_create_8(nil)!
        pcre2_set_match_limit_8(context, limits.matchLimit)
        pcre2_set_depth_limit_8(context, limits.depthLimit)
        pcre2_set_heap_limit_8(context, limits.heapLimitKiB)
        jitStack = pcre2_jit_stack_create_8(32 * 1024, 1024 * 1024, nil)
        if let jitStack { pcre2_jit_stack_assign_8(context, nil, UnsafeMutableRawPointer(jitStack)) }
    }

    /// The times kept so far; keeping starts again from nothing.
    public func takeTimes() -> MatchTimes {
        defer { times = MatchTimes() }
        return times
    }

    deinit {
        if let jitStack { pcre2_jit_stack_free_8(jitStack) }
        pcre2_match_context_free_8(context)
        pcre2_match_data_free_8(matchData)
    }
}

/// How many times each pattern ran (one `pcre2_match` call each) and how long
/// those calls took in all: what makes a rule slow, for `candor audit --timing`.
public struct MatchTimes: Sendable {
    public struct Entry: Sendable, Equatable {
        public var calls = 0
        public var time = Duration.zero
        public init() {}

        public static func += (total: inout Entry, more: Entry) {
            total.calls += more.calls
            total.time += more.time
        }
    }

    private var entries: [ObjectIdentifier: Entry] = [:]

    public init() {}

    mutating func record(_ pattern: Pattern, took time: Duration) {
        var run = Entry()
        run.calls = 1
        run.time = time
        entries[ObjectIdentifier(pattern), default: Entry()] += run
    }

    /// What one pattern took; empty when it never ran.
    public subscript(pattern: Pattern) -> Entry { entries[ObjectIdentifier(pattern)] ?? Entry() }

    public var total: Entry { entries.values.reduce(into: Entry()) { $0 += $1 } }

    public mutating func merge(_ other: MatchTimes) {
        for (pattern, entry) in other.entries { entries[pattern, default: Entry()] += entry }
    }
}
