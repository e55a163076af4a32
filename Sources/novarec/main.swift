import ArgumentParser
import Foundation
import NovarecML

OpenBLASRuntime.reexecWithOptimizedKernelsIfNeeded()
let (arguments, sources) = EnvironmentArguments.merge(Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment)
do {
    var command = try NovarecCommand.parseAsRoot(arguments)
    try command.run()
} catch {
    if !sources.isEmpty, NovarecCommand.exitCode(for: error) == .validationFailure {
        FileHandle.standardError.write(Data("Options from the environment: \(sources.joined(separator: ", "))\n".utf8))
    }
    NovarecCommand.exit(withError: error)
}
