/// How ``Communicator/allReduce(_:op:)`` combines the ranks' values, element by element.
///
/// There is no bitwise OR: to agree on flags, reduce one `Int64` per flag holding 0 or 1, with
/// `.max` for "any rank set it" and `.min` for "every rank set it".
public enum ReduceOp: Sendable, Hashable, CaseIterable {
    /// The sum over ranks (not the average).
    case sum
    /// The largest value over ranks.
    case max
    /// The smallest value over ranks.
    case min
}
