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
        // X.509 chains and their verification for signed inspection packages (HubPackage).
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.10.0"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.3.0"),
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
        // Scanner images decoded to one typed value (PGM, PNG, TIFF, uncompressed DICOS/DICOM, dual-energy
        // pairs), every size checked against a pixel cap before anything is allocated. Pure: bytes in.
        .target(name: "HubImaging", dependencies: ["HubModel", "CLibPNG", "CLibTIFF"], swiftSettings: strict),
        // Readings to inspection events v1, and the raw segments they point to.
        .target(
            name: "HubNormalizer",
            dependencies: ["HubModel", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        // libxml2, called directly: N42 documents and WCO declaration XML in one SAX pass (XMLSAXParser).
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        // libpng (its simplified png_image API, which keeps setjmp inside C) and libtiff (read from
        // memory through TIFFClientOpenExt): PNG and TIFF scanner images for HubImaging.
        .systemLibrary(name: "CLibPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CLibTIFF", pkgConfig: "libtiff-4", providers: [.apt(["libtiff-dev"])]),
        // libudev: USB and tty discovery and hotplug.
        .systemLibrary(name: "CLibUdev", pkgConfig: "libudev", providers: [.apt(["libudev-dev"])]),
        // libumockdev, for tests that fake USB devices and their uevents (run under umockdev-wrapper).
        .systemLibrary(name: "CUMockdev", pkgConfig: "umockdev-1.0", providers: [.apt(["libumockdev-dev"])]),
        // posix_openpt for pseudo-terminals (not exposed by Swift's Glibc module).
        .target(name: "CPseudoTerminal"),
        // Device profiles, the devices a site binds, their registry, and the OS endpoints they are
        // reached through (serial ports and pseudo-terminals, udev); YAML documents read with their place.
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
        // The site configuration: store, HTTP, TLS, login and auth limits, passages, risk, feed, forward,
        // retention, and the devices of the site (bound to their profiles from HubDevices).
        .target(
            name: "HubSite",
            dependencies: ["HubModel", "HubDevices", .product(name: "Yams", package: "Yams")],
            swiftSettings: strict
        ),
        // Append-only event store and raw frame archive on SQLite.
        .target(
            name: "HubStore",
            dependencies: [
                "HubModel", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto"),
                // SQLite's C interface, for the rows every stored report writes (`SQLiteRowInsert`).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
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
        // Bytes to stored events: a link's decoder, the sink that commits batches in groups, device
        // health, hub-authored events, and the correlation services the sink feeds.
        .target(
            name: "HubIngest",
            dependencies: [
                "HubModel", "HubDevices", "HubDrivers", "HubNormalizer", "HubStore", "HubCorrelation",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        // How bytes reach the hub, as Services that feed the ingest sink: serial and TCP streams, TCP and
        // UDP listeners, file drops, USB hotplug, and the supervisor that starts and reloads them.
        .target(
            name: "HubTransports",
            dependencies: [
                "HubModel", "HubDevices", "HubDrivers", "HubIngest", "HubStore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // What leaves the hub: the risk feed's webhook, store-and-forward to a central hub, over one
        // shared HTTP client (OutboundHTTP), and notifications by e-mail (a small SMTP client) and webhook.
        .target(
            name: "HubDelivery",
            dependencies: [
                "HubModel", "HubSite", "HubStore",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // Signed inspection-result packages: a declaration's evidence (raw bytes, event bodies, images,
        // N42 documents) in one POSIX tar with a manifest, its chain proofs, and an ECDSA P-256
        // signature under an X.509 chain; written from a store and verified offline.
        .target(
            name: "HubPackage",
            dependencies: [
                "HubModel", "HubStore", "HubDrivers",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: strict
        ),
        // What events mean together: per-lane activity now, passages and declarations later.
        .target(name: "HubCorrelation", dependencies: ["HubModel"], swiftSettings: strict),
        // Seeded worlds to check the hub against: lane traffic with its ground truth, and the checker
        // that grades the passages a hub assembled from it; the mail sink's SMTP session and message reader.
        // Pure; shared by niisim, niihub and tests.
        .target(name: "HubSimulation", dependencies: ["HubModel", "HubCorrelation"], swiftSettings: strict),
        // HTTP API over the store and the correlation state; auth, live WebSocket pushes, metrics, TLS.
        .target(
            name: "HubServer",
            dependencies: [
                "HubModel", "HubDevices", "HubSite", "HubStore", "HubIngest", "HubTransports", "HubCorrelation", "HubDrivers", "HubImaging",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // The composition root: one hub for one site, its store, devices, correlation, delivery and HTTP
        // server as one ServiceGroup, and the reload of its configuration while it runs.
        .target(
            name: "HubApp",
            dependencies: [
                "HubModel", "HubDevices", "HubSite", "HubStore", "HubStorePostgres", "HubIngest", "HubTransports",
                "HubDelivery", "HubCorrelation", "HubDrivers", "HubServer", "HubPackage",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "niihub",
            dependencies: [
                "HubModel", "HubDrivers", "HubNormalizer", "HubDevices", "HubSite", "HubStore", "HubStorePostgres", "HubIngest",
                "HubApp", "HubCorrelation", "HubSimulation", "HubPackage",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "niisim",
            dependencies: [
                "HubModel", "HubDrivers", "HubDevices", "HubSimulation", "HubImaging",
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
        // A whole hub started in-process on a temporary site (HubHarness), for the suites that test a
        // part through the running application: server, ingest, transports, delivery, app and system.
        .target(
            name: "HubAppTesting",
            dependencies: [
                "HubApp", "HubServer", "HubSite", "HubDevices", "HubDrivers", "HubTesting", "HubPackage",
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                // A partner administration's CA and signed package (PartnerFixture).
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "HubCorrelationTests",
            dependencies: [
                "HubCorrelation", "HubModel", "HubSimulation", .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: strict
        ),
        // Package layout, signing and offline verification; `niihub package` as a child process.
        .testTarget(
            name: "HubPackageTests",
            dependencies: [
                "HubPackage", "HubStore", "HubStorePostgres", "HubModel", "HubTesting", "HubAppTesting", "HubApp",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "HubImagingTests", dependencies: ["HubImaging", "HubModel"], swiftSettings: strict),
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
            name: "HubSiteTests", dependencies: ["HubSite", "HubDevices", "HubModel", "HubTesting"], swiftSettings: strict
        ),
        .testTarget(
            name: "HubStoreTests",
            dependencies: [
                "HubStore", "HubStorePostgres", "HubModel", "HubTesting", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Decode and commit, device health, retention and the correlation stages' queues.
        .testTarget(
            name: "HubIngestTests",
            dependencies: [
                "HubIngest", "HubCorrelation", "HubApp", "HubAppTesting", "HubServer", "HubDevices", "HubStore", "HubStorePostgres",
                "HubModel", "HubTesting", .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // TCP, UDP, file drops, serial ports and hostile clients, through the transports' services.
        .testTarget(
            name: "HubTransportsTests",
            dependencies: [
                "HubTransports", "HubIngest", "HubApp", "HubAppTesting", "HubServer", "HubSite", "HubDevices", "HubDrivers",
                "HubStore", "HubModel", "HubTesting", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // The webhook and store-and-forward, over plain links the test cuts and over TLS.
        .testTarget(
            name: "HubDeliveryTests",
            dependencies: [
                "HubDelivery", "HubApp", "HubAppTesting", "HubServer", "HubSite", "HubDevices", "HubStore", "HubModel", "HubImaging", "HubDrivers",
                "HubTesting", "HubSimulation", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strict
        ),
        // The application: configuration reloaded while the hub runs.
        .testTarget(
            name: "HubAppTests",
            dependencies: ["HubApp", "HubAppTesting", "HubServer", "HubSite", "HubIngest", "HubDevices", "HubModel", "HubTesting"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "HubUdevTests",
            dependencies: ["HubDevices", "HubSite", "HubIngest", "HubApp", "HubServer", "HubStore", "HubModel", "HubDrivers", "HubTesting", "CUMockdev",
                           .product(name: "Logging", package: "swift-log"),
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
            swiftSettings: strict
        ),
        // The HTTP layer: routes, auth, login limits, TLS, OpenAPI, malformed bodies.
        .testTarget(
            name: "HubServerTests",
            dependencies: [
                "HubServer", "HubApp", "HubAppTesting", "HubSite", "HubDevices", "HubDrivers", "HubIngest", "HubStore", "HubTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strict
        ),
        // The system: the built executables as child processes (niihub, niisim), crash and restart,
        // whole hubs fed by simulators and scenarios, the browser, shared PostgreSQL, end-to-end flows.
        .testTarget(
            name: "HubSystemTests",
            dependencies: [
                "HubApp", "HubAppTesting", "HubServer", "HubIngest", "HubCorrelation", "HubSite", "HubDevices", "HubDrivers",
                "HubStore", "HubStorePostgres", "HubModel", "HubImaging", "HubTesting", "HubDelivery", "HubPackage",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
