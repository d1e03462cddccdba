import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNumPy(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    do {
        _ = try NumPyFile.decode(Data(bytes: bytes, count: count), file: "fuzz.npy")
    } catch {
        checkRejection(error, file: "fuzz.npy")
    }
    return 0
}
