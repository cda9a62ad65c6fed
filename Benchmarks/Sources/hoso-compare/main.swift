import Foundation

// hoso-compare: Hoso vs SQLite on identical generated data (see Benchmarks/README.md).

startClock()
let arguments = Array(CommandLine.arguments.dropFirst())
do {
    if arguments.first == LoadChild.command {
        try LoadChild.run(Array(arguments.dropFirst()))
        exit(0)
    }
    if arguments.first == ScanChild.command {
        try ScanChild.run(Array(arguments.dropFirst()))
        exit(0)
    }
    let options = try Options.parse(arguments)
    if options.help { print(Options.usage); exit(0) }
    exit(try Comparison(options: options).run())
} catch {
    printError("hoso-compare: \(error)")
    exit(1)
}
