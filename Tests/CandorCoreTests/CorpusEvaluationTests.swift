import CandorCore
import CandorPCRE
import Foundation
import Testing

/// Precision and recall of relationship detection, per category, over a corpus
/// of posts in six languages labelled by hand (Fixtures/labelled-posts.jsonl).
/// Evidence at `note` level (an unverifiable short link) is a hint, not a
/// detected relationship, so it is not counted.
@Suite struct CorpusEvaluationTests {
    struct LabelledPost {
        let id: String
        let text: String
        let platform: Platform?
        let truth: Set<Category>
    }

    static let corpus: [LabelledPost] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/labelled-posts.jsonl")
        guard let data = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        return data.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let id = object["id"] as? String, let text = object["text"] as? String,
                  let truth = object["relationships"] as? [String] else { return nil }
            return LabelledPost(id: id, text: text, platform: (object["platform"] as? String).flatMap(Platform.init(rawValue:)),
                                truth: Set(truth.compactMap(Category.init(rawValue:))))
        }
    }()

    @Test func theCorpusIsLargeAndBalanced() {
        #expect(Self.corpus.count >= 300)
        for category in Category.allCases {
            #expect(Self.corpus.filter { $0.truth.contains(category) }.count >= 10, "too few \(category.rawValue) posts")
        }
        #expect(Self.corpus.filter { $0.truth.isEmpty }.count >= 60)
    }

    @Test func precisionAndRecallPerCategoryAreAtLeast95Percent() {
        let auditor = Auditor(rules: shippedRules)
        let scratch = MatchScratch()
        var truePositives: [Category: Int] = [:], falsePositives: [Category: Int] = [:], falseNegatives: [Category: Int] = [:]
        var mistakes: [String] = []
        for post in Self.corpus {
            let report = auditor.audit(Post(path: post.id, text: SourceText(post.text), platform: post.platform),
                                       options: AuditOptions(), scratch: scratch)
            let found = Set(report.relationships.filter { relationship in
                relationship.evidence.contains { evidence in shippedRules.signals.first { $0.id == evidence.ruleId }.map { $0.severity >= .warning } ?? false }
            }.map(\.category))
            for category in Category.allCases {
                switch (post.truth.contains(category), found.contains(category)) {
                case (true, true): truePositives[category, default: 0] += 1
                case (false, true):
                    falsePositives[category, default: 0] += 1
                    mistakes.append("\(post.id): false \(category.rawValue): \(post.text.prefix(120))")
                case (true, false):
                    falseNegatives[category, default: 0] += 1
                    mistakes.append("\(post.id): missed \(category.rawValue): \(post.text.prefix(120))")
                case (false, false): break
                }
            }
        }
        var table = "category        precision  recall  (tp fp fn)\n"
        for category in Category.allCases {
            let tp = Double(truePositives[category] ?? 0), fp = Double(falsePositives[category] ?? 0), fn = Double(falseNegatives[category] ?? 0)
            let precision = tp + fp == 0 ? 1 : tp / (tp + fp), recall = tp + fn == 0 ? 1 : tp / (tp + fn)
            table += "\(category.rawValue.padding(toLength: 15, withPad: " ", startingAt: 0)) \(String(format: "%.3f", precision))      \(String(format: "%.3f", recall))   (\(Int(tp)) \(Int(fp)) \(Int(fn)))\n"
            #expect(precision >= 0.95, "precision for \(category.rawValue) is \(precision)")
            #expect(recall >= 0.95, "recall for \(category.rawValue) is \(recall)")
        }
        print(table)
        if !mistakes.isEmpty { print(mistakes.joined(separator: "\n")) }
    }
}
