// swift-tools-version:6.0
import PackageDescription

// Data flows one way (see README "Architecture"):
//   KubeClient / SluiceManifests -> SluiceController -> SluiceIngress -> SluiceRouting -> SluiceProxy
// SluiceProxy never imports the Kubernetes modules; SluiceIngress and SluiceRouting do no I/O.
let package = Package(
    name: "sluice",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "sluice", targets: ["sluice"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-atomics.git", from: "1.3.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.0"),
        .package(url: "https://github.com/apple/swift-nio-http2.git", from: "1.46.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "4.0.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.0"),
    ],
    targets: [
        // MARK: Pure layers (no I/O)
        .target(name: "SluiceRouting"),
        // Prometheus text exposition and histogram buckets: the one writer of `/metrics`, for the
        // proxy's metrics and the controller's.
        .target(name: "SluiceMetrics"),
        .target(name: "KubeModels"),
        .target(
            name: "SluiceIngress",
            dependencies: [
                "SluiceRouting", "KubeModels",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),

        // MARK: Sources of cluster state
        .target(
            name: "SluiceManifests",
            dependencies: [
                "KubeModels", "SluiceIngress",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .target(
            name: "KubeClient",
            dependencies: [
                "CCurl", "KubeModels",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // `sluice probe`: the streaming smoke test (libcurl at the edge, the judgement pure).
        .target(name: "SluiceProbe", dependencies: ["CCurl"]),
        .target(
            name: "SluiceController",
            dependencies: [
                "KubeClient", "KubeModels", "SluiceIngress", "SluiceRouting", "SluiceMetrics",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        // MARK: Data plane
        // zlib, for the proxy's response compression (`ResponseBodyCompressor`).
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // libxcrypt and apr-util, for basic authentication's password hashes (`PasswordVerifier`).
        .systemLibrary(
            name: "CPasswordHash",
            providers: [.apt(["libaprutil1-dev", "libcrypt-dev"])]
        ),
        .target(
            name: "SluiceProxy",
            dependencies: [
                "SluiceRouting", "SluiceMetrics", "CZlib", "CPasswordHash",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            exclude: ["README.md"]
        ),
        .target(
            name: "SluiceDemo",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // MARK: Executable
        // jemalloc's options for the release build (Scripts/build-release.sh links jemalloc).
        .target(name: "CSluiceMallocConf"),
        .executableTarget(
            name: "sluice",
            dependencies: [
                "SluiceProxy", "SluiceIngress", "SluiceManifests", "SluiceController", "KubeClient",
                "SluiceDemo", "SluiceRouting", "SluiceProbe", "CSluiceMallocConf",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),

        // MARK: Benchmarks
        // The scale benchmark's API server (bench/scale.py): the tests' fake kube-apiserver, seeded.
        .executableTarget(
            name: "sluice-scale-apiserver",
            dependencies: ["SluiceTestSupport", "KubeModels"],
            path: "bench/ScaleAPIServer"
        ),

        // MARK: Tests
        .target(
            name: "SluiceTestSupport",
            dependencies: [
                "KubeModels", "SluiceDemo",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            path: "Tests/SluiceTestSupport"
        ),
        .testTarget(name: "SluiceRoutingTests", dependencies: ["SluiceRouting"]),
        .testTarget(name: "SluiceMetricsTests", dependencies: ["SluiceMetrics"]),
        .testTarget(
            name: "SluiceProbeTests",
            dependencies: [
                "SluiceProbe", "SluiceTestSupport", "SluiceDemo",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(
            // Runs the built `sluice` executable as a child process (it is a dependency so that
            // `swift build --build-tests` always builds it first).
            name: "SluiceCommandTests",
            dependencies: [
                "sluice", "SluiceDemo", "SluiceTestSupport", "KubeModels",
                .product(name: "Yams", package: "Yams"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "SluiceDemoTests",
            dependencies: [
                "SluiceTestSupport",
                "SluiceDemo",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "SluiceIngressTests",
            dependencies: ["SluiceIngress", "SluiceRouting", "KubeModels", "SluiceManifests", "SluiceTestSupport"],
            resources: [.copy("Golden")]
        ),
        .testTarget(name: "SluiceManifestsTests", dependencies: ["SluiceManifests", "KubeModels", "SluiceTestSupport"]),
        .testTarget(
            name: "SluiceProxyTests",
            dependencies: [
                "SluiceProxy", "SluiceRouting", "SluiceMetrics", "SluiceTestSupport", "SluiceDemo", "CZlib",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "KubeClientTests",
            dependencies: ["KubeClient", "KubeModels", "SluiceTestSupport"]
        ),
        .testTarget(
            name: "SluiceEndToEndTests",
            dependencies: [
                "SluiceController", "SluiceProxy", "SluiceTestSupport", "SluiceDemo", "KubeClient", "KubeModels",
                "SluiceRouting", "SluiceIngress", "SluiceManifests",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "SluiceControllerTests",
            dependencies: [
                "SluiceController", "KubeClient", "KubeModels", "SluiceTestSupport", "SluiceRouting", "SluiceProxy",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)
