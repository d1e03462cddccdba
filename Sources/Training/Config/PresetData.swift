import Foundation

/// Where the real-data presets (`mnist1d-*`, `digits-mlp`) find their .npy files:
/// `$DDP_TRAIN_DATA` when set, else `data/` relative to the working directory. The files are
/// made by `scripts/data/make_datasets.py`, never downloaded by the trainer, so that nothing
/// here (nor CI) needs the Python packages that build them.
public enum PresetData {
    /// The environment variable that overrides the data folder.
    public static let environmentVariable = "DDP_TRAIN_DATA"

    /// The command that writes the files.
    public static let makeCommand = "python3 scripts/data/make_datasets.py"

    /// The files the script writes, by name.
    static let fileNames: Set<String> = [
        "mnist1d_x.npy", "mnist1d_y.npy", "mnist1d_train_x.npy", "mnist1d_train_y.npy",
        "mnist1d_test_x.npy", "mnist1d_test_y.npy",
        "digits_x.npy", "digits_y.npy", "digits_train_x.npy", "digits_train_y.npy",
        "digits_test_x.npy", "digits_test_y.npy",
    ]

    /// The data folder, read when a preset is built.
    public static var directory: String {
        ProcessInfo.processInfo.environment[environmentVariable].flatMap { $0.isEmpty ? nil : $0 } ?? "data"
    }

    /// The path of `file` in the data folder.
    static func path(_ file: String) -> String {
        (directory as NSString).appendingPathComponent(file)
    }

    /// One line saying how to make `path`, when it is one of the script's files and missing;
    /// nil otherwise (other missing files get the reader's own error).
    static func missingFileMessage(_ path: String) -> String? {
        guard fileNames.contains((path as NSString).lastPathComponent),
              !FileManager.default.fileExists(atPath: path) else { return nil }
        let folder = (path as NSString).deletingLastPathComponent
        let into = folder == "data" ? "" : " --out \(folder.isEmpty ? "." : folder)"
        return "\(path) does not exist; make the data sets with `\(makeCommand)\(into)` "
            + "(it needs `pip install mnist1d scikit-learn`; \(environmentVariable) names another folder)"
    }
}
