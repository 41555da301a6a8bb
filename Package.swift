// swift-tools-version:6.0
// fieldsync — no Swift package dependencies. C system libraries come in through
// system-library targets, each imported by exactly one Swift wrapper module:
//
//   C modules      CSQLite  CCurl  CCrypto  CZlib
//   wrappers       SQLite   Curl   Crypto   Zlib      (+ Toolkit: CLI, logging, signals, sd_notify)
//   pure           JSON  FieldModel  SyncProtocol     (no I/O)
//                  Linkage                            (survivor codes and encodings, keyed; never names)
//                  Scrub                              (narratives scrubbed of identifiers; depends on nothing)
//                  Collections                        (the replicated collections and fields)
//   engine         SyncEngine                         (store + merge + sessions)
//   transport      HTTP                               (parser state machine + socket server)
//   logic          NodeKit  HubKit
//   executables    fieldnode  missionhub  fieldsync-bench
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "fieldsync",
    products: [
        .executable(name: "fieldnode", targets: ["fieldnode"]),
        .executable(name: "missionhub", targets: ["missionhub"]),
        .executable(name: "fieldsync-bench", targets: ["fieldsync-bench"]),
    ],
    targets: [
        // C system libraries (Debian packages listed as providers; `make deps` installs them).
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // Wrappers: the only modules that import a C module.
        .target(name: "SQLite", dependencies: ["CSQLite"], swiftSettings: strict),
        .target(name: "Curl", dependencies: ["CCurl"], swiftSettings: strict),
        .target(name: "Crypto", dependencies: ["CCrypto"], swiftSettings: strict),
        .target(name: "Zlib", dependencies: ["CZlib"], swiftSettings: strict),
        .target(name: "Toolkit", swiftSettings: strict),

        // Pure: formats, contracts and rules, no I/O.
        .target(name: "JSON", swiftSettings: strict),
        // Survivor codes and fuzzy encodings from normalised identifiers (Protocols/linkage-v1.md).
        .target(name: "Linkage", dependencies: ["Crypto"], swiftSettings: strict),
        .target(name: "FieldModel", dependencies: ["JSON", "Crypto", "Linkage"], swiftSettings: strict),
        .target(name: "SyncProtocol", dependencies: ["Crypto", "Zlib"], swiftSettings: strict),
        // Replaces identifiers in narratives by typed placeholders on the laptop, before they are
        // stored (issue 16). Pure Swift, no model, linear in the text.
        .target(name: "Scrub", swiftSettings: strict),
        // The registry of replicated collections: names, fields, kinds, writers, scopes
        // (sync-v1.md §19). Pure; the report's fields come from FieldModel's contract.
        .target(name: "Collections", dependencies: ["SyncProtocol", "FieldModel", "JSON", "Crypto"], swiftSettings: strict),

        // Engine: the durable store, the single write path, merge, sessions.
        .target(name: "SyncEngine", dependencies: ["SQLite", "SyncProtocol", "Toolkit"], swiftSettings: strict),

        // Transport.
        .target(name: "HTTP", dependencies: ["Toolkit"], swiftSettings: strict),

        // The node's side of the wire: enrollment, sync sessions over libcurl, the daemon loop.
        .target(name: "SyncClient",
                dependencies: ["SyncEngine", "SyncProtocol", "Curl", "Crypto", "Toolkit", "JSON", "Zlib"],
                swiftSettings: strict),

        // Node and hub logic; executables only parse arguments and call in.
        .target(name: "NodeKit",
                dependencies: ["SyncEngine", "SyncProtocol", "SQLite", "SyncClient", "FieldModel", "Collections", "Linkage", "JSON", "Toolkit", "Crypto",
                               "Scrub"],
                swiftSettings: strict),
        .target(name: "HubKit",
                dependencies: ["SyncEngine", "SyncProtocol", "FieldModel", "Collections", "JSON", "Toolkit", "HTTP", "Crypto", "SQLite", "Zlib"],
                swiftSettings: strict),
        .executableTarget(name: "fieldnode", dependencies: ["NodeKit", "Toolkit"], swiftSettings: strict),
        .executableTarget(name: "missionhub", dependencies: ["HubKit", "Toolkit"], swiftSettings: strict),
        .executableTarget(name: "fieldsync-bench",
                          dependencies: ["NodeKit", "HubKit", "SyncEngine", "SQLite", "FieldModel", "Linkage", "SyncClient", "SyncProtocol", "JSON", "Zlib", "Toolkit",
                                         "Scrub", "ScrubCorpus"],
                          swiftSettings: strict),

        // The scrubber's labelled corpus (generator, hand-written cases, scoring): used by its tests
        // and by the benchmark, shipped in no product.
        .target(name: "ScrubCorpus", dependencies: ["Scrub", "Toolkit"], path: "Tests/ScrubCorpus", swiftSettings: strict),

        // Shared test helpers: a misbehaving network, the vector parser, linear-time checks (not shipped in any product).
        .target(name: "TestSupport", dependencies: ["SyncProtocol", "Collections", "Crypto"], path: "Tests/TestSupport", swiftSettings: strict),

        // Tests (Swift Testing).
        .testTarget(name: "SQLiteTests", dependencies: ["SQLite"], swiftSettings: strict),
        .testTarget(name: "WrapperTests", dependencies: ["Crypto", "Zlib", "Curl", "Toolkit"], swiftSettings: strict),
        .testTarget(name: "JSONTests", dependencies: ["JSON", "Toolkit", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "LinkageTests", dependencies: ["Linkage", "JSON", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "FieldModelTests", dependencies: ["FieldModel", "Linkage", "JSON", "Toolkit", "TestSupport"],
                    resources: [.copy("Fixtures")], swiftSettings: strict),
        .testTarget(name: "ScrubTests", dependencies: ["Scrub", "ScrubCorpus", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "CollectionsTests", dependencies: ["Collections", "FieldModel", "Linkage", "SyncProtocol", "SyncEngine", "JSON", "Crypto"],
                    swiftSettings: strict),
        .testTarget(name: "SyncProtocolTests", dependencies: ["TestSupport", "SyncProtocol", "Crypto", "Toolkit"], swiftSettings: strict),
        .testTarget(name: "SyncEngineTests", dependencies: ["TestSupport", "SyncEngine", "SyncProtocol", "SQLite", "Toolkit"],
                    resources: [.copy("Fixtures")], swiftSettings: strict),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP", "Toolkit"], swiftSettings: strict),
        .testTarget(name: "NodeKitTests", dependencies: ["TestSupport", "NodeKit", "SyncEngine", "SyncProtocol", "FieldModel", "Linkage", "Collections", "Crypto", "JSON", "SQLite", "Toolkit"],
                    swiftSettings: strict),
        .testTarget(name: "HubKitTests", dependencies: ["TestSupport", "HubKit", "SQLite", "Collections", "SyncEngine", "SyncProtocol", "HTTP", "JSON", "Toolkit", "Crypto"],
                    swiftSettings: strict),
        .testTarget(name: "SyncClientTests", dependencies: ["TestSupport", "SyncClient", "HubKit", "SyncEngine", "SyncProtocol", "Curl", "Toolkit", "HTTP", "Crypto", "JSON", "Zlib"],
                    swiftSettings: strict),
        // Real processes: the built executables driven over pipes, loopback and signals.
        .testTarget(name: "EndToEndTests", dependencies: ["TestSupport", "fieldnode", "missionhub", "JSON", "SQLite", "Zlib", "SyncEngine", "SyncProtocol"],
                    swiftSettings: strict),
        // systemd units checked with systemd-analyze (skipped with a reason where it is missing).
        .testTarget(name: "DeployTests", dependencies: ["Toolkit"], swiftSettings: strict),
    ]
)
