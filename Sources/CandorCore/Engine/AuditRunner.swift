import CandorPCRE
import Dispatch
import Synchronization

/// Audits a stream of posts on several threads and hands the reports back in
/// input order. Posts are taken in bounded chunks, so memory stays flat however
/// long the stream is.
///
/// With more than one worker the work is pipelined: while the workers parse
/// and audit one chunk, the caller's thread reads the next and reports the
/// previous one. At most two chunks are held at any time. A `render` function,
/// when given, turns each report into output text on the workers too.
public final class AuditRunner {
    public let auditor: Auditor
    public let options: AuditOptions
    public let workers: Int
    private let chunkSize: Int
    private var pending: [InputItem] = []
    private var inFlight: InFlight?
    private let scratches: [MatchScratch]
    private let render: Render?
    private let emit: (PostReport, Post, _ rendered: String?) -> Void
    private let problem: (InputProblem) -> Void

    public typealias Render = @Sendable (PostReport) -> String

    public init(auditor: Auditor, options: AuditOptions, workers: Int, chunkSize: Int = 512,
                render: Render? = nil,
                problem: @escaping (InputProblem) -> Void = { _ in },
                emit: @escaping (PostReport, Post, _ rendered: String?) -> Void) {
        self.auditor = auditor
        self.options = options
        self.workers = max(1, workers)
        self.chunkSize = chunkSize
        self.render = render
        self.emit = emit
        self.problem = problem
        // One scratch per worker slot: slot i is only ever used by iteration i,
        // and only one chunk is audited at a time.
        scratches = (0..<max(1, workers)).map { _ in MatchScratch() }
    }

    public func add(_ post: Post) { add(.post(post)) }

    public func add(_ item: InputItem) {
        pending.append(item)
        if pending.count >= chunkSize { dispatchPending() }
    }

    /// Audits whatever is buffered and reports everything. Call once the input is exhausted.
    public func flush() {
        dispatchPending()
        if let last = inFlight {
            inFlight = nil
            report(last.wait())
        }
    }

    /// What one input item came to.
    private struct Outcome: Sendable {
        var problems: [InputProblem] = []
        var post: Post?
        var report: PostReport?
        var rendered: String?
    }

    private static func outcome(of item: InputItem, auditor: Auditor, options: AuditOptions, render: Render?,
                                scratch: MatchScratch) -> Outcome {
        var outcome: Outcome
        switch item {
        case let .problem(problem): return Outcome(problems: [problem])
        case let .post(post): outcome = Outcome(post: post)
        case let .jsonLine(line):
            let (post, problems) = line.parse()
            outcome = Outcome(problems: problems, post: post)
        }
        outcome.report = outcome.post.map { auditor.audit($0, options: options, scratch: scratch) }
        if let render, let report = outcome.report { outcome.rendered = render(report) }
        return outcome
    }

    private func report(_ outcomes: [Outcome]) {
        for outcome in outcomes {
            outcome.problems.forEach(problem)
            if let report = outcome.report, let post = outcome.post { emit(report, post, outcome.rendered) }
        }
    }

    private func dispatchPending() {
        guard !pending.isEmpty else { return }
        let items = pending
        pending.removeAll(keepingCapacity: true)
        if workers == 1 {
            report(items.map { AuditRunner.outcome(of: $0, auditor: auditor, options: options, render: render, scratch: scratches[0]) })
            return
        }
        let previous = inFlight?.wait()
        inFlight = InFlight(items: items, auditor: auditor, options: options, render: render, scratches: scratches)
        if let previous { report(previous) }
    }

    /// One chunk being audited on the workers.
    private final class InFlight: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private let results: Mutex<[Outcome?]>

        init(items: [InputItem], auditor: Auditor, options: AuditOptions, render: Render?, scratches: [MatchScratch]) {
            results = Mutex([Outcome?](repeating: nil, count: items.count))
            let slots = min(scratches.count, items.count)
            nonisolated(unsafe) let scratches = scratches
            // Each worker takes the next post not yet taken, so a slow post does
            // not leave the other workers idle at the end of the chunk.
            let next = Atomic<Int>(0)
            DispatchQueue.global().async { [self] in
                DispatchQueue.concurrentPerform(iterations: slots) { slot in
                    var local: [(Int, Outcome)] = []
                    while case let index = next.add(1, ordering: .relaxed).oldValue, index < items.count {
                        local.append((index, AuditRunner.outcome(of: items[index], auditor: auditor, options: options, render: render,
                                                                                scratch: scratches[slot])))
                    }
                    results.withLock { all in for (index, outcome) in local { all[index] = outcome } }
                }
                done.signal()
            }
        }

        func wait() -> [Outcome] {
            done.wait()
            return results.withLock { $0.map { $0! } }
        }
    }
}
