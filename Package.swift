// swift-tools-version: 6.0
import PackageDescription

// Data flows one way: capture -> wire -> streams -> filter -> views -> osiscope.
let package = Package(
    name: "osiscope",
    products: [
        .executable(name: "osiscope", targets: ["osiscope"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CPcap",
            pkgConfig: "libpcap",
            providers: [.apt(["libpcap-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(name: "OsiscopeCapture", dependencies: ["CPcap", "CZlib"]),
        .target(name: "OsiscopeWire", dependencies: ["OsiscopeCapture"]),
        .target(
            name: "OsiscopeStreams",
            dependencies: ["OsiscopeWire", "CZlib", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(name: "OsiscopeFilter", dependencies: ["OsiscopeCapture", "OsiscopeWire", "OsiscopeStreams"]),
        .target(name: "OsiscopeViews", dependencies: ["OsiscopeCapture", "OsiscopeWire", "OsiscopeStreams", "OsiscopeFilter"]),
        // Lesson files: their format, the queries that compute answers, how answers are matched.
        // Raw keys, whole-screen frames, the window size: shared by the lesson runner and the explorer.
        .target(name: "OsiscopeTerminal"),
        .target(name: "OsiscopeLessons", dependencies: ["OsiscopeTerminal"]),
        .executableTarget(
            name: "osiscope",
            dependencies: [
                "OsiscopeCapture", "OsiscopeWire", "OsiscopeStreams", "OsiscopeFilter", "OsiscopeViews", "OsiscopeLessons", "OsiscopeTerminal",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            // The JSON Schemas of the JSON Lines outputs: documents, not sources.
            exclude: ["Schemas"]
        ),
        // libFuzzer targets, one binary (scripts/fuzz builds it with the sanitizers and runs each).
        .executableTarget(
            name: "OsiscopeFuzz",
            dependencies: ["OsiscopeCapture", "OsiscopeWire", "OsiscopeStreams", "OsiscopeFilter", "OsiscopeViews", "OsiscopeLessons"]
        ),
        // Helpers shared by the test targets (a seeded random generator, a pipeline recorder).
        .target(name: "OsiscopeTestSupport", dependencies: ["OsiscopeStreams"], path: "Tests/Support"),
        .testTarget(name: "OsiscopeCaptureTests", dependencies: ["OsiscopeCapture", "OsiscopeTestSupport"]),
        .testTarget(name: "OsiscopeWireTests", dependencies: ["OsiscopeWire", "OsiscopeTestSupport"]),
        .testTarget(
            name: "OsiscopeStreamsTests",
            dependencies: [
                "OsiscopeStreams", "OsiscopeCapture", "OsiscopeWire", "OsiscopeTestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(name: "OsiscopeLessonsTests", dependencies: ["OsiscopeLessons", "OsiscopeTerminal"]),
        .testTarget(name: "OsiscopeFilterTests", dependencies: ["OsiscopeFilter", "OsiscopeWire", "OsiscopeCapture", "OsiscopeStreams", "OsiscopeTestSupport"]),
        .testTarget(
            name: "OsiscopeCLITests", dependencies: ["osiscope", "OsiscopeStreams", "OsiscopeWire", "OsiscopeTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "ConformanceTests",
            dependencies: ["OsiscopeStreams", "OsiscopeCapture", "OsiscopeWire", "OsiscopeFilter", "OsiscopeTestSupport"],
            resources: [.copy("Oracle")]
        ),
        .testTarget(
            name: "OsiscopeViewsTests",
            dependencies: ["OsiscopeViews", "OsiscopeCapture", "OsiscopeWire", "OsiscopeStreams", "OsiscopeTestSupport"],
            resources: [.copy("Golden")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
