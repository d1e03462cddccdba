import Foundation

/// Reads and writes NumPy `.npy` files, the format of `numpy.save`.
///
/// A file is the magic `\x93NUMPY`, a version (1.0, 2.0 or 3.0), a little-endian header length
/// (2 bytes in 1.0, 4 after), a Python dict literal giving `descr`, `fortran_order` and `shape`,
/// then the raw elements. Reading accepts little-endian float16/32/64 and int32/64 in C order and
/// converts them to `Float`, keeping the original type in `ArrayData.elementType` so integer class
/// labels can be told apart. Writing stores float32.
///
///     let inputs = try NumPyFile.read(contentsOf: url)   // shape [samples, features...]
public enum NumPyFile {
    private static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    /// Reads and validates the `.npy` file at `url`.
    public static func read(contentsOf url: URL) throws(DataFormatError) -> ArrayData {
        try decode(FileBytes.read(url), file: FileBytes.displayName(of: url))
    }

    /// Parses `.npy` bytes; `file` names the source in errors.
    ///
    /// - Throws: `DataFormatError` for any malformed input, including data shorter or longer than
    ///   the shape calls for; sizes are checked against the bytes present before allocating.
    public static func decode(_ data: Data, file: String) throws(DataFormatError) -> ArrayData {
        let bytes = [UInt8](data.prefix(12))
        guard bytes.count >= 10 else {
            throw DataFormatError(file: file, "file is \(data.count) bytes, too short for a .npy header; the file is truncated or not a .npy file")
        }
        guard Array(bytes[0..<6]) == magic else {
            throw DataFormatError(file: file, "not a .npy file (it does not start with \\x93NUMPY); save arrays with numpy.save")
        }
        let (major, minor) = (bytes[6], bytes[7])
        guard minor == 0, (1...3).contains(major) else {
            throw DataFormatError(file: file, "unsupported .npy format version \(major).\(minor) (expected 1.0, 2.0 or 3.0)")
        }
        let lengthSize = major == 1 ? 2 : 4
        guard bytes.count >= 8 + lengthSize else {
            throw DataFormatError(file: file, "file is \(data.count) bytes, too short for a version \(major).0 .npy header; the file is truncated")
        }
        let headerLength = bytes[8..<(8 + lengthSize)].reversed().reduce(0) { $0 << 8 | Int($1) }
        let headerStart = 8 + lengthSize
        let dataStart = headerStart + headerLength
        guard dataStart <= data.count else {
            throw DataFormatError(file: file, "header length \(headerLength) runs past the end of the \(data.count)-byte file; the file is truncated")
        }
        let headerText = data[(data.startIndex + headerStart)..<(data.startIndex + dataStart)]
        let header = try NumPyHeader.parse(headerText, file: file)
        let type = header.elementType
        let shapeText = NumPyHeader.pythonTuple(header.shape)
        guard let count = ArrayData.elementCount(of: header.shape),
              case (let byteCount, false) = count.multipliedReportingOverflow(by: type.byteCount) else {
            throw DataFormatError(file: file, "shape \(shapeText) has too many elements; the file is corrupt")
        }
        let available = data.count - dataStart
        guard byteCount == available else {
            let hint = byteCount > available ? "the file is truncated" : "the file holds more than one array or the shape is wrong"
            throw DataFormatError(file: file, "shape \(shapeText) of \(type.rawValue) needs \(byteCount) bytes of data but the file holds \(available); \(hint)")
        }
        let values = data.withUnsafeBytes { raw in
            ElementDecoding.floats(from: raw, offset: dataStart, count: count, type: type)
        }
        return ArrayData(shape: header.shape, values: values, elementType: type)
    }

    /// The `.npy` bytes (format 1.0, float32, C order) that `numpy.save` would write for `array`.
    ///
    /// - Parameter file: names the destination in errors.
    /// - Throws: `DataFormatError` if `array.values.count` does not match `array.shape`.
    public static func encode(_ array: ArrayData, file: String) throws(DataFormatError) -> Data {
        guard let count = ArrayData.elementCount(of: array.shape), count == array.values.count else {
            throw DataFormatError(file: file, "\(array.values.count) values do not fill shape \(NumPyHeader.pythonTuple(array.shape))")
        }
        var data = NumPyHeader.encodeFloat32Preamble(shape: array.shape)
        data.reserveCapacity(data.count + count * 4)
        data.appendLittleEndian(array.values)
        return data
    }

    /// Writes `array` as a float32 `.npy` file, atomically (see `AtomicFileWriter`).
    public static func write(_ array: ArrayData, to url: URL) throws(DataFormatError) {
        try AtomicFileWriter.write(encode(array, file: FileBytes.displayName(of: url)), to: url)
    }
}
