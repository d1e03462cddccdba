import Foundation
import XCTest

/// scripts/emulated-cluster.sh from the tests: whether it can run here, the namespaces it
/// leaves (none, it must), and a job run in the background whose output is watched as it comes,
/// under a hard deadline that ends the job and everything it started.
enum EmulatedCluster {
    /// The repository's root, found from this file's path.
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var script: String { repository.appendingPathComponent("scripts/emulated-cluster.sh").path }

    /// Skips the test, with the reason, where network namespaces cannot be created (not root,
    /// no CAP_SYS_ADMIN). CI runs as root, where they can.
    static func skipUnlessAvailable() throws {
        let check = try DDPTrainProcess.launch("/bin/bash", [script, "--check"], timeout: 30)
        if check.status != 0 {
            throw XCTSkip("network namespaces are not available here: \(check.output.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }

    /// "ddpemu1234-" from the script's "namespaces ddpemu1234-*" line, nil if it printed none.
    static func namespacePrefix(in output: String) -> String? {
        let words = output.split(whereSeparator: { $0 == " " || $0 == "\n" })
        return words.first { $0.hasPrefix("ddpemu") && $0.hasSuffix("-*") }.map { String($0.dropLast()) }
    }

    /// The network namespaces whose names start with `prefix`.
    static func namespaces(withPrefix prefix: String) throws -> [String] {
        let list = try DDPTrainProcess.launch("/bin/sh", ["-c", "ip netns list"], timeout: 30)
        return list.stdout.split(separator: "\n").map { String($0.split(separator: " ").first ?? "") }
            .filter { $0.hasPrefix(prefix) }
    }

    /// The script names its namespaces (`namespaces ddpemu<pid>-*` on stderr); none may outlive it.
    static func assertNoNamespacesLeft(after output: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let prefix = try XCTUnwrap(namespacePrefix(in: output), "the script did not name its namespaces:\n\(output)",
                                   file: file, line: line)
        XCTAssertEqual(try namespaces(withPrefix: prefix), [], "namespaces left behind", file: file, line: line)
    }

    /// Live ddp-train processes (not zombies) with `marker` among their arguments: the ranks.
    static func ranks(marked marker: String) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry in
            guard let pid = pid_t(entry), let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { return nil }
            let words = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            guard let program = words.first, program.hasSuffix("/ddp-train"), words.contains(marker) else { return nil }
            return pid
        }
    }

    /// The seconds in a line the script prints as "emulated-cluster: 3.0 s: …" or "… after 9.9 s".
    static func seconds(in line: Substring, after text: String) -> Double? {
        guard let range = line.range(of: text) else { return nil }
        return Double(line[range.upperBound...].prefix { $0.isNumber || $0 == "." })
    }
}

/// scripts/emulated-cluster.sh running in the background. Output (both streams) is recorded
/// with the time each piece arrived, so a test can tell when a line was printed. `finish`
/// waits for the exit until a hard deadline, then ends the job: SIGTERM to the script (whose
/// trap ends what runs in its namespaces and removes them), and if that does not do, SIGKILL
/// to every process in those namespaces and below the script, and the namespaces removed here.
/// The ranks and Open MPI's daemons cannot all be found from the script's process tree
/// (orted daemonizes), hence the namespaces.
final class EmulatedClusterJob: @unchecked Sendable {
    // @unchecked: `chunks` is guarded by `lock`.
    let process = Process()
    let started = Date()
    private let lock = NSLock()
    private var chunks: [(at: Date, text: String)] = []
    private let done = DispatchSemaphore(value: 0)

    /// Starts `emulated-cluster.sh options -- ddp-train arguments`.
    init(_ options: [String], _ arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [EmulatedCluster.script] + options + ["--", DDPTrainProcess.executable.path] + arguments
        process.environment = DDPTrainProcess.environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let handle = pipe.fileHandleForReading
        DispatchQueue.global().async { [self] in
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                lock.lock(); chunks.append((Date(), String(decoding: chunk, as: UTF8.self))); lock.unlock()
            }
            done.signal()
        }
    }

    /// Everything printed so far.
    var output: String {
        lock.lock(); defer { lock.unlock() }
        return chunks.map(\.text).joined()
    }

    /// When the output first contained `text` (nil: not yet). Pieces may split a line; the
    /// time is that of the piece that completed it.
    func time(of text: String) -> Date? {
        lock.lock(); defer { lock.unlock() }
        var sofar = ""
        for chunk in chunks {
            sofar += chunk.text
            if sofar.contains(text) { return chunk.at }
        }
        return nil
    }

    /// Waits until the output contains `text`, the job ends, or `deadline` passes.
    @discardableResult
    func waitFor(_ text: String, until deadline: Date) -> Date? {
        while Date() < deadline {
            if let at = time(of: text) { return at }
            if !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return time(of: text)
    }

    /// Waits for the exit until `deadline`; a job still running then is ended as described
    /// above. Returns the exit status (a signal's number if one killed it), and whether the job
    /// ended on its own, and when.
    func finish(until deadline: Date) -> (status: Int32, onItsOwn: Bool, at: Date) {
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        let onItsOwn = !process.isRunning
        if onItsOwn {
            process.waitUntilExit()
            _ = done.wait(timeout: .now() + 10)
        } else {
            terminate()
        }
        return (process.terminationStatus, onItsOwn, Date())
    }

    /// Ends the job and everything it started; see the type's description.
    func terminate() {
        let pid = process.processIdentifier
        let prefix = EmulatedCluster.namespacePrefix(in: output)
        kill(pid, SIGTERM)
        let grace = Date().addingTimeInterval(15)
        while process.isRunning && Date() < grace { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning || (prefix.map { (try? EmulatedCluster.namespaces(withPrefix: $0))?.isEmpty == false } ?? false) {
            let names = prefix.flatMap { try? EmulatedCluster.namespaces(withPrefix: $0) } ?? []
            let below = ProcessGroupRun.descendants(of: pid)
            for name in names {
                _ = try? DDPTrainProcess.launch("/bin/sh", ["-c", "ip netns pids '\(name)' | xargs -r kill -KILL"], timeout: 30)
            }
            below.forEach { kill($0, SIGKILL) }
            kill(pid, SIGKILL)
            for name in names { _ = try? DDPTrainProcess.launch("/bin/sh", ["-c", "ip netns del '\(name)'"], timeout: 30) }
        }
        process.waitUntilExit()
        _ = done.wait(timeout: .now() + 10)
    }
}
