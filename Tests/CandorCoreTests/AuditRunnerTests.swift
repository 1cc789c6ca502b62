import CandorCore
import CandorPCRE
import Testing

/// The runner hands back, in input order, exactly what one post audited alone
/// gives, however many workers share the chunks and however the chunks fall.
@Suite struct AuditRunnerTests {
    /// Every seventh post gives a discount code; every eleventh item is an input problem.
    static let items: [InputItem] = (0..<200).map { number in
        if number % 11 == 5 { return .problem(InputProblem(path: "batch.jsonl", line: number + 1, message: "bad line")) }
        let text = number % 7 == 0 ? "Use code SAVE\(number) for 20% off at checkout" : "A long walk by the sea, number \(number)."
        return .post(Post(path: "batch.jsonl", record: number + 1, id: "p\(number)", text: SourceText(text)))
    }

    @Test(arguments: [(1, 512), (2, 3), (3, 7), (2, 512), (4, 1)])
    func itemsComeBackInInputOrderWithTheirOwnReports(workers: Int, chunkSize: Int) {
        let auditor = Auditor(rules: shippedRules)
        let options = AuditOptions(jurisdictions: ["us"])
        var order: [Int] = []
        var findings: [Int: [String]] = [:]
        var rendered: [String] = []
        let runner = AuditRunner(auditor: auditor, options: options, workers: workers, chunkSize: chunkSize,
                                 render: { Array("\($0.record!)".utf8) }, problem: { order.append($0.line!) }) { report, post, text in
            order.append(post.record!)
            findings[post.record!] = report.findings.map(\.ruleId)
            rendered.append(String(decoding: text ?? [], as: UTF8.self))
        }
        AuditRunnerTests.items.forEach(runner.add)
        runner.flush()

        #expect(order == Array(1...200))
        #expect(rendered == (1...200).filter { ($0 - 1) % 11 != 5 }.map(String.init))
        for case let .post(post) in AuditRunnerTests.items {
            let alone = auditor.audit(post, options: options, scratch: MatchScratch())
            #expect(findings[post.record!] == alone.findings.map(\.ruleId))
        }
        #expect(findings[1] == ["discount-code.en.code"])
        #expect(findings[2] == [])
    }

    /// A JSONL file read in blocks of lines: a bad line, a blank line, a
    /// carriage return and a byte-order mark among 300 records.
    static let jsonl: [UInt8] = [0xEF, 0xBB, 0xBF] + Array((1...300).map { number in
        switch number {
        case 40: return "{not json"
        case 41: return "   "
        case 42: return #"{"id": "p42", "text": "Use code SAVE42 for 20% off at checkout"}"# + "\r"
        default: return #"{"id": "p\#(number)", "text": "A long walk by the sea, number \#(number)."}"#
        }
    }.joined(separator: "\n").utf8)

    @Test(arguments: [(1, 512), (2, 3), (3, 7), (2, 512), (4, 1), (2, 97)])
    func blocksOfJSONLinesAreCutIntoChunksAndComeBackInOrder(workers: Int, chunkSize: Int) {
        var items: [InputItem] = []
        PostReader(source: InputSource(path: "batch.jsonl", format: .jsonl, contents: AuditRunnerTests.jsonl)).read { items.append($0) }
        // Two blocks: the lines read, then the last line, which has no line break.
        #expect(items.count == 2)
        var order: [Int] = []
        var findings: [Int: [String]] = [:]
        let runner = AuditRunner(auditor: Auditor(rules: shippedRules), options: AuditOptions(jurisdictions: ["us"]), workers: workers,
                                 chunkSize: chunkSize, render: { Array("\($0.record!)".utf8) }, problem: { order.append(-$0.line!) }) { report, post, text in
            #expect(text == Array("\(post.record!)".utf8))
            order.append(post.record!)
            findings[post.record!] = report.findings.map(\.ruleId)
        }
        items.forEach(runner.add)
        runner.flush()

        #expect(order == (1...300).compactMap { $0 == 40 ? -40 : $0 == 41 ? nil : $0 })
        #expect(findings[1] == [] && findings[42] == ["discount-code.en.code"])
    }

    /// With `emitSettled`, batch records with no finding arrive as their
    /// rendered texts joined by the separator, their count and their markets,
    /// a run of consecutive ones at a time; every other post, and every post
    /// that is no batch record, comes whole; and all in input order.
    @Test(arguments: [(1, 512), (2, 3), (3, 7)])
    func quietBatchRecordsAreSettledOnTheWorkers(workers: Int, chunkSize: Int) {
        var items: [InputItem] = AuditRunnerTests.items.prefix(30).map { item in
            guard case let .post(post) = item else { return item }
            var marked = post
            marked.market = "m\(post.record! % 2)"
            return .post(marked)
        }
        // A single-file post (no record number) is never settled, findings or not.
        items.append(.post(Post(path: "post.txt", text: SourceText("A long walk by the sea."))))
        var events: [String] = []
        var settledMarkets: [String: Int] = [:]
        let runner = AuditRunner(auditor: Auditor(rules: shippedRules), options: AuditOptions(jurisdictions: ["us"]), workers: workers,
                                 chunkSize: chunkSize, render: { Array("r\($0.record ?? 0)".utf8) }, problem: { events.append("problem \($0.line!)") },
                                 separator: Array("+".utf8), emitSettled: { rendered, count, markets in
                                     let records = String(decoding: rendered, as: UTF8.self).split(separator: "+")
                                     #expect(records.count == count)
                                     events += records.map { "settled \($0)" }
                                     settledMarkets.merge(markets, uniquingKeysWith: +)
                                 }) { report, post, text in
            events.append("post \(post.record ?? 0) \(report.findings.count > 0) \(text.map { String(decoding: $0, as: UTF8.self) } ?? "-")")
        }
        items.forEach(runner.add)
        runner.flush()

        let numbers = 1...30
        func settles(_ number: Int) -> Bool { (number - 1) % 11 != 5 && (number - 1) % 7 != 0 }
        let expected = numbers.map { number in
            (number - 1) % 11 == 5 ? "problem \(number)" : settles(number) ? "settled r\(number)" : "post \(number) true r\(number)"
        } + ["post 0 false r0"]
        #expect(events == expected)
        #expect(settledMarkets == ["m0": numbers.filter { settles($0) && $0 % 2 == 0 }.count,
                                   "m1": numbers.filter { settles($0) && $0 % 2 == 1 }.count])
    }
}
