// Field numbers from TensorFlow's event.proto, summary.proto and histogram.proto.
//
// Plain proto3 scalars equal to zero are left out, as protobuf's serializers do; the members
// of a `oneof` (file_version, summary, simple_value, histo) are always written, because there
// presence is the information: a scalar value of 0 must still be a scalar.
extension TensorBoardRecord {
    private enum EventField {
        static let wallTime = 1, step = 2, fileVersion = 3, summary = 5
    }
    private enum SummaryField {
        static let value = 1
    }
    private enum ValueField {
        static let tag = 1, simpleValue = 2, histo = 5, tensor = 8, metadata = 9
    }
    private enum MetadataField {
        static let pluginData = 1
    }
    private enum PluginDataField {
        static let pluginName = 1, content = 2
    }
    /// The empty float tensor (`dtype: DT_FLOAT, tensor_shape {dim {}}`) that TensorBoard's own
    /// hparams summaries carry: the plugin data is in the metadata, but readers expect a value.
    private static let nullTensor: [UInt8] = [0x08, 0x01, 0x12, 0x02, 0x12, 0x00]
    private enum HistogramField {
        static let min = 1, max = 2, num = 3, sum = 4, sumSquares = 5, bucketLimit = 6, bucket = 7
    }

    /// The `Event` protobuf bytes of this record.
    func encodedEvent() -> [UInt8] {
        var event = ProtobufWriter()
        if wallTime.bitPattern != 0 { event.writeDouble(field: EventField.wallTime, wallTime) }
        if step != 0 { event.writeInt64(field: EventField.step, Int64(step)) }
        if let fileVersion {
            event.writeString(field: EventField.fileVersion, fileVersion)
        } else {
            var summary = ProtobufWriter()
            for scalar in scalars {
                var value = ProtobufWriter()
                if !scalar.tag.isEmpty { value.writeString(field: ValueField.tag, scalar.tag) }
                value.writeFloat(field: ValueField.simpleValue, scalar.value)
                summary.writeBytes(field: SummaryField.value, value.bytes)
            }
            for histogram in histograms {
                var value = ProtobufWriter()
                if !histogram.tag.isEmpty { value.writeString(field: ValueField.tag, histogram.tag) }
                value.writeBytes(field: ValueField.histo, Self.encode(histogram.data))
                summary.writeBytes(field: SummaryField.value, value.bytes)
            }
            for plugin in pluginValues {
                summary.writeBytes(field: SummaryField.value, Self.encode(plugin))
            }
            event.writeBytes(field: EventField.summary, summary.bytes)
        }
        return event.bytes
    }

    /// Decodes an `Event`; fields and summary kinds this module does not write are skipped.
    init(decodingEvent bytes: ArraySlice<UInt8>) throws(ProtobufReader.Failure) {
        self.init(wallTime: 0, step: 0)
        var reader = ProtobufReader(bytes)
        while let header = try reader.nextField() {
            switch header.field {
            case EventField.wallTime:
                wallTime = try reader.readDouble(header, name: "Event.wall_time")
            case EventField.step:
                try reader.expect(header, .varint, name: "Event.step")
                step = Int(truncatingIfNeeded: Int64(bitPattern: try reader.readVarint()))
            case EventField.fileVersion:
                try reader.expect(header, .lengthDelimited, name: "Event.file_version")
                fileVersion = try reader.readString()
            case EventField.summary:
                try reader.expect(header, .lengthDelimited, name: "Event.summary")
                try decodeSummary(try reader.readLengthDelimited())
            default:
                try reader.skip(wireType: header.wireType)
            }
        }
    }

    private mutating func decodeSummary(_ bytes: ArraySlice<UInt8>) throws(ProtobufReader.Failure) {
        var reader = ProtobufReader(bytes)
        while let header = try reader.nextField() {
            guard header.field == SummaryField.value else {
                try reader.skip(wireType: header.wireType)
                continue
            }
            try reader.expect(header, .lengthDelimited, name: "Summary.value")
            try decodeValue(try reader.readLengthDelimited())
        }
    }

    private mutating func decodeValue(_ bytes: ArraySlice<UInt8>) throws(ProtobufReader.Failure) {
        var reader = ProtobufReader(bytes)
        var tag = ""
        var simpleValue: Float?
        var histogram: HistogramData?
        var plugin: (name: String, content: [UInt8])?
        while let header = try reader.nextField() {
            switch header.field {
            case ValueField.tag:
                try reader.expect(header, .lengthDelimited, name: "Summary.Value.tag")
                tag = try reader.readString()
            case ValueField.simpleValue:
                try reader.expect(header, .fixed32, name: "Summary.Value.simple_value")
                simpleValue = Float(bitPattern: try reader.readFixed32())
            case ValueField.histo:
                try reader.expect(header, .lengthDelimited, name: "Summary.Value.histo")
                histogram = try Self.decodeHistogram(try reader.readLengthDelimited())
            case ValueField.metadata:
                try reader.expect(header, .lengthDelimited, name: "Summary.Value.metadata")
                plugin = try Self.decodePluginData(try reader.readLengthDelimited())
            default:
                try reader.skip(wireType: header.wireType)
            }
        }
        if let simpleValue { scalars.append(Scalar(tag: tag, value: simpleValue)) }
        if let histogram { histograms.append(Histogram(tag: tag, data: histogram)) }
        // Scalars and histograms may carry metadata too; only the other values are plugin values.
        if let plugin, simpleValue == nil, histogram == nil {
            pluginValues.append(PluginValue(tag: tag, pluginName: plugin.name, content: plugin.content))
        }
    }

    /// `Summary.Value{tag, tensor: null, metadata: {plugin_data: {plugin_name, content}}}`.
    private static func encode(_ plugin: PluginValue) -> [UInt8] {
        var pluginData = ProtobufWriter()
        if !plugin.pluginName.isEmpty { pluginData.writeString(field: PluginDataField.pluginName, plugin.pluginName) }
        if !plugin.content.isEmpty { pluginData.writeBytes(field: PluginDataField.content, plugin.content) }
        var metadata = ProtobufWriter()
        metadata.writeBytes(field: MetadataField.pluginData, pluginData.bytes)
        var value = ProtobufWriter()
        if !plugin.tag.isEmpty { value.writeString(field: ValueField.tag, plugin.tag) }
        value.writeBytes(field: ValueField.tensor, nullTensor)
        value.writeBytes(field: ValueField.metadata, metadata.bytes)
        return value.bytes
    }

    /// The plugin name and content of a `SummaryMetadata`, or nil when it has no plugin data.
    private static func decodePluginData(_ bytes: ArraySlice<UInt8>) throws(ProtobufReader.Failure) -> (name: String, content: [UInt8])? {
        var metadata = ProtobufReader(bytes)
        var found: (name: String, content: [UInt8])?
        while let header = try metadata.nextField() {
            guard header.field == MetadataField.pluginData else {
                try metadata.skip(wireType: header.wireType)
                continue
            }
            try metadata.expect(header, .lengthDelimited, name: "SummaryMetadata.plugin_data")
            var reader = ProtobufReader(try metadata.readLengthDelimited())
            var result = (name: "", content: [UInt8]())
            while let inner = try reader.nextField() {
                switch inner.field {
                case PluginDataField.pluginName:
                    try reader.expect(inner, .lengthDelimited, name: "PluginData.plugin_name")
                    result.name = try reader.readString()
                case PluginDataField.content:
                    try reader.expect(inner, .lengthDelimited, name: "PluginData.content")
                    result.content = Array(try reader.readLengthDelimited())
                default:
                    try reader.skip(wireType: inner.wireType)
                }
            }
            found = result
        }
        return found
    }

    private static func encode(_ histogram: HistogramData) -> [UInt8] {
        var proto = ProtobufWriter()
        let fields: [(Int, Double)] = [
            (HistogramField.min, histogram.min), (HistogramField.max, histogram.max),
            (HistogramField.num, histogram.count), (HistogramField.sum, histogram.sum),
            (HistogramField.sumSquares, histogram.sumOfSquares),
        ]
        for (field, value) in fields where value.bitPattern != 0 {
            proto.writeDouble(field: field, value)
        }
        proto.writePackedDoubles(field: HistogramField.bucketLimit, histogram.bucketLimits)
        proto.writePackedDoubles(field: HistogramField.bucket, histogram.bucketCounts)
        return proto.bytes
    }

    private static func decodeHistogram(_ bytes: ArraySlice<UInt8>) throws(ProtobufReader.Failure) -> HistogramData {
        var data = HistogramData(min: 0, max: 0, count: 0, sum: 0, sumOfSquares: 0,
                                 bucketLimits: [], bucketCounts: [])
        var reader = ProtobufReader(bytes)
        while let header = try reader.nextField() {
            switch header.field {
            case HistogramField.min: data.min = try reader.readDouble(header, name: "HistogramProto.min")
            case HistogramField.max: data.max = try reader.readDouble(header, name: "HistogramProto.max")
            case HistogramField.num: data.count = try reader.readDouble(header, name: "HistogramProto.num")
            case HistogramField.sum: data.sum = try reader.readDouble(header, name: "HistogramProto.sum")
            case HistogramField.sumSquares:
                data.sumOfSquares = try reader.readDouble(header, name: "HistogramProto.sum_squares")
            case HistogramField.bucketLimit:
                try reader.readDoubles(wireType: header.wireType, into: &data.bucketLimits)
            case HistogramField.bucket:
                try reader.readDoubles(wireType: header.wireType, into: &data.bucketCounts)
            default:
                try reader.skip(wireType: header.wireType)
            }
        }
        return data
    }
}
