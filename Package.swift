// swift-tools-version:6.1
import PackageDescription

/// Strictness shared by every target: Swift 6 mode plus the upcoming features that keep imports honest.
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "niihub",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "niihub", targets: ["niihub"]),
        .executable(name: "niisim", targets: ["niisim"]),
    ],
    // PostgreSQL (postgres-nio and its TLS stack) costs minutes of build, so it is a trait, off by
    // default: `swift build --traits PostgreSQL`. `make test` turns it on.
    traits: [
        .trait(name: "PostgreSQL", description: "The PostgreSQL store (HubStorePostgres on postgres-nio)"),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.20.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.0.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.0.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.30.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        // Property-based tests (generators that shrink a failing input); tests only.
        .package(url: "https://github.com/x-sheep/swift-property-based.git", exact: "2.0.1"),
    ],
    targets: [
        // Values every stage speaks: the inspection event, identifiers, device readings.
        .target(name: "HubModel", swiftSettings: strict),
        // Pure protocol decoders: bytes in, readings out. No I/O, no clocks of their own.
        .target(name: "HubDrivers", dependencies: ["HubModel", "CLibXML2"], swiftSettings: strict),
        // Readings to inspection events v1, and the raw segments they point to.
        .target(
            name: "HubNormalizer",
            dependencies: ["HubModel", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        // libxml2, called directly: N42 documents and WCO declaration XML in one SAX pass (XMLSAXParser).
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        // libudev: USB and tty discovery and hotplug.
        .systemLibrary(name: "CLibUdev", pkgConfig: "libudev", providers: [.apt(["libudev-dev"])]),
        // libumockdev, for tests that fake USB devices and their uevents (run under umockdev-wrapper).
        .systemLibrary(name: "CUMockdev", pkgConfig: "umockdev-1.0", providers: [.apt(["libumockdev-dev"])]),
        // posix_openpt for pseudo-terminals (not exposed by Swift's Glibc module).
        .target(name: "CPseudoTerminal"),
        // Transports (serial/termios), device profiles and site configuration.
        .target(
            name: "HubDevices",
            dependencies: [
                "HubModel", "CPseudoTerminal", "CLibUdev",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Append-only event store and raw frame archive on SQLite.
        .target(
            name: "HubStore",
            dependencies: [
                "HubModel", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // The same store protocol on PostgreSQL, for several hubs sharing one database. Without the
        // PostgreSQL trait it compiles to the opener alone, which refuses `kind: postgres` by name.
        .target(
            name: "HubStorePostgres",
            dependencies: [
                "HubModel", "HubStore", .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio", condition: .when(traits: ["PostgreSQL"])),
            ],
            swiftSettings: strict
        ),
        // Wires a device's transport to its driver, the normalizer and the store, as Services.
        .target(
            name: "HubIngest",
            dependencies: [
                "HubModel", "HubDevices", "HubDrivers", "HubNormalizer", "HubStore", "HubCorrelation",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        // What events mean together: per-lane activity now, passages and declarations later.
        .target(name: "HubCorrelation", dependencies: ["HubModel"], swiftSettings: strict),
        // Seeded worlds to check the hub against: lane traffic with its ground truth, and the checker
        // that grades the passages a hub assembled from it. Pure; shared by niisim, niihub and tests.
        .target(name: "HubSimulation", dependencies: ["HubModel", "HubCorrelation"], swiftSettings: strict),
        // HTTP API over the store and the correlation state; auth, live WebSocket pushes, metrics.
        .target(
            name: "HubServer",
            dependencies: [
                "HubModel", "HubDevices", "HubStore", "HubStorePostgres", "HubIngest", "HubCorrelation", "HubDrivers",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "niihub",
            dependencies: [
                "HubModel", "HubDrivers", "HubNormalizer", "HubDevices", "HubStore", "HubStorePostgres", "HubIngest",
                "HubServer", "HubCorrelation", "HubSimulation", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "niisim",
            dependencies: [
                "HubModel", "HubDrivers", "HubDevices", "HubSimulation",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
            ],
            path: "Simulators/niisim",
            swiftSettings: strict
        ),
        // Test fixtures shared by the test targets: pseudo-terminal pairs, corpus paths, waiting helpers.
        .target(
            name: "HubTesting",
            dependencies: ["HubModel", "HubDevices", "HubStore", "HubStorePostgres", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "HubCorrelationTests",
            dependencies: [
                "HubCorrelation", "HubModel", "HubSimulation", .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "HubModelTests", dependencies: ["HubModel", "HubTesting"], swiftSettings: strict),
        .testTarget(
            name: "HubDriversTests", dependencies: ["HubDrivers", "HubModel", "HubTesting"],
            // Bytes the project recorded from its simulators, named by the family descriptors.
            exclude: ["Captures"], swiftSettings: strict
        ),
        .testTarget(
            name: "HubNormalizerTests",
            dependencies: ["HubNormalizer", "HubDrivers", "HubIngest", "HubDevices", "HubModel", "HubTesting",
                           .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "HubDevicesTests", dependencies: ["HubDevices", "HubModel", "HubTesting"], swiftSettings: strict
        ),
        .testTarget(
            name: "HubStoreTests",
            dependencies: [
                "HubStore", "HubStorePostgres", "HubModel", "HubTesting", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "HubUdevTests",
            dependencies: ["HubDevices", "HubIngest", "HubServer", "HubStore", "HubModel", "HubDrivers", "HubTesting", "CUMockdev",
                           .product(name: "Logging", package: "swift-log"),
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "HubServerTests",
            dependencies: [
                "HubServer", "HubIngest", "HubDevices", "HubStore", "HubStorePostgres", "HubModel", "HubDrivers",
                "HubTesting", "HubCorrelation", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
