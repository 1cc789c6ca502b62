import CandorPCRE
import Dispatch
import Synchronization

/// Audits a stream of posts on several threads and hands the reports back in
/// input order. Posts are taken in bounded chunks, so memory stays flat however
/// long the stream is.
///
/// With more than one worker, each chunk goes whole to one worker thread, which
/// keeps its own match scratch; the caller's thread meanwhile reads the next
/// chunks and reports finished ones in order. At most two chunks per worker are
/// held at any time. A `render` function, when given, turns each report into
/// output text on the workers too. A timed runner keeps what each pattern took
/// (`times`, complete once `flush` returns).
public final class AuditRunner {
    public let auditor: Auditor
    public let options: AuditOptions
    public let workers: Int
    private let chunkSize: Int
    private var pending: [InputItem] = []
    /// How many posts (or problems) `pending` holds: a batch of JSONL lines counts each line.
    private var pendingCount = 0
    /// Chunks handed to the workers, oldest first.
    private var inFlight: [Chunk] = []
    private let pool: WorkerPool?
    private let scratch: MatchScratch
    /// What the workers' patterns took, added up as each chunk finishes.
    private let workerTimes: SharedTimes?
    private let render: Render?
    private let emit: (PostReport, Post, _ rendered: [UInt8]?) -> Void
    private let emitSettled: Settled?
    private let separator: [UInt8]
    private let problem: (InputProblem) -> Void

    /// A report's output text, as UTF-8.
    public typealias Render = @Sendable (PostReport) -> [UInt8]
    /// Consecutive quiet records: their rendered texts joined by the
    /// separator, how many they are, and how many named each market.
    public typealias Settled = (_ rendered: [UInt8], _ count: Int, _ markets: [String: Int]) -> Void

    /// `emitSettled`, when given with `render`, takes the quiet records
    /// (`PostReport.isQuietRecord`) with no diagnostic and no input problem,
    /// a run of them at a time: the worker that made their posts and reports
    /// frees them and joins their rendered texts with `separator`. `emit`
    /// takes every other post.
    public init(auditor: Auditor, options: AuditOptions, workers: Int, chunkSize: Int = 512,
                render: Render? = nil, timed: Bool = false,
                problem: @escaping (InputProblem) -> Void = { _ in },
                separator: [UInt8] = [], emitSettled: Settled? = nil,
                emit: @escaping (PostReport, Post, _ rendered: [UInt8]?) -> Void) {
        self.auditor = auditor
        self.options = options
        self.workers = max(1, workers)
        self.chunkSize = chunkSize
        self.render = render
        self.emit = emit
        self.emitSettled = render == nil ? nil : emitSettled
        self.separator = separator
        self.problem = problem
        scratch = MatchScratch(timed: timed)
        let workerTimes = timed && workers > 1 ? SharedTimes() : nil
        self.workerTimes = workerTimes
        let settles = self.emitSettled != nil
        pool = workers > 1 ? WorkerPool(threads: workers, timed: timed) { chunk, scratch in
            chunk.outcomes = AuditRunner.outcomes(of: chunk.items, auditor: auditor, options: options, render: render,
                                                  settles: settles, separator: separator, scratch: scratch)
            // Freed here rather than on the thread that writes the reports.
            chunk.items = []
            if scratch.timed { workerTimes?.times.withLock { $0.merge(scratch.takeTimes()) } }
        } : nil
    }

    /// What each pattern took on every thread, when the runner is timed.
    public var times: MatchTimes? {
        guard scratch.timed else { return nil }
        var times = scratch.times
        if let workerTimes { times.merge(workerTimes.times.withLock { $0 }) }
        return times
    }

    deinit { pool?.stop() }

    public func add(_ post: Post) { add(.post(post)) }

    public func add(_ item: InputItem) {
        guard case var .jsonLines(batch) = item else { return append(item, count: 1) }
        // A block of lines is cut to fit the chunks, its pieces sharing its bytes.
        while !batch.lines.isEmpty {
            let room = chunkSize - pendingCount
            guard batch.lines.count > room else { return append(.jsonLines(batch), count: batch.lines.count) }
            let (head, rest) = batch.split(at: room)
            append(.jsonLines(head), count: room)
            batch = rest
        }
    }

    private func append(_ item: InputItem, count: Int) {
        pending.append(item)
        pendingCount += count
        if pendingCount >= chunkSize {
            dispatch(pending)
            pending.removeAll(keepingCapacity: true)
            pendingCount = 0
        }
    }

    /// Audits whatever is buffered and reports everything. Call once the input is exhausted.
    public func flush() {
        // The last chunk is shared out, so a short input (a hook's few files) still uses every worker.
        let share = max(1, (pendingCount + workers - 1) / workers)
        var chunk: [InputItem] = []
        var count = 0
        for item in pending {
            var item = item
            while case let .jsonLines(batch) = item, count + batch.lines.count > share {
                let (head, rest) = batch.split(at: share - count)
                dispatch(chunk + [.jsonLines(head)])
                (chunk, count, item) = ([], 0, .jsonLines(rest))
            }
            chunk.append(item)
            if case let .jsonLines(batch) = item { count += batch.lines.count } else { count += 1 }
            if count >= share {
                dispatch(chunk)
                (chunk, count) = ([], 0)
            }
        }
        dispatch(chunk)
        pending.removeAll()
        pendingCount = 0
        while !inFlight.isEmpty { report(inFlight.removeFirst().wait()) }
    }

    /// What one input item came to. A class: it is made on a worker and read on
    /// this thread, and is passed around rather than copied field by field.
    private final class Outcome: Sendable {
        enum Audited {
            case none
            case post(Post, PostReport, rendered: [UInt8]?)
            /// Batch records with nothing to filter or say (see `emitSettled`).
            case settled(rendered: [UInt8], count: Int, markets: [String: Int])
        }
        let problems: [InputProblem]
        let audited: Audited

        init(problems: [InputProblem] = [], audited: Audited = .none) {
            self.problems = problems
            self.audited = audited
        }
    }

    /// What each post of the items came to, in order; consecutive settled
    /// records come to one outcome.
    private static func outcomes(of items: [InputItem], auditor: Auditor, options: AuditOptions, render: Render?,
                                 settles: Bool, separator: [UInt8], scratch: MatchScratch) -> [Outcome] {
        var outcomes: [Outcome] = []
        var run = (rendered: [UInt8](), count: 0, markets: [String: Int]())
        func endRun() {
            guard run.count > 0 else { return }
            outcomes.append(Outcome(audited: .settled(rendered: run.rendered, count: run.count, markets: run.markets)))
            run = ([], 0, [:])
        }
        func add(_ post: Post?, problems: [InputProblem]) {
            guard let post else {
                endRun()
                return outcomes.append(Outcome(problems: problems))
            }
            let report = auditor.audit(post, options: options, scratch: scratch)
            let rendered = render?(report)
            if settles, let rendered, problems.isEmpty, report.isQuietRecord, report.diagnostics.isEmpty {
                if run.count > 0 { run.rendered += separator }
                run.rendered += rendered
                run.count += 1
                if let market = report.market { run.markets[market, default: 0] += 1 }
                return
            }
            endRun()
            outcomes.append(Outcome(problems: problems, audited: .post(post, report, rendered: rendered)))
        }
        for item in items {
            switch item {
            case let .problem(problem):
                endRun()
                outcomes.append(Outcome(problems: [problem]))
            case let .post(post): add(post, problems: [])
            case let .jsonLines(shared):
                let batch = shared.unshared()
                for line in batch.lines {
                    let (post, problems) = batch.parse(line)
                    add(post, problems: problems)
                }
            }
        }
        endRun()
        return outcomes
    }

    private func report(_ outcomes: [Outcome]) {
        for outcome in outcomes {
            outcome.problems.forEach(problem)
            switch outcome.audited {
            case .none: break
            case let .post(post, report, rendered): emit(report, post, rendered)
            case let .settled(rendered, count, markets): emitSettled?(rendered, count, markets)
            }
        }
    }

    private func dispatch(_ items: [InputItem]) {
        guard !items.isEmpty else { return }
        guard let pool else {
            report(AuditRunner.outcomes(of: items, auditor: auditor, options: options, render: render,
                                        settles: emitSettled != nil, separator: separator, scratch: scratch))
            return
        }
        // Two chunks per worker: one being audited, one waiting, so no worker
        // idles while this thread reads or reports.
        if inFlight.count >= 2 * workers { report(inFlight.removeFirst().wait()) }
        let chunk = Chunk(items: items)
        inFlight.append(chunk)
        pool.submit(chunk)
    }

    private final class SharedTimes: Sendable {
        let times = Mutex(MatchTimes())
    }

    /// Posts audited together by one worker, which writes `outcomes` and empties
    /// `items` before `finished` is signalled; `outcomes` is read only after.
    private final class Chunk: @unchecked Sendable {
        var items: [InputItem]
        var outcomes: [Outcome] = []
        let finished = DispatchSemaphore(value: 0)

        init(items: [InputItem]) { self.items = items }

        func wait() -> [Outcome] {
            finished.wait()
            return outcomes
        }
    }

    /// Long-lived threads, each with its own match scratch, taking chunks in
    /// the order they were submitted.
    private final class WorkerPool: Sendable {
        private let queue = Mutex<[Chunk?]>([])
        private let queued = DispatchSemaphore(value: 0)
        private let threads: Int

        init(threads: Int, timed: Bool, work: @escaping @Sendable (Chunk, MatchScratch) -> Void) {
            self.threads = threads
            // Each thread holds the pool until `stop` ends it. Should the system
            // start fewer threads than asked (`--jobs 64`), those it starts still
            // take every chunk and, in the end, every stop.
            for _ in 0..<threads {
                DispatchQueue.global().async { [self] in
                    let scratch = MatchScratch(timed: timed)
                    while true {
                        queued.wait()
                        // nil asks the thread to stop.
                        guard let chunk = queue.withLock({ $0.removeFirst() }) else { return }
                        work(chunk, scratch)
                        chunk.finished.signal()
                    }
                }
            }
        }

        func submit(_ chunk: Chunk) {
            queue.withLock { $0.append(chunk) }
            queued.signal()
        }

        func stop() {
            for _ in 0..<threads {
                queue.withLock { $0.append(nil) }
                queued.signal()
            }
        }
    }
}
