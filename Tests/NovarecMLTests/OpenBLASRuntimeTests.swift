import NovarecML
import Testing

struct OpenBLASRuntimeTests {
    @Test func recommendsKernelsFromCPUFlags() {
        #expect(OpenBLASRuntime.recommendedCoreType(cpuInfo: "model\t: 207\nflags\t: fpu sse avx2 fma avx512f avx512bw\n") == "SkylakeX")
        #expect(OpenBLASRuntime.recommendedCoreType(cpuInfo: "flags\t: fpu avx avx2 fma\n") == "Haswell")
        #expect(OpenBLASRuntime.recommendedCoreType(cpuInfo: "flags\t: fpu sse3\n") == nil)
        #expect(OpenBLASRuntime.recommendedCoreType(cpuInfo: "") == nil)
    }

    @Test func reportsTheLoadedKernel() {
        #expect(!OpenBLASRuntime.coreName.isEmpty)
        #expect(OpenBLASRuntime.threadCount >= 1)
    }
}
