extension MetricsLine {
    /// Thrown while decoding a record whose `type` is missing or not a `RecordType`;
    /// `MetricsLine.decode(_:)` reports it as `.skipped`.
    public struct UnknownRecordType: Error, Equatable, Sendable {
        /// The type the line named ("" when it named none).
        public var type: String
    }
}
