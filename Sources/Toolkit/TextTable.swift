/// A plain text table: a header row and rows, columns padded to their widest cell and
/// separated by two spaces; the last column is not padded. Used by every listing of both
/// programs, so their tables look alike.
public struct TextTable: Sendable {
    private let header: [String]
    private var rows: [[String]] = []

    public init(_ header: [String]) {
        self.header = header
    }

    public mutating func append(_ row: [String]) {
        precondition(row.count == header.count, "TextTable row has \(row.count) cells, header \(header.count)")
        rows.append(row.map(Self.oneLine))
    }

    /// The table, each line ending with a newline.
    public func rendered() -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }

    /// Control characters (a newline in an area name) would break the layout.
    private static func oneLine(_ cell: String) -> String {
        String(cell.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : Character($0) })
    }
}
