/// A mistake the user can fix: each message names the file or flag, and what to do.
enum BenchError: Error, CustomStringConvertible {
    case cannotWrite(path: String, reason: String)
    case cannotRead(path: String, reason: String)
    case needsMPI(command: String)

    var description: String {
        switch self {
        case .cannotWrite(let path, let reason):
            "cannot write the results to '\(path)' (\(reason)); pass --json a path in a writable directory"
        case .cannotRead(let path, let reason):
            "cannot read benchmark results from '\(path)' (\(reason)); pass --results the directory "
                + "scripts/bench.sh printed, or rerun scripts/bench.sh"
        case .needsMPI(let command):
            "'ddp-bench \(command)' compares with raw MPI and must be started by mpirun; run it as "
                + "'mpirun -np 2 ddp-bench \(command)' (add --oversubscribe with more ranks than cores)"
        }
    }
}
