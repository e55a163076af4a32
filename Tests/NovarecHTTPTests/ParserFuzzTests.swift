import Foundation
import Testing

/// Runs the seeded mutation fuzzer. 20,000 inputs by default; `NOVAREC_FUZZ_ITERATIONS` and
/// `NOVAREC_FUZZ_SEED` override (deploy/fuzz-http.sh runs a million in a release build).
struct ParserFuzzTests {
    @Test func survivesMutatedRequests() {
        let environment = ProcessInfo.processInfo.environment
        let iterations = environment["NOVAREC_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 20_000
        let seed = environment["NOVAREC_FUZZ_SEED"].flatMap(UInt64.init) ?? 0x6E6F_7661_7265_63
        var fuzzer = ParserFuzzer(seed: seed)
        let started = Date()
        let report = fuzzer.run(iterations: iterations)
        let seconds = Date().timeIntervalSince(started)
        print("parser fuzz (seed \(seed)): \(report) in \(String(format: "%.1f", seconds)) s, max RSS \(maxResidentKilobytes()) KiB")
        #expect(report.inputs == iterations)
        #expect(report.violations.isEmpty, "\(report.violations.prefix(3))")
        #expect(report.requests > 0 && report.failures > 0 && report.incomplete > 0)
    }

    private func maxResidentKilobytes() -> Int {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return usage.ru_maxrss
    }
}
