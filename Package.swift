// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "msgarchive",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "msgarchive", targets: ["msgarchive"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.24.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CLZ4", pkgConfig: "liblz4", providers: [.apt(["liblz4-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .target(name: "FileIO", swiftSettings: strict),
        .target(name: "Codecs", dependencies: ["CZlib", "CLZ4", "CZstd"], swiftSettings: strict),
        .target(
            name: "Segments",
            dependencies: ["Codecs", "FileIO", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict),
        .target(
            name: "Ingest", dependencies: ["Codecs", "FileIO", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict),
        .target(
            name: "ChatExports",
            dependencies: [
                "Ingest", "FileIO", .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict),
        .target(
            name: "Dedup", dependencies: ["FileIO", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict),
        .target(
            name: "SigV4", dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict),
        .target(
            name: "ObjectStore",
            dependencies: [
                "SigV4", "FileIO", "Ledger",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict),
        .target(
            name: "Catalog",
            dependencies: [.product(name: "GRDB", package: "GRDB.swift"), "Segments"],
            swiftSettings: strict),
        .target(
            name: "Ledger", dependencies: ["FileIO", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict),
        .target(name: "SavingsReport", dependencies: ["Ledger"], swiftSettings: strict),
        .target(
            name: "PipelineConfig",
            dependencies: ["Codecs", "Segments", "Ingest", "Ledger", .product(name: "Yams", package: "Yams")],
            swiftSettings: strict),
        .target(
            name: "ArchiveAccess",
            dependencies: [
                "PipelineConfig", "Codecs", "Segments", "Ingest", "Catalog", "ObjectStore", "Ledger",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .target(
            name: "Intake",
            dependencies: [
                "ArchiveAccess", "PipelineConfig", "Codecs", "Segments", "Ingest", "ChatExports", "Dedup", "Catalog",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict),
        .target(
            name: "Run",
            dependencies: [
                "Intake", "ArchiveAccess", "PipelineConfig", "FileIO", "Codecs", "Segments", "Ingest", "Dedup",
                "ObjectStore",
                "Catalog", "Ledger",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict),
        .target(
            name: "ArchiveRead",
            dependencies: [
                "ArchiveAccess", "PipelineConfig", "FileIO", "Codecs", "Segments", "Ingest", "ChatExports", "Dedup",
                "ObjectStore",
                "Catalog", "Ledger",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "msgarchive",
            dependencies: [
                "Run", "ArchiveRead", "Intake", "ArchiveAccess", "PipelineConfig", "ChatExports", "Ledger",
                "SavingsReport", "Segments",
                "Codecs", "FileIO", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .target(
            name: "TestSupport",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/TestSupport", swiftSettings: strict),
        .testTarget(name: "FileIOTests", dependencies: ["FileIO"], swiftSettings: strict),
        .testTarget(name: "CodecsTests", dependencies: ["Codecs", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "SegmentsTests", dependencies: ["Segments", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "IngestTests", dependencies: ["Ingest"], swiftSettings: strict),
        .testTarget(
            name: "ChatExportsTests", dependencies: ["ChatExports", "Ingest", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "DedupTests", dependencies: ["Dedup"], swiftSettings: strict),
        .testTarget(name: "SigV4Tests", dependencies: ["SigV4"], swiftSettings: strict),
        .testTarget(
            name: "ObjectStoreTests",
            dependencies: [
                "ObjectStore", "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "CatalogTests", dependencies: ["Catalog", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict),
        .testTarget(name: "LedgerTests", dependencies: ["Ledger", "SavingsReport"], swiftSettings: strict),
        .testTarget(
            name: "PipelineConfigTests", dependencies: ["PipelineConfig", "Codecs", "Ingest"], swiftSettings: strict),
        .testTarget(name: "ArchiveAccessTests", dependencies: ["ArchiveAccess"], swiftSettings: strict),
        .testTarget(
            name: "IntakeTests",
            dependencies: ["Intake", "ArchiveRead", "PipelineConfig", "Codecs", "Segments", "TestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "RunTests",
            dependencies: [
                "Run", "Intake", "ArchiveAccess", "ArchiveRead", "PipelineConfig", "Catalog", "Ingest", "Segments",
                "Ledger",
                "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "EndToEndTests", dependencies: ["msgarchive", "Segments", "TestSupport"], swiftSettings: strict),
    ]
)

// `scripts/test` checks the codecs' C memory handling under AddressSanitizer with MSGARCHIVE_SANITIZE=codecs. That
// build holds only `Codecs`, the C libraries it uses and the codec suites that need nothing else, so no dependency
// is compiled a second time with the sanitizer: a minute or two instead of a second full build.
if Context.environment["MSGARCHIVE_SANITIZE"] == "codecs" {
    let codecs = package.targets.first { $0.name == "Codecs" }
    let cLibraries = (codecs?.dependencies ?? []).compactMap { dependency -> String? in
        switch dependency {
        case .byNameItem(let name, _), .targetItem(let name, _): name
        default: nil
        }
    }
    let kept = Set(["Codecs"] + cLibraries)
    package.products = []
    package.targets =
        package.targets.filter { kept.contains($0.name) } + [
            .testTarget(
                name: "CodecsTests", dependencies: ["Codecs"], sources: ["ZlibInitFailureTests.swift"],
                swiftSettings: strict)
        ]
}
