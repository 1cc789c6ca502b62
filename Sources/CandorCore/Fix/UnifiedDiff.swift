/// The unified diff of a fix: lines inserted at one place, with three lines of
/// context, as `patch` and `git apply` read it.
enum UnifiedDiff {
    static func insertion(path: String, original: [UInt8], fixed: [UInt8], at line: Int, count: Int) -> String {
        let before = lines(original), after = lines(fixed)
        let first = max(0, line - 3)
        let oldEnd = min(before.count, line + 3)
        let oldCount = oldEnd - first, newCount = oldCount + count
        // A hunk that covers no old lines is numbered from the line before it.
        let oldStart = oldCount == 0 ? first : first + 1
        var text = "--- a/\(path)\n+++ b/\(path)\n@@ -\(oldStart),\(oldCount) +\(first + 1),\(newCount) @@\n"
        for index in first..<line { text += " " + show(before[index]) }
        for index in line..<(line + count) { text += "+" + show(after[index]) }
        for index in line..<oldEnd { text += " " + show(before[index]) }
        return text
    }

    /// Lines with their terminators.
    private static func lines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var result: [ArraySlice<UInt8>] = []
        var start = 0
        for (index, byte) in bytes.enumerated() where byte == 0x0A {
            result.append(bytes[start...index])
            start = index + 1
        }
        if start < bytes.count { result.append(bytes[start...]) }
        return result
    }

    private static func show(_ line: ArraySlice<UInt8>) -> String {
        let text = String(decoding: line, as: UTF8.self)
        return line.last == 0x0A ? text : text + "\n\\ No newline at end of file\n"
    }
}
