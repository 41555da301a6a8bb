import Foundation
import HubKit
import Toolkit

// `missionhub`: everything lives in HubKit; this only hands over the command line.
UnixSignals.unblockAll()
let status = await HubCLI.run(arguments: Array(CommandLine.arguments.dropFirst()),
                              environment: ProcessInfo.processInfo.environment)
exit(status)
