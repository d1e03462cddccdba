import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    do {
        let table = try CSVTable(decoding: Data(bytes: bytes, count: count), file: "fuzz.csv")
        _ = try table.split(targetColumn: table.columnNames.last ?? "")
    } catch {
        checkRejection(error, file: "fuzz.csv")
    }
    return 0
}
