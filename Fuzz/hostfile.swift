import Foundation
import Training

/// `--hostfile FILE`: any text either parses or is refused with a ConfigError.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHostfile(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    do {
        _ = try Hostfile.parse(String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self), source: "fuzz")
    } catch let error as ConfigError {
        guard !error.message.contains("\n"), error.message.count < 1000 else { fatalError("malformed error: \(error.message.prefix(1200))") }
    } catch {
        fatalError("not a ConfigError: \(error)")
    }
    return 0
}
