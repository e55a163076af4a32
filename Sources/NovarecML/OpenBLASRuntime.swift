import CBLAS
import Foundation

/// Facts about, and the one fix-up for, the OpenBLAS library loaded into this process.
///
/// OpenBLAS picks its kernels when the library loads. On CPUs it does not recognise it falls back
/// to generic "Prescott" kernels, about 5× slower; `OPENBLAS_CORETYPE` overrides the choice but is
/// only read at load time, so setting it later requires re-executing the process.
public enum OpenBLASRuntime {
    /// The kernel family in use, e.g. "Haswell", "SkylakeX", "Zen" or "Prescott".
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// Threads OpenBLAS uses for one call (process-wide).
    public static var threadCount: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(newValue)) }
    }

    /// The `OPENBLAS_CORETYPE` this CPU should use, from its `/proc/cpuinfo` flags, or nil when
    /// OpenBLAS's own detection should stand.
    public static func recommendedCoreType(cpuInfo: String) -> String? {
        guard let flagsLine = cpuInfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return nil }
        let flags = Set(flagsLine.split(separator: " "))
        if flags.contains("avx512f") && flags.contains("avx512bw") { return "SkylakeX" }
        if flags.contains("avx2") && flags.contains("fma") { return "Haswell" }
        return nil
    }

    /// When OpenBLAS fell back to generic kernels, `OPENBLAS_CORETYPE` is unset and the CPU
    /// supports better ones: sets the variable and re-executes this process (never returns then).
    public static func reexecWithOptimizedKernelsIfNeeded() {
        guard coreName == "Prescott", ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil,
            let cpuInfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
            let coreType = recommendedCoreType(cpuInfo: cpuInfo)
        else { return }
        setenv("OPENBLAS_CORETYPE", coreType, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
    }
}
