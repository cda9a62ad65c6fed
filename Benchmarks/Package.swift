// swift-tools-version: 6.1
import PackageDescription

// Benchmarks for Hoso, kept out of the root package so that `swift build` and `swift test` of
// the engine stay fast (ordo-one/benchmark and its dependencies add about a minute to a build).
//
//   swift run -c release hoso-compare              Hoso vs SQLite on identical data, one table
//   swift package benchmark                         ordo-one micro-benchmarks (HosoBenchmarks)
let package = Package(
    name: "HosoBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Hoso", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "hoso-compare",
            dependencies: [
                .product(name: "CSQLite", package: "Hoso"),
                .product(name: "HosoDomain", package: "Hoso"),
                .product(name: "HosoShell", package: "Hoso"),
                .product(name: "HosoStore", package: "Hoso"),
                .product(name: "LMDB", package: "Hoso"),
            ]
        ),
        .executableTarget(
            name: "HosoBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "HosoDomain", package: "Hoso"),
                .product(name: "HosoStore", package: "Hoso"),
                .product(name: "LMDB", package: "Hoso"),
            ],
            path: "Benchmarks/HosoBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
