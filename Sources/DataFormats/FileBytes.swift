import Foundation

/// Reads whole files for the parsers, turning I/O failures into `DataFormatError`s.
enum FileBytes {
    /// How errors about `url` name the file: the path as the caller gave it.
    static func displayName(of url: URL) -> String {
        url.relativePath
    }

    /// The bytes of the file at `url`, memory-mapped when that is safe, so a large data set is not
    /// copied before it is parsed.
    static func read(_ url: URL) throws(DataFormatError) -> Data {
        let name = displayName(of: url)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw DataFormatError(file: name, "no such file; check the path")
        }
        guard !isDirectory.boolValue else {
            throw DataFormatError(file: name, "is a directory; pass the path of a data file")
        }
        do {
            return try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw DataFormatError(file: name, "cannot read the file (\(error.localizedDescription)); check its permissions")
        }
    }
}
