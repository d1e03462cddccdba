/// One record of a TensorBoard event file: an `Event` with either a file version or a
/// summary of scalars and histograms.
public struct TensorBoardRecord: Equatable, Sendable {
    /// A scalar summary value (`Summary.Value.simple_value`).
    public struct Scalar: Equatable, Sendable {
        /// The series name TensorBoard groups by, e.g. `train/loss`.
        public var tag: String
        /// The value.
        public var value: Float

        /// A scalar value named `tag`.
        public init(tag: String, value: Float) {
            self.tag = tag
            self.value = value
        }
    }

    /// A histogram summary value (`Summary.Value.histo`).
    public struct Histogram: Equatable, Sendable {
        /// The series name TensorBoard groups by, e.g. `grad/layer0.weight`.
        public var tag: String
        /// The histogram.
        public var data: HistogramData

        /// A histogram value named `tag`.
        public init(tag: String, data: HistogramData) {
            self.tag = tag
            self.data = data
        }
    }

    /// A summary value that belongs to a TensorBoard plugin (`Summary.Value.metadata.plugin_data`),
    /// such as the HParams plugin's session and experiment summaries.
    public struct PluginValue: Equatable, Sendable {
        /// The value's tag, e.g. `_hparams_/session_start_info`.
        public var tag: String
        /// The plugin that reads it, e.g. `hparams`.
        public var pluginName: String
        /// The plugin's serialized content.
        public var content: [UInt8]

        /// A plugin value named `tag`.
        public init(tag: String, pluginName: String, content: [UInt8]) {
            self.tag = tag
            self.pluginName = pluginName
            self.content = content
        }
    }

    /// Seconds since 1970, as TensorBoard's relative-time axis uses.
    public var wallTime: Double
    /// The training step.
    public var step: Int
    /// The file-format version; set only on a file's first record (`brain.Event:2`).
    public var fileVersion: String?
    /// The scalar values, in file order.
    public var scalars: [Scalar]
    /// The histogram values, in file order.
    public var histograms: [Histogram]
    /// The plugin values, in file order.
    public var pluginValues: [PluginValue]

    /// A record; a record with a `fileVersion` carries no summary values.
    public init(wallTime: Double, step: Int, fileVersion: String? = nil,
                scalars: [Scalar] = [], histograms: [Histogram] = [], pluginValues: [PluginValue] = []) {
        self.wallTime = wallTime
        self.step = step
        self.fileVersion = fileVersion
        self.scalars = scalars
        self.histograms = histograms
        self.pluginValues = pluginValues
    }

    /// The version string every event file starts with.
    public static let currentFileVersion = "brain.Event:2"
}
