/// The unified diff of a fix: the lines that differ, with three lines of
/// context, as `patch` and `git apply` read it.
enum UnifiedDiff {
    static func of(path: String, original: [UInt8], fixed: [UInt8]) -> String {
        let before = lines(original), after = lines(fixed)
        // The changed lines lie between the longest common prefix and suffix.
        var prefix = 0
        while prefix < before.count, prefix < after.count, before[prefix] == after[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < before.count - prefix, suffix < after.count - prefix,
              before[before.count - 1 - suffix] == after[after.count - 1 - suffix] { suffix += 1 }
        let first = max(0, prefix - 3)
        let oldEnd = min(before.count, before.count - suffix + 3), newEnd = after.count - (before.count - oldEnd)
        let oldCount = oldEnd - first, newCount = newEnd - first
        // A hunk that covers no old lines is numbered from the line before it.
        let oldStart = oldCount == 0 ? first : first + 1, newStart = newCount == 0 ? first : first + 1
        var text = "--- a/\(path)\n+++ b/\(path)\n@@ -\(oldStart),\(oldCount) +\(newStart),\(newCount) @@\n"
        for index in first..<prefix { text += " " + show(before[index]) }
        for index in prefix..<(before.count - suffix) { text += "-" + show(before[index]) }
        for index in prefix..<(after.count - suffix) { text += "+" + show(after[index]) }
        for index in (before.count - suffix)..<oldEnd { text += " " + show(before[index]) }
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
