import Foundation
import XCTest

/// Sweeps and critical-batch studies killed (SIGKILL, the whole process group) at seeded random
/// moments and rerun: finished points and trials are kept and never run again, and the final
/// results equal an uninterrupted run's in every field that does not measure time.
class InterruptionTests: XCTestCase {
    /// Five kills at 0.2–1.5 s, the same moments every time the test runs.
    func killMoments(seed: UInt64) -> [Double] {
        var state = seed
        return (0..<5).map { _ in
            // SplitMix64: a fixed sequence without depending on the library's generators.
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            return 0.2 + 1.3 * Double(z >> 11) / Double(1 << 53)
        }
    }

    /// Runs `arguments` killed once as soon as some work has begun, then at each seeded moment,
    /// then once to the end. Before each run, `finished` lists the files that mark finished work
    /// (path → contents); each must be untouched by the run, and `ranAgain` must not find its name
    /// among the run's "run" lines.
    func interruptAndResume(_ arguments: [String], directory: URL, seed: UInt64,
                            finished: () -> [String: Data], unfinished: () -> Int,
                            ranAgain: (String, String) -> Bool) throws -> ProcessGroupRun.Result {
        var kills = 0, cutMidway = 0
        func check(_ result: ProcessGroupRun.Result, against before: [String: Data]) {
            if result.killed { kills += 1; cutMidway += unfinished() > 0 ? 1 : 0 } else { XCTAssertEqual(result.status, 0, result.stdout + result.stderr) }
            for (name, contents) in before {
                XCTAssertFalse(ranAgain(name, result.stdout), "\(name) finished before, yet ran again:\n\(result.stdout)")
                XCTAssertEqual(finished()[name], contents, "\(name) finished before, yet its record changed")
            }
        }
        // First a kill as soon as work has begun and not finished: on a fast or idle machine the
        // seeded moments can all fall between units of work, and once they have run the study
        // to its end there is nothing left to cut (this failed CI once when the check came last).
        var before = finished()
        let first = try withoutActuallyEscaping(unfinished) { begun in
            try ProcessGroupRun.run(arguments, killWhen: { begun() > 0 }, watching: directory)
        }
        check(first, against: before)
        for moment in killMoments(seed: seed) {
            before = finished()
            check(try ProcessGroupRun.run(arguments, killAfter: moment, watching: directory), against: before)
        }
        XCTAssertGreaterThan(kills, 0, "at least one run was cut short")
        XCTAssertGreaterThan(cutMidway, 0, "at least one kill left work half done")
        before = finished()
        let last = try ProcessGroupRun.run(arguments, watching: directory)
        XCTAssertFalse(last.killed)
        XCTAssertEqual(last.status, 0, last.stdout + last.stderr)
        for (name, contents) in before {
            XCTAssertFalse(ranAgain(name, last.stdout), "\(name) ran again:\n\(last.stdout)")
            XCTAssertEqual(finished()[name], contents, name)
        }
        return last
    }

    /// Directories under `root` holding `started` (the config a point or trial is launched
    /// with) but no valid `marker`: work begun and not finished.
    func unfinished(_ marker: String, started: String, under root: URL, valid: (Data) -> Bool) -> Int {
        var count = 0
        for case let url as URL in FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) ?? .init()
        where url.lastPathComponent == started {
            let file = url.deletingLastPathComponent().appendingPathComponent(marker)
            if FileManager.default.contents(atPath: file.path).map(valid) != true { count += 1 }
        }
        return count
    }

    /// Files named `marker` under `root`, by their path relative to it.
    func markers(_ marker: String, under root: URL, valid: (Data) -> Bool) -> [String: Data] {
        var found: [String: Data] = [:]
        let prefix = root.standardizedFileURL.path + "/"
        for case let url as URL in FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) ?? .init()
        where url.lastPathComponent == marker {
            guard let data = FileManager.default.contents(atPath: url.path), valid(data) else { continue }
            let directory = url.deletingLastPathComponent().standardizedFileURL.path
            found[String(directory.dropFirst(prefix.count))] = data
        }
        return found
    }

    func json(_ data: Data) -> [String: Any]? { try? JSONSerialization.jsonObject(with: data) as? [String: Any] }
}
