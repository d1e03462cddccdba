/// The content of TensorBoard's HParams plugin summaries (`HParamsPluginData`, from
/// tensorboard/plugins/hparams/plugin_data.proto and api.proto), encoded by hand.
///
/// A run that logs a session start (its hyperparameters) and a session end becomes one row of
/// the HParams dashboard; an experiment summary at the top of a log directory names the
/// table's columns (hyperparameters and metric tags). Fields are written in field-number
/// order and proto3 defaults are left out, so the bytes equal protobuf's own serialization
/// (a map's entries in the order given: pass them sorted for `deterministic=True` bytes).
public enum HParamsPluginData {
    /// The plugin name in `SummaryMetadata.plugin_data`.
    public static let pluginName = "hparams"
    /// The tag of the experiment summary (the table's columns).
    public static let experimentTag = "_hparams_/experiment"
    /// The tag of a session's start: its hyperparameter values.
    public static let sessionStartTag = "_hparams_/session_start_info"
    /// The tag of a session's end: its status.
    public static let sessionEndTag = "_hparams_/session_end_info"

    /// A hyperparameter value (`google.protobuf.Value`, of which TensorBoard reads these three kinds).
    public enum Value: Equatable, Sendable {
        /// `number_value`.
        case number(Double)
        /// `string_value`.
        case string(String)
        /// `bool_value`.
        case bool(Bool)

        /// The `DataType` an experiment declares for a column of such values.
        var dataType: UInt64 {
            switch self {
            case .string: 1
            case .bool: 2
            case .number: 3
            }
        }
    }

    /// How a session ended (`Status` in api.proto).
    public enum Status: Int, Sendable {
        /// Not known.
        case unknown = 0
        /// The run finished.
        case success = 1
        /// The run failed or was stopped.
        case failure = 2
        /// Still running.
        case running = 3
    }

    /// `HParamsPluginData{session_start_info: SessionStartInfo{hparams, start_time_secs}}`.
    public static func sessionStart(hparams: [(name: String, value: Value)], startTimeSeconds: Double) -> [UInt8] {
        var info = ProtobufWriter()
        for (name, value) in hparams {
            var entry = ProtobufWriter()  // map<string, Value> entry: key = 1, value = 2
            entry.writeString(field: 1, name)
            entry.writeBytes(field: 2, encode(value))
            info.writeBytes(field: 1, entry.bytes)
        }
        if startTimeSeconds.bitPattern != 0 { info.writeDouble(field: 5, startTimeSeconds) }
        return wrap(field: 3, info.bytes)
    }

    /// `HParamsPluginData{session_end_info: SessionEndInfo{status, end_time_secs}}`.
    public static func sessionEnd(status: Status, endTimeSeconds: Double) -> [UInt8] {
        var info = ProtobufWriter()
        if status != .unknown { info.writeVarint(field: 1, UInt64(status.rawValue)) }
        if endTimeSeconds.bitPattern != 0 { info.writeDouble(field: 2, endTimeSeconds) }
        return wrap(field: 4, info.bytes)
    }

    /// `HParamsPluginData{experiment: Experiment{hparam_infos, metric_infos}}`: the columns.
    ///
    /// - Parameters:
    ///   - hparams: each column's name and an example value (it gives the column's type).
    ///   - metrics: the scalar tags shown as metric columns, read from each session's own run.
    public static func experiment(hparams: [(name: String, example: Value)], metrics: [String]) -> [UInt8] {
        var experiment = ProtobufWriter()
        for (name, example) in hparams {
            var info = ProtobufWriter()  // HParamInfo: name = 1, type = 4
            info.writeString(field: 1, name)
            info.writeVarint(field: 4, example.dataType)
            experiment.writeBytes(field: 4, info.bytes)
        }
        for tag in metrics {
            var metricName = ProtobufWriter()  // MetricName: group = 1 (empty: the session's run), tag = 2
            metricName.writeString(field: 2, tag)
            var info = ProtobufWriter()  // MetricInfo: name = 1
            info.writeBytes(field: 1, metricName.bytes)
            experiment.writeBytes(field: 5, info.bytes)
        }
        return wrap(field: 2, experiment.bytes)
    }

    /// HParamsPluginData: version = 1 (always 0, so left out), then the oneof member.
    private static func wrap(field: Int, _ message: [UInt8]) -> [UInt8] {
        var data = ProtobufWriter()
        data.writeBytes(field: field, message)
        return data.bytes
    }

    /// `google.protobuf.Value`: a oneof, so its member is written even when zero or empty.
    private static func encode(_ value: Value) -> [UInt8] {
        var proto = ProtobufWriter()
        switch value {
        case let .number(number): proto.writeDouble(field: 2, number)
        case let .string(text): proto.writeString(field: 3, text)
        case let .bool(flag): proto.writeVarint(field: 4, flag ? 1 : 0)
        }
        return proto.bytes
    }
}
