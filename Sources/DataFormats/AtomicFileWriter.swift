import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes files atomically and durably: after a crash or power loss, the target holds either its
/// old contents or the complete new ones, never a torn mix.
///
/// The data goes to a temporary file in the target's directory, which is flushed to disk
/// (`fsync`) and then renamed over the target; the directory is flushed last so that the rename
/// itself survives a crash. Checkpoints and exported weights use this.
public enum AtomicFileWriter {
    /// Atomically replaces the file at `url` with `data`, creating it if needed.
    ///
    /// - Throws: `DataFormatError` naming the file if any step fails; the temporary file is
    ///   removed and the old target, if any, is left untouched.
    public static func write(_ data: Data, to url: URL) throws(DataFormatError) {
        let target = url.path
        let name = FileBytes.displayName(of: url)
        let directory = url.deletingLastPathComponent().path
        // A per-process, per-call name, so two writers of the same target never share a temp file.
        let temporary = "\(directory)/.\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"

        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw DataFormatError(file: name, "cannot create a temporary file in '\(directory)' (\(lastErrorDescription())); check that the directory exists and is writable")
        }
        do throws(DataFormatError) {
            try writeAll(data, to: descriptor, name: name)
            guard fsync(descriptor) == 0 else {
                throw DataFormatError(file: name, "cannot flush the file to disk (\(lastErrorDescription()))")
            }
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
        guard close(descriptor) == 0 else {
            let reason = lastErrorDescription()
            unlink(temporary)
            throw DataFormatError(file: name, "cannot close the temporary file (\(reason))")
        }
        guard rename(temporary, target) == 0 else {
            let reason = lastErrorDescription()
            unlink(temporary)
            throw DataFormatError(file: name, "cannot replace the file (\(reason)); check that the path is not a directory and is writable")
        }
        try syncDirectory(directory, name: name)
    }

    private static func writeAll(_ data: Data, to descriptor: Int32, name: String) throws(DataFormatError) {
        let failure: String? = data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> String? in
            guard let base = bytes.baseAddress else { return nil }
            var offset = 0
            while offset < bytes.count {
                let written = writeBytes(descriptor, base + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return lastErrorDescription()
                }
                offset += written
            }
            return nil
        }
        if let failure {
            throw DataFormatError(file: name, "cannot write the file (\(failure)); check the free disk space")
        }
    }

    /// Flushes the directory entry, without which a completed rename can still be lost on a crash.
    private static func syncDirectory(_ directory: String, name: String) throws(DataFormatError) {
        let descriptor = open(directory, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw DataFormatError(file: name, "cannot open the directory '\(directory)' to flush it (\(lastErrorDescription()))")
        }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else {
            throw DataFormatError(file: name, "cannot flush the directory '\(directory)' to disk (\(lastErrorDescription()))")
        }
    }

    private static func lastErrorDescription() -> String {
        String(cString: strerror(errno))
    }
}

/// The POSIX `write(2)`, under a name that `AtomicFileWriter.write` does not shadow.
private func writeBytes(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}
