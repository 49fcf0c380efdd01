// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "reld",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "reld", targets: ["reld"]),
        .executable(name: "relctl", targets: ["relctl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.10.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.25.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // Records, validation, clocks and (later) merge rules: pure Swift, no I/O.
        .target(
            name: "RelModel",
            dependencies: [.product(name: "OrderedCollections", package: "swift-collections")]
        ),
        // The SQLite store: schema, migrations, change log.
        .target(
            name: "RelStore",
            dependencies: [
                "RelModel",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "OrderedCollections", package: "swift-collections"),
            ]
        ),
        // Control API wire types, shared by reld and relctl.
        .target(name: "RelControlAPI", dependencies: ["RelModel"]),
        // The daemon: config, control server, systemd integration.
        .target(
            name: "RelDaemon",
            dependencies: [
                "RelModel", "RelStore", "RelControlAPI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "OrderedCollections", package: "swift-collections"),
            ]
        ),
        // The control CLI: one file per subcommand, human and JSON output.
        .target(
            name: "RelCLI",
            dependencies: [
                "RelModel", "RelControlAPI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "OrderedCollections", package: "swift-collections"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "reld",
            dependencies: ["RelDaemon", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(name: "relctl", dependencies: ["RelCLI"]),
        .testTarget(name: "RelModelTests", dependencies: ["RelModel"]),
        .testTarget(name: "RelStoreTests", dependencies: ["RelStore", "RelModel"]),
        .testTarget(name: "RelDaemonTests", dependencies: ["RelDaemon", "RelControlAPI"]),
        .testTarget(name: "RelCLITests", dependencies: ["RelCLI", "RelControlAPI"], resources: [.copy("Golden")]),
        .testTarget(name: "EndToEndTests", dependencies: ["RelModel", "RelControlAPI"]),
    ]
)
