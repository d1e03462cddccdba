import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafeTensors(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    do {
        _ = try SafeTensorsFile(decoding: Data(bytes: bytes, count: count), file: "fuzz.safetensors")
    } catch {
        checkRejection(error, file: "fuzz.safetensors")
    }
    return 0
}
