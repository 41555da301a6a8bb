import Foundation
import HubKit

// `missionhub`: everything lives in HubKit; this only hands over the command line.
let status = await HubCLI.run(arguments: Array(CommandLine.arguments.dropFirst()),
                              environment: ProcessInfo.processInfo.environment)
exit(status)
