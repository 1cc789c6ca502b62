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
                                 render: { "\($0.record!)" }, problem: { order.append($0.line!) }) { report, post, text in
            order.append(post.record!)
            findings[post.record!] = report.findings.map(\.ruleId)
            rendered.append(text ?? "")
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
}
