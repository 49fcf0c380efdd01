// swift-tools-version:6.0
import PackageDescription

// libFuzzer targets for everything reld and relhub read from outside. A separate package so the
// main build never sees fuzzer flags; build and run with ./run (see fuzz/README.md).
let model = Target.Dependency.product(name: "RelModel", package: "reld")

func fuzzer(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .executableTarget(name: name, dependencies: ["FuzzSupport"] + dependencies)
}

let package = Package(
    name: "reld-fuzz",
    dependencies: [.package(name: "reld", path: "..")],
    targets: [
        .target(name: "FuzzDriver"),
        .target(name: "FuzzSupport", dependencies: ["FuzzDriver", model]),
        fuzzer("FuzzFeedPage", [model]),
        fuzzer("FuzzSnapshot", [model]),
        fuzzer("FuzzPushBatch", [model]),
        fuzzer("FuzzRecord", [model]),
        fuzzer("FuzzListQuery", [model, .product(name: "RelControlAPI", package: "reld")]),
        fuzzer("FuzzEditBody", [model, .product(name: "RelControlAPI", package: "reld")]),
        fuzzer("FuzzReldConfig", [.product(name: "RelDaemon", package: "reld")]),
        fuzzer("FuzzHubConfig", [.product(name: "RelHub", package: "reld")]),
    ]
)
