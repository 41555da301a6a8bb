import Foundation
import NodeKit

exit(NodeCLI.main(arguments: Array(CommandLine.arguments.dropFirst()),
                  environment: ProcessInfo.processInfo.environment))
