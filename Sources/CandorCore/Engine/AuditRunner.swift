import CandorPCRE
import Dispatch
import Synchronization

/// Audits a stream of posts on several threads and hands the reports back in
/// input order. Posts are taken in bounded chunks, so memory stays flat however
/// long the stream is.
public final class AuditRunner {
    public let auditor: Auditor
    public let options: AuditOptions
    public let workers: Int
    private let chunkSize: Int
    private var pending: [Post] = []
    private let scratches: [MatchScratch]
    private let emit: (PostReport, Post) -> Void

    public init(auditor: Auditor, options: AuditOptions, workers: Int, chunkSize: Int = 256,
                emit: @escaping (PostReport, Post) -> Void) {
        self.auditor = auditor
        self.options = options
        self.workers = max(1, workers)
        self.chunkSize = chunkSize
        self.emit = emit
        // One scratch per worker slot: slot i is only ever used by iteration i.
        scratches = (0..<max(1, workers)).map { _ in MatchScratch() }
    }

    public func add(_ post: Post) {
        pending.append(post)
        if pending.count >= chunkSize { flush() }
    }

    /// Audits whatever is buffered. Call once the input is exhausted.
    public func flush() {
        guard !pending.isEmpty else { return }
        let posts = pending
        pending.removeAll(keepingCapacity: true)
        let slots = min(workers, posts.count)
        if slots == 1 {
            for post in posts { emit(auditor.audit(post, options: options, scratch: scratches[0]), post) }
            return
        }
        let results = Mutex([PostReport?](repeating: nil, count: posts.count))
        let auditor = self.auditor, options = self.options
        nonisolated(unsafe) let scratches = self.scratches
        DispatchQueue.concurrentPerform(iterations: slots) { slot in
            var local: [(Int, PostReport)] = []
            for index in stride(from: slot, to: posts.count, by: slots) {
                local.append((index, auditor.audit(posts[index], options: options, scratch: scratches[slot])))
            }
            results.withLock { all in for (index, report) in local { all[index] = report } }
        }
        let reports = results.withLock { $0 }
        for (index, report) in reports.enumerated() { emit(report!, posts[index]) }
    }
}
