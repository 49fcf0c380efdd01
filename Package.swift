// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "reld",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "reld", targets: ["reld"]),
        .executable(name: "relctl", targets: ["relctl"]),
        .executable(name: "relhub", targets: ["relhub"]),
        // Libraries only so that the fuzz/ package can link the decoders it fuzzes.
        .library(name: "RelModel", targets: ["RelModel"]),
        .library(name: "RelControlAPI", targets: ["RelControlAPI"]),
        .library(name: "RelDaemon", targets: ["RelDaemon"]),
        .library(name: "RelHub", targets: ["RelHub"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.20.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.10.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.25.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.27.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.1.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
    ],
    targets: [
        // Records, validation, clocks and (later) merge rules: pure Swift, no I/O.
        .target(
            name: "RelModel",
            dependencies: [.product(name: "OrderedCollections", package: "swift-collections")]
        ),
        // Reading and writing the files people name, with failures said in plain words.
        .target(name: "RelFiles"),
        // The SQLite store: schema, migrations, change log.
        .target(
            name: "RelStore",
            dependencies: [
                "RelModel", "RelFiles",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "OrderedCollections", package: "swift-collections"),
            ]
        ),
        // relhub's feed in PostgreSQL: the same merge and text as RelStore's, for several relhubs.
        .target(
            name: "RelStorePostgres",
            dependencies: [
                "RelModel", "RelStore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        // Sync with a feed: the HTTP client and the rounds, backoff and status.
        .target(
            name: "RelSync",
            dependencies: [
                "RelModel", "RelStore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPCompression", package: "swift-nio-extras"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // What every long-running program here shares: systemd notification, journald logging.
        .target(
            name: "RelService",
            dependencies: [
                "RelModel", "RelFiles",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // CSV in and out (ACLED, UCDP GED, our own columns): rows to records and back, no I/O but a stream.
        .target(
            name: "RelInterchange",
            dependencies: [
                "RelModel",
                .product(name: "CSV", package: "CSV.swift"),
                .product(name: "OrderedCollections", package: "swift-collections"),
            ]
        ),
        // Control API wire types, shared by reld and relctl.
        .target(name: "RelControlAPI", dependencies: ["RelModel"]),
        // The daemon: config, control server, systemd integration.
        .target(
            name: "RelDaemon",
            dependencies: [
                "RelModel", "RelStore", "RelControlAPI", "RelSync", "RelService", "RelFiles",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "OrderedCollections", package: "swift-collections"),
            ]
        ),
        // A timeline of records as one self-contained HTML page or an SVG: pure Swift, no I/O.
        .target(name: "RelTimeline", dependencies: ["RelModel"]),
        // The control CLI: one file per subcommand, human and JSON output.
        .target(
            name: "RelCLI",
            dependencies: [
                "RelModel", "RelControlAPI", "RelFiles", "RelInterchange", "RelTimeline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "OrderedCollections", package: "swift-collections"),
            ]
        ),
        .executableTarget(name: "reld", dependencies: ["RelDaemon"]),
        .executableTarget(name: "relctl", dependencies: ["RelCLI"]),
        // The team's feed server: relhub.
        .target(
            name: "RelHub",
            dependencies: [
                "RelModel", "RelStore", "RelStorePostgres", "RelService", "RelFiles",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),
        .executableTarget(name: "relhub", dependencies: ["RelHub"]),
        // The convergence property's generated cases, for the tests that run them through each hub store.
        .target(
            name: "ConvergenceSimulation",
            dependencies: ["RelModel", "RelStore", .product(name: "OrderedCollections", package: "swift-collections")],
            path: "Tests/ConvergenceSimulation"
        ),
        // Fuzz/ holds inputs found or written while fuzzing, read by path from FuzzRegressionTests.
        .testTarget(
            name: "RelModelTests",
            dependencies: ["RelModel", .product(name: "OrderedCollections", package: "swift-collections")],
            exclude: ["Fuzz"]
        ),
        // Fixtures/ holds stores written by earlier builds (and what wrote them), read by path.
        .testTarget(
            name: "RelStoreTests",
            dependencies: [
                "RelStore", "RelModel", "ConvergenceSimulation",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "OrderedCollections", package: "swift-collections"),
            ],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "RelDaemonTests",
            dependencies: [
                "RelDaemon", "RelControlAPI", "RelService", "RelSync", "RelModel", "RelStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "RelCLITests",
            dependencies: [
                "RelCLI", "RelControlAPI", "RelDaemon", "RelHub", "RelModel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            resources: [.copy("Golden")]
        ),
        .testTarget(
            name: "RelSyncTests",
            dependencies: [
                "RelSync", "RelStore", "RelModel", .product(name: "Logging", package: "swift-log"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ]
        ),
        .testTarget(name: "RelFilesTests", dependencies: ["RelFiles"]),
        .testTarget(
            name: "RelTimelineTests",
            dependencies: ["RelTimeline", "RelModel", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // Fixtures/ holds small ACLED- and UCDP-shaped files written for the tests, read by path.
        .testTarget(
            name: "RelInterchangeTests",
            dependencies: ["RelInterchange", "RelModel", .product(name: "OrderedCollections", package: "swift-collections")],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "RelHubTests",
            dependencies: [
                "RelHub", "RelModel", "RelService", "RelStore", "RelStorePostgres",
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // Tests that start the real programs (and PostgreSQL); the one in-process test here is the
        // convergence property through a PostgreSQL hub, which needs a cluster as these do.
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "RelModel", "RelControlAPI", "RelInterchange", "RelStore", "RelStorePostgres", "ConvergenceSimulation",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            exclude: ["Fuzz"]
        ),
    ]
)
