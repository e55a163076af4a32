// swift-tools-version:6.0
import PackageDescription

/// Code is compiled for x86-64 CPUs with AVX2 and FMA (Intel Haswell, AMD Zen and later): the
/// softmax, GELU, optimiser and re-ranking loops run 8 lanes wide instead of 4. Set
/// NOVAREC_TARGET_CPU (e.g. `x86-64` for an older CPU, or another LLVM CPU name) to build for
/// another target.
let targetCPU: String? = {
    #if arch(x86_64)
        return Context.environment["NOVAREC_TARGET_CPU"] ?? "haswell"
    #else
        return Context.environment["NOVAREC_TARGET_CPU"]
    #endif
}()
let vectorSettings: [SwiftSetting] = targetCPU.map { [.unsafeFlags(["-target-cpu", $0])] } ?? []

let package = Package(
    name: "Novarec",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "novarec", targets: ["novarec"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0")
    ],
    targets: [
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CEpoll"),
        .target(name: "NovarecCore"),
        .target(name: "NovarecML", dependencies: ["NovarecCore", "CBLAS", "COpenSSL"]),
        .target(name: "NovarecEval", dependencies: ["NovarecCore", "NovarecML"]),
        .target(name: "NovarecText", dependencies: ["NovarecCore", "NovarecML"]),
        .target(name: "NovarecStore", dependencies: ["CLibPQ"]),
        .target(name: "NovarecRank", dependencies: ["NovarecCore"]),
        .target(name: "NovarecService", dependencies: ["NovarecCore", "NovarecML", "NovarecEval", "NovarecRank", "NovarecHTTP", "NovarecStore"]),
        .target(name: "NovarecHTTP", dependencies: ["NovarecCore", "CEpoll", .product(name: "Logging", package: "swift-log")]),
        .target(
            name: "NovarecApp",
            dependencies: [
                "NovarecService", "NovarecHTTP", "NovarecStore", "NovarecML",
                .product(name: "Logging", package: "swift-log")
            ]),
        .executableTarget(
            name: "novarec",
            dependencies: [
                "NovarecCore", "NovarecML", "NovarecEval", "NovarecHTTP", "NovarecRank", "NovarecStore", "NovarecService", "NovarecApp", "NovarecText", "CBLAS", "CEpoll",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser")
            ]
        ),
        .testTarget(name: "NovarecCoreTests", dependencies: ["NovarecCore"]),
        .testTarget(name: "NovarecMLTests", dependencies: ["NovarecML", "NovarecCore"]),
        .testTarget(name: "NovarecEvalTests", dependencies: ["NovarecEval", "NovarecML", "NovarecCore"]),
        .testTarget(name: "NovarecHTTPTests", dependencies: ["NovarecHTTP", "NovarecTestSupport"]),
        .testTarget(name: "NovarecStoreTests", dependencies: ["NovarecStore", "NovarecTestSupport"]),
        .testTarget(name: "NovarecRankTests", dependencies: ["NovarecRank", "NovarecCore"]),
        .testTarget(name: "NovarecTextTests", dependencies: ["NovarecText", "NovarecML", "NovarecTestSupport"]),
        .target(name: "NovarecTestSupport", dependencies: ["NovarecStore"], path: "Tests/NovarecTestSupport"),
        .testTarget(
            name: "NovarecServiceTests",
            dependencies: [
                "NovarecService", "NovarecApp", "NovarecStore", "NovarecHTTP", "NovarecML", "NovarecRank", "NovarecCore",
                "NovarecText", "NovarecTestSupport"
            ]),
        .testTarget(
            name: "NovarecCLITests",
            dependencies: ["novarec", "NovarecStore", "NovarecHTTP", "NovarecTestSupport", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(name: "SystemLibraryTests", dependencies: ["CBLAS", "CLibPQ"])
    ],
    swiftLanguageModes: [.v6]
)

for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + vectorSettings
}
