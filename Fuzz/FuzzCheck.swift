import Foundation

/// What every target demands of a rejected input: one line, naming the file. Anything else
/// traps, which libFuzzer records as a crash.
func checkRejection(_ error: DataFormatError, file: String) {
    let text = error.description
    guard text.hasPrefix("\(file): "), !text.contains("\n"), text.count < file.count + 400 else {
        fatalError("malformed error for \(file): \(text.prefix(600))")
    }
}
