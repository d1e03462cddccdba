import Foundation

/// The JSON header of a safetensors file: where each tensor lies in the data buffer, plus
/// free-form string metadata. Parsing checks everything a hostile header could get wrong before
/// any tensor is allocated.
struct SafeTensorsHeader {
    /// One tensor's entry, validated: its bytes lie inside the buffer and match its shape.
    struct Entry {
        var name: String
        var elementType: ElementType
        var shape: [Int]
        var elementCount: Int
        var begin: Int
        var end: Int
    }

    /// Entries in data-buffer order. A zero-size tensor sorts before a tensor starting at the same
    /// offset, as the writer lays them out; zero-size tensors at one offset sort by name.
    var entries: [Entry]
    var metadata: [String: String]

    static let metadataKey = "__metadata__"

    /// The safetensors dtype names this module reads, and what they mean.
    static let dtypes: [String: ElementType] = [
        "F32": .float32, "F64": .float64, "F16": .float16, "BF16": .bfloat16, "I64": .int64,
    ]
    static let supportedDtypeList = "F32, F64, F16, BF16 or I64"

    /// Parses and validates header JSON describing a data buffer of `bufferSize` bytes.
    static func parse(_ json: Data, bufferSize: Int, file: String) throws(DataFormatError) -> SafeTensorsHeader {
        guard let root = try? JSONDecoder().decode(JSONValue.self, from: json) else {
            throw DataFormatError(file: file, "header is not valid JSON; the file is corrupt or not a safetensors file")
        }
        guard case .object(let fields) = root else {
            throw DataFormatError(file: file, "header must be a JSON object mapping tensor names to {dtype, shape, data_offsets}")
        }
        var metadata: [String: String] = [:]
        var entries: [Entry] = []
        for (name, value) in fields {
            if name == metadataKey {
                metadata = try parseMetadata(value, file: file)
            } else {
                entries.append(try parseEntry(name: name, value, bufferSize: bufferSize, file: file))
            }
        }
        entries.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        for (previous, next) in zip(entries, entries.dropFirst()) where next.begin < previous.end {
            throw DataFormatError(file: file, "tensors \(previous.name.quotedForMessage) and \(next.name.quotedForMessage) overlap in the data buffer (data_offsets \(format(previous.begin, previous.end)) and \(format(next.begin, next.end))); the file is corrupt")
        }
        return SafeTensorsHeader(entries: entries, metadata: metadata)
    }

    private static func parseMetadata(_ value: JSONValue, file: String) throws(DataFormatError) -> [String: String] {
        let problem = "'\(metadataKey)' must be an object mapping strings to strings"
        guard case .object(let fields) = value else { throw DataFormatError(file: file, problem) }
        var metadata: [String: String] = [:]
        for (key, value) in fields {
            guard case .string(let text) = value else {
                throw DataFormatError(file: file, "\(problem), but \(key.quotedForMessage) is not a string")
            }
            metadata[key] = text
        }
        return metadata
    }

    private static func parseEntry(name: String, _ value: JSONValue, bufferSize: Int,
                                   file: String) throws(DataFormatError) -> Entry {
        let tensor = "tensor \(name.quotedForMessage)"
        guard case .object(let fields) = value else {
            throw DataFormatError(file: file, "\(tensor): expected an object with 'dtype', 'shape' and 'data_offsets'")
        }
        guard case .string(let dtype)? = fields["dtype"] else {
            throw DataFormatError(file: file, "\(tensor): 'dtype' is missing or not a string such as \"F32\"")
        }
        guard let elementType = dtypes[dtype] else {
            throw DataFormatError(file: file, "\(tensor): unsupported dtype \(dtype.quotedForMessage) (expected \(supportedDtypeList))")
        }
        guard let shape = fields["shape"]?.integers, shape.allSatisfy({ $0 >= 0 }) else {
            throw DataFormatError(file: file, "\(tensor): 'shape' is missing or not a list of non-negative integers")
        }
        guard let offsets = fields["data_offsets"]?.integers, offsets.count == 2,
              offsets[0] >= 0, offsets[1] >= 0 else {
            throw DataFormatError(file: file, "\(tensor): 'data_offsets' is missing or not two non-negative integers [begin, end]")
        }
        let (begin, end) = (offsets[0], offsets[1])
        guard begin <= end else {
            throw DataFormatError(file: file, "\(tensor): data_offsets \(format(begin, end)) end before they begin; the file is corrupt")
        }
        guard end <= bufferSize else {
            throw DataFormatError(file: file, "\(tensor): data_offsets \(format(begin, end)) run past the end of the \(bufferSize)-byte data buffer; the file is truncated or corrupt")
        }
        guard let count = ArrayData.elementCount(of: shape),
              case (let byteCount, false) = count.multipliedReportingOverflow(by: elementType.byteCount) else {
            throw DataFormatError(file: file, "\(tensor): shape \(ArrayData.describe(shape: shape)) has too many elements; the file is corrupt")
        }
        guard byteCount == end - begin else {
            throw DataFormatError(file: file, "\(tensor): shape \(ArrayData.describe(shape: shape)) of \(dtype) needs \(byteCount) bytes but data_offsets \(format(begin, end)) hold \(end - begin); the file is corrupt")
        }
        return Entry(name: name, elementType: elementType, shape: shape, elementCount: count,
                     begin: begin, end: end)
    }

    private static func format(_ begin: Int, _ end: Int) -> String { "[\(begin), \(end)]" }

    /// Header JSON for F32 tensors stored back to back in the order given, metadata first (with
    /// sorted keys), padded with spaces to a multiple of 8 bytes so the data buffer is aligned.
    static func encode(_ tensors: [(name: String, shape: [Int], byteCount: Int)],
                       metadata: [String: String]) -> Data {
        var members: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { key in
                "\(JSONText.quoted(key)):\(JSONText.quoted(metadata[key] ?? ""))"
            }
            members.append("\(JSONText.quoted(metadataKey)):{\(pairs.joined(separator: ","))}")
        }
        var offset = 0
        for tensor in tensors {
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            members.append("\(JSONText.quoted(tensor.name)):{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + tensor.byteCount)]}")
            offset += tensor.byteCount
        }
        var json = Data("{\(members.joined(separator: ","))}".utf8)
        let padding = (8 - json.count % 8) % 8
        json.append(contentsOf: repeatElement(UInt8(ascii: " "), count: padding))
        return json
    }
}
