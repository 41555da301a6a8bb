import Foundation
import NodeKit
import Toolkit

// `fieldnode`: everything lives in NodeKit; this only hands over the command line.
UnixSignals.unblockAll()
exit(NodeCLI.main(arguments: Array(CommandLine.arguments.dropFirst()),
                  environment: ProcessInfo.processInfo.environment))
