import Collections
import Foundation
import JSON
import SyncProtocol
import Toolkit

extension HubCLI {
    /// `missionhub mission-file --out FILE [--hub-url URL]`: the file a field laptop is
    /// provisioned with (`MissionFile`): the current sealing key and the linkage key.
    static func missionFile(_ context: CommandContext) throws -> String {
        let destination = context.required("out")
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw HubError(.destinationExists, "\(destination) already exists; nothing was written",
                           hint: "choose a new file name, or remove the old file first")
        }
        let directory = context.dataDirectory()
        let store = try context.openStore()
        let mission = try store.metadata(HubStore.missionKey) ?? ""
        guard let key = try store.local({ db in try SealingKeys(db: db).current() }) else {
            throw HubError(.storage, "this hub has no sealing key", hint: "make one with `missionhub keys rotate`")
        }
        let linkage = try HubLinkageKey.loadOrCreate(SealingKeyFiles.of(dataDirectory: directory, environment: context.environment))
        let file = MissionFile(mission: mission, publicKey: key.publicKey, linkageKey: linkage,
                               hubURL: context.command.option("hub-url") ?? (try? publicSettings(context))?.publicURL)
        do {
            try SecureFile.write(file.encode(), to: destination)
        } catch {
            throw HubError(.storage, "cannot write \(destination): \(error.text)", hint: "check that the directory exists and is writable")
        }
        return """
            Wrote the mission file for \(mission) to \(destination) (mode 0600).
              sealing key id:  \(Hex.encode(file.keyID))
              fingerprint:     \(file.fingerprint)
            Copy it to the laptop (USB stick, then delete it there: it holds the mission's linkage key) and run
                fieldnode init --mission \(mission) --node-name NAME --mission-file FILE
            The laptop prints the fingerprint: read it out and check it matches the one above.

            """
    }

    /// `missionhub keys list [--json]`: the sealing keys, newest (current) first.
    static func keysList(_ context: CommandContext) throws -> String {
        let directory = context.dataDirectory()
        let store = try context.openStore()
        let files = SealingKeyFiles.of(dataDirectory: directory, environment: context.environment)
        let keys = try store.local { db in try SealingKeys(db: db).all() }
        let rows = try keys.enumerated().map { index, entry in
            (id: Hex.encode(entry.key.keyID), created: TimeText.rfc3339(milliseconds: entry.createdAt),
             current: index == 0, privateKey: try files.load(keyID: entry.key.keyID) != nil)
        }
        if context.command.flag("json") {
            return JSON.encode(.array(rows.map { row in
                .object(JSONObject(pairs: [("keyId", .string(row.id)), ("createdAt", .string(row.created)),
                                           ("current", .bool(row.current)), ("privateKeyLoaded", .bool(row.privateKey))]))
            }), pretty: true) + "\n"
        }
        var table = TextTable(["KEY ID", "CREATED", "CURRENT", "PRIVATE KEY"])
        for row in rows { table.append([row.id, row.created, row.current ? "yes" : "-", row.privateKey ? "found" : "MISSING"]) }
        return table.rendered()
    }

    /// `missionhub keys rotate`: a new current sealing key; the old ones stay (their private
    /// files too), so everything sealed to them still opens.
    static func keysRotate(_ context: CommandContext) throws -> String {
        let directory = context.dataDirectory()
        let store = try context.openStore()
        let files = SealingKeyFiles.of(dataDirectory: directory, environment: context.environment)
        let (old, new) = try store.local { db in
            let keys = SealingKeys(db: db)
            return (try keys.current(), try keys.rotate(now: context.clock(), files: SealingKeyFiles(directory: files.directory)))
        }
        return """
            New sealing key \(Hex.encode(new.keyID)) (private half in \(files.directory)/\(SealingKeyFiles.fileName(keyID: new.keyID)), mode 0600).
            The old key \(old.map { Hex.encode($0.keyID) } ?? "-") is kept: reports sealed to it stay readable; keep its file.
            Next: restart the hub (`systemctl restart missionhub`) so enrollments hand out the new key,
            make new mission files (`missionhub mission-file --out FILE`) and install them on the laptops
            (`fieldnode init --mission-file FILE` on an existing laptop replaces its file).

            """
    }
}
