import Foundation

/// The dict literal in a `.npy` header — `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`
/// — interpreted and checked, and written back the way `numpy.save` writes it.
struct NumPyHeader {
    var elementType: ElementType
    var shape: [Int]

    /// The `descr` strings this module reads: little-endian (or byte-order-free) numeric types.
    static let descriptors: [String: ElementType] = [
        "<f2": .float16, "<f4": .float32, "<f8": .float64, "<i4": .int32, "<i8": .int64,
    ]

    /// Interprets the header text; `file` names the source in errors.
    static func parse(_ text: some Collection<UInt8>, file: String) throws(DataFormatError) -> NumPyHeader {
        let literal: PythonLiteral
        do {
            literal = try PythonLiteral.parse(text)
        } catch {
            throw DataFormatError(file: file, "header is not a valid Python dict literal (\(error.message)); the file is corrupt")
        }
        guard case .dict(let pairs) = literal else {
            throw DataFormatError(file: file, "header is not a dict with 'descr', 'fortran_order' and 'shape'; the file is corrupt")
        }
        // Python keeps the last of duplicate keys; so do we.
        var fields: [String: PythonLiteral] = [:]
        for (key, value) in pairs { fields[key] = value }

        let elementType = try parseDescriptor(fields["descr"], file: file)
        let shape = try parseShape(fields["shape"], file: file)
        guard case .bool(let fortranOrder)? = fields["fortran_order"] else {
            throw DataFormatError(file: file, "header has no boolean 'fortran_order'; the file is corrupt")
        }
        // With at most one axis longer than 1, Fortran and C order lay out the same bytes.
        if fortranOrder && shape.filter({ $0 > 1 }).count > 1 {
            throw DataFormatError(file: file, "array is in Fortran order (fortran_order is True); save it in C order with numpy.save(path, numpy.ascontiguousarray(a))")
        }
        return NumPyHeader(elementType: elementType, shape: shape)
    }

    private static func parseDescriptor(_ value: PythonLiteral?, file: String) throws(DataFormatError) -> ElementType {
        switch value {
        case .string(let descr)?:
            if let type = descriptors[descr] { return type }
            if descr.hasPrefix(">") {
                throw DataFormatError(file: file, "big-endian dtype \(descr.quotedForMessage) is not supported; convert with a.astype(a.dtype.newbyteorder('<'))")
            }
            throw DataFormatError(file: file, "unsupported dtype \(descr.quotedForMessage) (expected float16, float32, float64, int32 or int64); convert with a.astype(numpy.float32)")
        case .list?:
            throw DataFormatError(file: file, "structured dtypes are not supported; save a plain numeric array")
        default:
            throw DataFormatError(file: file, "header has no string 'descr' (the dtype); the file is corrupt")
        }
    }

    private static func parseShape(_ value: PythonLiteral?, file: String) throws(DataFormatError) -> [Int] {
        let problem = "header 'shape' is missing or not a tuple of non-negative integers such as (100, 3); the file is corrupt"
        guard case .tuple(let elements)? = value else { throw DataFormatError(file: file, problem) }
        var shape: [Int] = []
        for element in elements {
            guard case .integer(let extent) = element, extent >= 0 else { throw DataFormatError(file: file, problem) }
            shape.append(extent)
        }
        return shape
    }

    /// `shape` as Python writes a tuple — `()`, `(5,)`, `(2, 3)` — cut short if it is huge.
    static func pythonTuple(_ shape: [Int]) -> String {
        if shape.count == 1 { return "(\(shape[0]),)" }
        let limit = 8
        var parts = shape.prefix(limit).map(String.init)
        if shape.count > limit { parts.append("… \(shape.count) axes") }
        return "(\(parts.joined(separator: ", ")))"
    }

    /// The complete preamble `numpy.save` writes for a little-endian float32 C-order array: magic,
    /// version, header length and the padded dict, so that the data starts on a 64-byte boundary.
    static func encodeFloat32Preamble(shape: [Int]) -> Data {
        var dict = "{'descr': '<f4', 'fortran_order': False, 'shape': \(pythonTupleUntruncated(shape)), }"
        // numpy ≥ 1.23 leaves room for the first axis to grow to 21 digits, so a file can be
        // appended to in place; matching it keeps our output byte-identical to numpy's.
        if let first = shape.first {
            dict += String(repeating: " ", count: max(0, 21 - String(first).count))
        }
        let text = Array(dict.utf8)
        // Padding counts the magic (6), the version (2), the length field and the final newline.
        func padding(lengthSize: Int) -> Int { 64 - (8 + lengthSize + text.count + 1) % 64 }
        // Version 1.0 has a 16-bit header length; only an absurd number of axes needs 2.0.
        let isVersion1 = text.count + padding(lengthSize: 2) + 1 <= Int(UInt16.max)
        let lengthSize = isVersion1 ? 2 : 4
        let headerLength = text.count + padding(lengthSize: lengthSize) + 1

        var data = Data([0x93] + Array("NUMPY".utf8) + [isVersion1 ? 1 : 2, 0])
        if isVersion1 {
            withUnsafeBytes(of: UInt16(headerLength).littleEndian) { data.append(contentsOf: $0) }
        } else {
            withUnsafeBytes(of: UInt32(headerLength).littleEndian) { data.append(contentsOf: $0) }
        }
        data.append(contentsOf: text)
        data.append(contentsOf: repeatElement(UInt8(ascii: " "), count: padding(lengthSize: lengthSize)))
        data.append(UInt8(ascii: "\n"))
        return data
    }

    private static func pythonTupleUntruncated(_ shape: [Int]) -> String {
        shape.count == 1 ? "(\(shape[0]),)" : "(\(shape.map(String.init).joined(separator: ", ")))"
    }
}
