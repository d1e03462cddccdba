/// Array and scalar forms of the buffer collectives, shared by every communicator.
extension Communicator {
    /// Combines one value across ranks; every rank gets the result.
    ///
    /// For example the global loss sum, or `Int64(hasNonFinite ? 1 : 0)` with `.max` so that all
    /// ranks agree whether any rank saw a NaN.
    public func allReduce<Element: CommunicatorScalar>(_ value: Element, op: ReduceOp) -> Element {
        var values = [value]
        allReduce(&values, op: op)
        return values[0]
    }

    /// Combines `values` element-wise across ranks, in place. Counts must match across ranks.
    public func allReduce<Element: CommunicatorScalar>(_ values: inout [Element], op: ReduceOp) {
        values.withUnsafeMutableBufferPointer { allReduce($0, op: op) }
    }

    /// Averages `values` across ranks in 16-bit precision, in place; see
    /// ``Communicator/allReduceCompressed(_:precision:)``.
    public func allReduceCompressed(_ values: inout [Float], precision: ReducedPrecision) {
        values.withUnsafeMutableBufferPointer { allReduceCompressed($0, precision: precision) }
    }

    /// Copies `values` on `root` into `values` on every rank. Counts must match across ranks.
    public func broadcast<Element: CommunicatorScalar>(_ values: inout [Element], root: Int) {
        values.withUnsafeMutableBufferPointer { broadcast($0, root: root) }
    }

    /// Copies `bytes` on `root` into `bytes` on every rank; only the root needs the length.
    ///
    /// Two collectives: the length, then the bytes. Made for rank 0 to send configuration JSON
    /// or a checkpoint header to the others.
    public func broadcastBytes(_ bytes: inout [UInt8], root: Int) {
        let length = broadcastValue(Int64(bytes.count), root: root)
        if rank != root {
            bytes = [UInt8](repeating: 0, count: Int(length))
        }
        guard length > 0 else { return }
        broadcast(&bytes, root: root)
    }

    /// Returns `root`'s `value` on every rank.
    public func broadcastValue<Element: CommunicatorScalar>(_ value: Element, root: Int) -> Element {
        var values = [value]
        broadcast(&values, root: root)
        return values[0]
    }
}
