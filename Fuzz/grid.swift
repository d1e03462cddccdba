import Experiments
import Foundation
import Training

// `ddp-train sweep --grid-file FILE` and `--grid name=v1,v2` (sweep and critical-batch). Each
// input is read both ways: the whole input as a grid file (`SweepGridFile(data:path:)`), and
// each of its lines as one `--grid` flag (`SweepGrid(flags:)`). A grid that parses is then
// expanded as the commands expand it, which lays every value over the configuration
// (`SweepPlan`, and for the flags also `CriticalBatchArchitecture.expand`), when it has at most
// `expandedPoints` points: every point takes the same path, so larger grids add time (about
// 2 ms a point, mostly Foundation's JSON with sorted keys), not coverage. Any input either
// parses or is refused with a one-line SweepError.

private let file = "fuzz-grid.json"
private let expandedPoints = 16

/// A refusal must be one line of bounded length that names the file or the flag (or, once the
/// grid is expanded, the point).
private func check(_ error: Error, naming: String) {
    guard let error = error as? SweepError else { fatalError("not a SweepError: \(error)") }
    let text = error.message
    guard text.hasPrefix(naming) || text.hasPrefix("sweep point "), !text.contains("\n"), !text.contains("\r"), text.count < 1000 else {
        fatalError("malformed error: \(text.prefix(1200))")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGrid(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = Data(bytes: bytes, count: count)
    do {
        let grid = try SweepGridFile(data: data, path: file)
        _ = try grid.mergedConfig(userConfigPath: nil)
        if grid.grid.pointCount <= expandedPoints {
            var base = try grid.preset.map { try Preset.config(named: $0) } ?? TrainingConfig()
            base = try base.overlaying(json: grid.base, source: file)
            _ = try SweepPlan(base: base, grid: grid.grid)
        }
    } catch let error as ConfigError {
        fatalError("a ConfigError escaped the grid file's checks: \(error)")
    } catch {
        check(error, naming: file)
    }
    let flags = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    do {
        let grid = try SweepGrid(flags: flags)
        if grid.pointCount <= expandedPoints {
            _ = try SweepPlan(base: TrainingConfig(), grid: grid)
            _ = try CriticalBatchArchitecture.expand(base: TrainingConfig(), grid: grid)
        }
    } catch {
        check(error, naming: "--grid")
    }
    return 0
}
