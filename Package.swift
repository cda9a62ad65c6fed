// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Hoso",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "LMDB", targets: ["LMDB"]),
        .library(name: "HosoStore", targets: ["HosoStore"]),
        .library(name: "HosoDomain", targets: ["HosoDomain"]),
        .library(name: "HosoReports", targets: ["HosoReports"]),
        .library(name: "HosoShell", targets: ["HosoShell"]),
        // The system SQLite the shell runs SQL with; the benchmarks' comparison uses it too.
        .library(name: "CSQLite", targets: ["CSQLite"]),
        .executable(name: "hoso", targets: ["hoso"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // AES-GCM, Curve25519 and HMAC for sealing personal fields (BoringSSL on Linux).
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        .systemLibrary(name: "CLMDB", pkgConfig: "lmdb", providers: [.apt(["liblmdb-dev"])]),
        .target(name: "LMDB", dependencies: ["CLMDB"]),
        .target(name: "HosoStore", dependencies: ["LMDB", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "HosoDomain", dependencies: ["HosoStore"], exclude: ["Interchange/FORMATS.md"], resources: [.copy("Resources")]),
        .target(name: "HosoReports", dependencies: ["HosoDomain"],
                resources: [.copy("Resources")]),
        .systemLibrary(name: "CLibEdit", providers: [.apt(["libedit-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .target(name: "HosoShell", dependencies: ["HosoDomain", "CLibEdit", "CSQLite"]),
        .executableTarget(name: "hoso", dependencies: [
            "HosoDomain", "HosoShell", "HosoReports",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .target(name: "DocExampleSupport", path: "Tests/DocExampleSupport"),
        .testTarget(name: "LMDBTests", dependencies: ["LMDB", "DocExampleSupport"]),
        .testTarget(name: "HosoStoreTests", dependencies: ["HosoStore", "DocExampleSupport", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "HosoDomainTests", dependencies: ["HosoDomain", "DocExampleSupport"]),
        .testTarget(name: "HosoReportsTests", dependencies: ["HosoReports", "DocExampleSupport"], exclude: ["Scripts"]),
        .testTarget(name: "HosoShellTests", dependencies: ["HosoShell", "CSQLite", "DocExampleSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
