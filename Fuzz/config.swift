import Foundation
import Training

/// `--config FILE`: any JSON either overlays the configuration or is refused with a ConfigError.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfig(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    do {
        _ = try TrainingConfig().overlaying(json: Data(bytes: bytes, count: count), source: "fuzz.json")
    } catch let error as ConfigError {
        guard !error.message.contains("\n"), error.message.count < 1000 else { fatalError("malformed error: \(error.message.prefix(1200))") }
    } catch {
        fatalError("not a ConfigError: \(error)")
    }
    return 0
}
