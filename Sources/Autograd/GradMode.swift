/// Whether operations record the graph that `backward()` walks.
///
/// The flag is process-global rather than task-local: the autograd core runs on one compute
/// thread per rank, and the communication thread never creates tensors. Reading a task-local
/// on every op would cost more than the op itself for small tensors.
public enum GradMode {
    /// Whether new operations record the graph now; true unless inside `withoutGradients(_:)`.
    nonisolated(unsafe) public private(set) static var isEnabled = true

    /// Runs `body` without recording a graph, as PyTorch's `torch.no_grad()` does: for
    /// evaluation, and for updates that must not be differentiated.
    public static func withoutGradients<T>(_ body: () throws -> T) rethrows -> T {
        let previous = isEnabled
        isEnabled = false
        defer { isEnabled = previous }
        return try body()
    }
}

/// Runs `body` without recording a graph. See `GradMode`.
public func withoutGradients<T>(_ body: () throws -> T) rethrows -> T {
    try GradMode.withoutGradients(body)
}
