import JSON
import SQLite
import SyncEngine
import SyncProtocol
import Toolkit

/// An enrollment token not yet used, cancelled or expired. Its text is never kept; `id` is
/// the first 8 hex digits of its hash, enough to name it to `node tokens --cancel`.
public struct OutstandingToken: Sendable, Equatable {
    public let id: String
    public let name: String
    public let createdAt: UInt64
    public let expiresAt: UInt64

    /// A token's id: the first 8 hex digits of its hash.
    static func id(hash: [UInt8]) -> String { String(Hex.encode(hash).prefix(8)) }
}

extension NodeRegistry {
    /// Tokens that could still enroll a laptop now, oldest first.
    public func outstandingTokens(now: UInt64) throws -> [OutstandingToken] {
        try store.local { db in
            try db.query("""
                SELECT token_hash, name, created_at, expires_at FROM registry.hub_tokens
                WHERE used_at IS NULL AND cancelled_at IS NULL AND expires_at > ? ORDER BY created_at, name
                """, [now.databaseValue]) { row in
                OutstandingToken(id: OutstandingToken.id(hash: row.blob(0) ?? []), name: row.string(1) ?? "",
                                 createdAt: row.unsigned(2) ?? 0, expiresAt: row.unsigned(3) ?? 0)
            }
        }
    }

    /// Cancels the outstanding token whose id is `idOrName`, or every outstanding token for the
    /// node name `idOrName`. Returns what was cancelled; nothing matching is an error.
    @discardableResult
    public func cancelTokens(_ idOrName: String, now: UInt64) throws -> [OutstandingToken] {
        let outstanding = try outstandingTokens(now: now)
        let chosen = outstanding.filter { $0.id == idOrName.lowercased() || $0.name == idOrName }
        guard !chosen.isEmpty else {
            throw HubError(.unknownToken, "no outstanding token has the id or node name '\(idOrName)'",
                           hint: "see the outstanding tokens with `missionhub node tokens`")
        }
        try store.local { db in
            try db.inTransaction(.immediate) {
                for token in chosen {
                    try db.execute("""
                        UPDATE registry.hub_tokens SET cancelled_at = ?1
                        WHERE substr(lower(hex(token_hash)), 1, 8) = ?2 AND name = ?3 AND used_at IS NULL AND cancelled_at IS NULL
                        """, [now.databaseValue, .text(token.id), .text(token.name)])
                    try AuditLog.record(in: db, actor: actor, action: .tokenCancelled, target: ["name": token.name, "token": token.id], at: now)
                }
            }
        }
        return chosen
    }
}

/// `missionhub node tokens [--json]`: outstanding tokens, never their text.
struct TokenListing: Sendable, Equatable {
    static func json(_ tokens: [OutstandingToken]) -> JSONValue {
        .array(tokens.map { token in
            ["id": .string(token.id), "name": .string(token.name),
             "createdAt": .string(TimeText.rfc3339(milliseconds: token.createdAt)),
             "expiresAt": .string(TimeText.rfc3339(milliseconds: token.expiresAt))]
        })
    }

    static func text(_ tokens: [OutstandingToken]) -> String {
        guard !tokens.isEmpty else { return "No outstanding enrollment tokens.\n" }
        var table = TextTable(["ID", "NODE NAME", "ISSUED", "EXPIRES"])
        for token in tokens {
            table.append([token.id, token.name, TimeText.rfc3339(milliseconds: token.createdAt), TimeText.rfc3339(milliseconds: token.expiresAt)])
        }
        return table.rendered() + "Cancel one with `missionhub node tokens --cancel ID` (or NAME for all of a node's).\n"
    }
}
