import Foundation

/// How SARIF and GitHub annotations name a report's file: relative to the
/// current directory when it lies under it (code-scanning tools resolve paths
/// against the checkout), else absolute.
enum ReportPath {
    /// `nil` for stdin, which has no file to point at.
    static func relative(_ path: String, base: String = FileManager.default.currentDirectoryPath) -> String? {
        guard path != "-" else { return nil }
        let absolute = self.absolute(path, base: base)
        let prefix = base.hasSuffix("/") ? base : base + "/"
        return absolute.hasPrefix(prefix) ? String(absolute.dropFirst(prefix.count)) : nil
    }

    /// The path made absolute against `base`, with `.` and `..` resolved.
    static func absolute(_ path: String, base: String = FileManager.default.currentDirectoryPath) -> String {
        URL(fileURLWithPath: path.hasPrefix("/") ? path : base + "/" + path).standardized.path
    }

    /// A path as a URI reference: each byte outside a path's allowed characters
    /// percent-encoded, and `:` too, so `a:b.txt` cannot read as a scheme.
    static func uri(_ path: String) -> String {
        path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
    }

    private static let allowed = CharacterSet.urlPathAllowed.subtracting(CharacterSet(charactersIn: ":"))
}
