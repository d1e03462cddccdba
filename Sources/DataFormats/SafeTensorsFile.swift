import Foundation

/// A safetensors file: named tensors plus string metadata, as Hugging Face's safetensors library
/// reads and writes them.
///
/// The format is an 8-byte little-endian header length N, N bytes of UTF-8 JSON
/// `{name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}`, then the
/// data buffer the offsets point into. Reading accepts F32, F64, F16, BF16 and I64 tensors and
/// converts them to `Float`; writing always stores F32, tensors back to back in the order given.
///
///     let file = try SafeTensorsFile.read(contentsOf: url)
///     let weight = file["model.0.weight"]
public struct SafeTensorsFile: Equatable, Sendable {
    /// One named tensor.
    public struct Tensor: Equatable, Sendable {
        /// The tensor's name, such as `model.0.weight`.
        public var name: String
        /// The tensor's shape, values and original dtype.
        public var array: ArrayData

        /// Creates a named tensor.
        public init(name: String, array: ArrayData) {
            self.name = name
            self.array = array
        }

        /// Creates a named float32 tensor; `values.count` should equal the product of `shape`.
        public init(name: String, shape: [Int], values: [Float]) {
            self.init(name: name, array: ArrayData(shape: shape, values: values))
        }
    }

    /// Headers longer than this are refused before anything is allocated; real ones are kilobytes.
    public static let maximumHeaderLength = 100_000_000

    /// The tensors: when read, in data-buffer order; when written, stored in this order.
    public var tensors: [Tensor]
    /// The `__metadata__` string pairs.
    public var metadata: [String: String]

    /// Creates a file's contents in memory.
    public init(tensors: [Tensor] = [], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// The tensor called `name`, if there is one.
    public subscript(name: String) -> ArrayData? {
        tensors.first { $0.name == name }?.array
    }

    /// Reads and validates the safetensors file at `url`.
    public static func read(contentsOf url: URL) throws(DataFormatError) -> SafeTensorsFile {
        try SafeTensorsFile(decoding: FileBytes.read(url), file: FileBytes.displayName(of: url))
    }

    /// Parses safetensors bytes; `file` names the source in errors.
    ///
    /// - Throws: `DataFormatError` for any malformed input; nothing is allocated in proportion to
    ///   a size the file claims until that size is checked against the bytes actually present.
    public init(decoding data: Data, file: String) throws(DataFormatError) {
        guard data.count >= 8 else {
            throw DataFormatError(file: file, "file is \(data.count) bytes, shorter than the 8-byte header length; the file is truncated or not a safetensors file")
        }
        let headerLength = data.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard headerLength <= UInt64(Self.maximumHeaderLength) else {
            throw DataFormatError(file: file, "header length \(headerLength) exceeds the 100 MB limit; the file is corrupt or not a safetensors file")
        }
        let headerEnd = 8 + Int(headerLength)
        guard headerEnd <= data.count else {
            throw DataFormatError(file: file, "header length \(headerLength) runs past the end of the file (\(data.count - 8) bytes follow it); the file is truncated")
        }
        let json = data.withUnsafeBytes { Data($0[8..<headerEnd]) }
        let header = try SafeTensorsHeader.parse(json, bufferSize: data.count - headerEnd, file: file)
        tensors = data.withUnsafeBytes { bytes in
            header.entries.map { entry in
                let values = ElementDecoding.floats(from: bytes, offset: headerEnd + entry.begin,
                                                    count: entry.elementCount, type: entry.elementType)
                return Tensor(name: entry.name,
                              array: ArrayData(shape: entry.shape, values: values, elementType: entry.elementType))
            }
        }
        metadata = header.metadata
    }

    /// The file's bytes: every tensor as little-endian F32, in order, with a deterministic header.
    ///
    /// - Parameter file: names the destination in errors.
    /// - Throws: `DataFormatError` if two tensors share a name, a name is `__metadata__`, or a
    ///   tensor's value count does not match its shape.
    public func encoded(file: String) throws(DataFormatError) -> Data {
        var seen = Set<String>()
        var layout: [(name: String, shape: [Int], byteCount: Int)] = []
        for tensor in tensors {
            let name = tensor.name.quotedForMessage
            guard tensor.name != SafeTensorsHeader.metadataKey else {
                throw DataFormatError(file: file, "tensor name \(name) is reserved for metadata; rename the tensor")
            }
            guard seen.insert(tensor.name).inserted else {
                throw DataFormatError(file: file, "tensor name \(name) appears twice; tensor names must be unique")
            }
            let shape = tensor.array.shape
            guard let count = ArrayData.elementCount(of: shape), count == tensor.array.values.count else {
                throw DataFormatError(file: file, "tensor \(name): \(tensor.array.values.count) values do not fill shape \(ArrayData.describe(shape: shape))")
            }
            layout.append((tensor.name, shape, count * 4))
        }
        let header = SafeTensorsHeader.encode(layout, metadata: metadata)
        var data = Data(capacity: 8 + header.count + layout.reduce(0) { $0 + $1.byteCount })
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(header)
        for tensor in tensors {
            data.appendLittleEndian(tensor.array.values)
        }
        return data
    }

    /// Writes the file atomically (see `AtomicFileWriter`), every tensor as F32.
    public func write(to url: URL) throws(DataFormatError) {
        try AtomicFileWriter.write(encoded(file: FileBytes.displayName(of: url)), to: url)
    }
}
