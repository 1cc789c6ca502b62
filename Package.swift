// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "candor",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "candor", targets: ["candor"]),
        .library(name: "CandorCore", targets: ["CandorCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        // The C library, found through pkg-config (Debian: libpcre2-dev).
        .systemLibrary(
            name: "CPCRE2",
            pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"]), .brew(["pcre2"])]
        ),
        // CommonMark + GitHub extensions with source positions (Debian: libcmark-gfm-dev).
        .systemLibrary(
            name: "CCmarkGFM",
            pkgConfig: "libcmark-gfm",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"]), .brew(["cmark-gfm"])]
        ),
        // libxml2's HTML parser (Debian: libxml2-dev).
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"]), .brew(["libxml2"])]
        ),
        // The only Swift module that touches PCRE2.
        .target(name: "CandorPCRE", dependencies: ["CPCRE2"]),
        // The engine: rules, inputs, auditing and reports. Embeddable.
        .target(
            name: "CandorCore",
            dependencies: ["CandorPCRE", "CCmarkGFM", "CLibXML2", .product(name: "Yams", package: "Yams")]
        ),
        // The command-line tool: a thin layer over CandorCore.
        .executableTarget(
            name: "candor",
            dependencies: ["CandorCore", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            // mimalloc replaces the C library's malloc for the whole process (Debian:
            // libmimalloc-dev): reports are made on the workers and freed on the
            // writing thread, which glibc's malloc handles slowly. See BENCHMARKS.md.
            linkerSettings: [.linkedLibrary("mimalloc", .when(platforms: [.linux]))]
        ),
        .testTarget(name: "CandorPCRETests", dependencies: ["CandorPCRE"]),
        // Fixtures are read from the source tree by path, not bundled.
        .testTarget(name: "CandorCoreTests", dependencies: ["CandorCore"], exclude: ["Fixtures"]),
        .testTarget(name: "CandorCLITests", dependencies: ["candor"]),
    ]
)
