// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "guichet",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "guichet", targets: ["guichet"]),
        .library(name: "GuichetCore", targets: ["GuichetCore"]),
        .library(name: "GuichetStore", targets: ["GuichetStore"]),
        .library(name: "GuichetServer", targets: ["GuichetServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-kit.git", from: "1.57.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
    ],
    targets: [
        /// The pure domain: award rules, scoring, KPI formulas, queueing maths, routing decisions.
        /// Foundation only — no Vapor, Fluent or NIO — so every result is reproducible.
        .target(name: "GuichetCore", resources: [.copy("Award/Scorecards")]),
        /// Persistence: Fluent models, migrations and repositories, on SQLite or PostgreSQL.
        .target(
            name: "GuichetStore",
            dependencies: [
                "GuichetCore",
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Vapor", package: "vapor"),
            ]
        ),
        /// The Vapor application: JSON API under /api/v1, web pages, operational endpoints.
        .target(
            name: "GuichetServer",
            dependencies: [
                "GuichetCore",
                "GuichetStore",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        /// The one executable: `serve`, `migrate` and the domain's commands. It only starts things.
        .executableTarget(
            name: "guichet",
            dependencies: [
                "GuichetServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "GuichetCoreTests", dependencies: ["GuichetCore"]),
        .testTarget(
            name: "GuichetServerTests",
            dependencies: [
                "GuichetServer",
                "GuichetStore",
                .product(name: "VaporTesting", package: "vapor"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
