/// The command line of `fieldsync-bench`.
struct BenchOptions {
    enum Section: String, CaseIterable {
        case merge, write, wire, e2e, commit, memory, quarantine, listing, linkage, scrub, storage
    }

    static let usage = """
        usage: fieldsync-bench [--quick] [--only merge,write,wire,e2e,commit,memory,quarantine,listing,linkage,scrub,storage] [--nodes N] [--reports-per-node M]
                               [--runs R] [--samples DIR] [--baseline-hub PATH]
        """

    var quick = false
    var sections = Set(Section.allCases)
    var nodes: Int?
    var reportsPerNode: Int?
    var bestOf: Int?
    var samplesDirectory: String?
    /// The Febrl data (`linkage`); default `../shared/data/febrl` from the repository root.
    var febrlDirectory: String?
    /// Another `missionhub` the memory section also attacks (the figures before a change).
    var baselineHub: String?

    func runs(_ section: Section) -> Bool { sections.contains(section) }

    /// Simulated field nodes in the e2e section (default 100, quick 10; the commit section: 128, quick 32).
    var nodeCount: Int { nodes ?? (quick ? 10 : 100) }
    /// Reports each simulated node records (default 20, quick 5).
    var reportsEach: Int { reportsPerNode ?? (quick ? 5 : 20) }
    /// Timed repetitions where the best is kept (default 3, quick 2).
    var repetitions: Int { bestOf ?? (quick ? 2 : 3) }

    static func parse(_ arguments: [String]) throws -> BenchOptions {
        var options = BenchOptions()
        var rest = arguments[...]
        func value(_ flag: String) throws -> String {
            guard let next = rest.popFirst() else { throw BenchError(.usage, "\(flag) needs a value") }
            return next
        }
        func count(_ flag: String) throws -> Int {
            let text = try value(flag)
            guard let n = Int(text), n > 0 else { throw BenchError(.usage, "\(flag) takes a whole number above 0, not '\(text)'") }
            return n
        }
        while let argument = rest.popFirst() {
            switch argument {
            case "--quick": options.quick = true
            case "--only":
                let names = try value(argument).split(separator: ",").map(String.init)
                options.sections = try Set(names.map { name in
                    guard let section = Section(rawValue: name) else {
                        throw BenchError(.usage, "unknown section '\(name)'; choose from \(Section.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    return section
                })
            case "--nodes": options.nodes = try count(argument)
            case "--reports-per-node": options.reportsPerNode = try count(argument)
            case "--runs": options.bestOf = try count(argument)
            case "--samples": options.samplesDirectory = try value(argument)
            case "--febrl": options.febrlDirectory = try value(argument)
            case "--baseline-hub": options.baselineHub = try value(argument)
            default: throw BenchError(.usage, "unknown argument '\(argument)'")
            }
        }
        return options
    }
}
