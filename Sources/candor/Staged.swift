import ArgumentParser
import CandorCore

extension AuditArguments {
    /// `--staged`: the index's posts, with PATHs as git pathspecs.
    func stagedInputs(_ maxBytes: Int) throws -> (sources: [InputSource], problems: [InputProblem]) {
        if paths.contains("-") { throw ValidationError("--staged reads the git index, not stdin") }
        do {
            return try GitStaged.sources(pathspecs: paths, format: inputFormat, maxBytes: maxBytes)
        } catch let failure as Git.Failure {
            writeErr("candor: error: \(failure)\n")
            throw ExitCode(CandorCore.ExitCode.failure)
        } catch {
            writeErr("candor: error: --staged: cannot run git (\(error))\n")
            throw ExitCode(CandorCore.ExitCode.failure)
        }
    }
}
