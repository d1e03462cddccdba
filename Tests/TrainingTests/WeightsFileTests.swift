import DataFormats
import Foundation
import NN
import Training
import XCTest

/// `WeightsFile`: PyTorch state dicts in and out as safetensors, bit for bit, and every
/// mismatch between file and model reported at once.
final class WeightsFileTests: XCTestCase {
    private func seedMLP(depth: Int = 10, width: Int = 128, batchNorm: Bool = false) -> MLP {
        MLP(inputs: 10, width: width, depth: depth, outputs: 1, activation: .sigmoid, batchNorm: batchNorm)
    }

    private func smallResNet() -> ResNet1d {
        ResNet1d(inputs: 3, width: 8, depth: 2, outputs: 1, activation: .relu, residual: true)
    }

    /// Name → (shape, bit patterns) of every tensor in a safetensors file.
    private func tensorBits(_ url: URL) throws -> [String: ([Int], [UInt32])] {
        let file = try SafeTensorsFile.read(contentsOf: url)
        return Dictionary(uniqueKeysWithValues: file.tensors.map { ($0.name, ($0.array.shape, $0.array.values.map(\.bitPattern))) })
    }

    private func assertSameTensors(_ a: URL, _ b: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        let x = try tensorBits(a), y = try tensorBits(b)
        XCTAssertEqual(Set(x.keys), Set(y.keys), file: file, line: line)
        for (name, (shape, bits)) in x {
            XCTAssertEqual(y[name]?.0, shape, name, file: file, line: line)
            XCTAssertTrue(y[name]?.1 == bits, "\(name): bytes differ", file: file, line: line)
        }
    }

    func testPyTorchMLPWeightsLoadAndSaveBitForBit() throws {
        let dir = try TestFiles.temporaryDirectory(self)
        let source = TestFiles.golden("seed_mlp_init.safetensors")
        let model = seedMLP()
        try WeightsFile.load(source.path, into: model)
        let copy = dir.appendingPathComponent("copy.safetensors")
        try WeightsFile.save(model, to: copy.path)
        try assertSameTensors(source, copy)
        // The loaded values are the model's: its first weight is the file's.
        let file = try SafeTensorsFile.read(contentsOf: source)
        XCTAssertEqual(model.namedParameters()[0].tensor.scalars, file["model.0.weight"]?.values)
    }

    func testPyTorchResNetWeightsLoadAndSaveBitForBit() throws {
        let dir = try TestFiles.temporaryDirectory(self)
        let source = TestFiles.golden("resnet_small_init.safetensors")
        let model = smallResNet()
        try WeightsFile.load(source.path, into: model)
        let copy = dir.appendingPathComponent("copy.safetensors")
        try WeightsFile.save(model, to: copy.path, metadata: ["note": "round trip"])
        try assertSameTensors(source, copy)
        XCTAssertEqual(try SafeTensorsFile.read(contentsOf: copy).metadata["note"], "round trip")
    }

    func testBatchNormBuffersRoundTrip() throws {
        let dir = try TestFiles.temporaryDirectory(self)
        let a = seedMLP(depth: 2, width: 4, batchNorm: true)
        let names = a.stateDict().map(\.name)
        XCTAssertTrue(names.contains { $0.hasSuffix("running_mean") }, "\(names)")
        for (i, entry) in a.stateDict().enumerated() {
            for j in 0..<entry.tensor.count { entry.tensor.pointer[j] = Float(i) + Float(j) / 8 }
        }
        let url = dir.appendingPathComponent("bn.safetensors")
        try WeightsFile.save(a, to: url.path)
        let b = seedMLP(depth: 2, width: 4, batchNorm: true)
        try WeightsFile.load(url.path, into: b)
        XCTAssertEqual(a.stateDict().map(\.tensor.scalars), b.stateDict().map(\.tensor.scalars))
    }

    func testWrongShapesAreListedByName() throws {
        let source = TestFiles.golden("seed_mlp_init.safetensors").path
        XCTAssertThrowsError(try WeightsFile.load(source, into: seedMLP(width: 64))) {
            let message = "\($0)"
            XCTAssertTrue(message.hasPrefix(source), message)
            XCTAssertTrue(message.contains("model.0.weight: file has shape [128, 10], model has [64, 10]"), message)
            XCTAssertTrue(message.contains("model.20.weight: file has shape [1, 128], model has [1, 64]"), message)
            XCTAssertTrue(message.contains("--width"), message)
            XCTAssertFalse(message.contains("\n"), message)
        }
    }

    func testMissingAndUnexpectedNamesAreListed() throws {
        let source = TestFiles.golden("seed_mlp_init.safetensors").path
        // Depth 11 has model.22 that the file lacks.
        XCTAssertThrowsError(try WeightsFile.load(source, into: seedMLP(depth: 11))) {
            XCTAssertTrue("\($0)".contains("missing model.22.weight, model.22.bias"), "\($0)")
        }
        // Depth 9 ends at model.18 (the head), so the file's model.20 is unexpected.
        XCTAssertThrowsError(try WeightsFile.load(source, into: seedMLP(depth: 9))) {
            let message = "\($0)"
            XCTAssertTrue(message.contains("unexpected model.20."), message)
            XCTAssertTrue(message.contains("model.20.weight") && message.contains("model.20.bias"), message)
            XCTAssertTrue(message.contains("model.18.weight: file has shape [128, 128], model has [1, 128]"), message)
        }
        // A ResNet's weights do not fit an MLP at all.
        XCTAssertThrowsError(try WeightsFile.load(TestFiles.golden("resnet_small_init.safetensors").path, into: seedMLP())) {
            let message = "\($0)"
            XCTAssertTrue(message.contains("missing model.0.weight"), message)
            XCTAssertTrue(message.contains("unexpected blocks.0.conv1."), message)
            XCTAssertTrue(message.contains("in all)"), "long lists are shortened: \(message)")
        }
    }

    func testFailedLoadLeavesTheModelUntouched() throws {
        let model = seedMLP(depth: 9)
        let before = model.stateDict().map(\.tensor.scalars)
        XCTAssertThrowsError(try WeightsFile.load(TestFiles.golden("seed_mlp_init.safetensors").path, into: model))
        XCTAssertEqual(model.stateDict().map(\.tensor.scalars), before)
    }

    func testMissingAndMalformedFilesNameThePath() throws {
        let dir = try TestFiles.temporaryDirectory(self)
        let missing = dir.appendingPathComponent("none.safetensors").path
        XCTAssertThrowsError(try WeightsFile.load(missing, into: seedMLP())) {
            XCTAssertTrue("\($0)".contains("none.safetensors"), "\($0)")
        }
        let garbage = dir.appendingPathComponent("garbage.safetensors")
        try Data("this is not a safetensors file at all".utf8).write(to: garbage)
        XCTAssertThrowsError(try WeightsFile.load(garbage.path, into: seedMLP())) {
            XCTAssertTrue("\($0)".contains("garbage.safetensors"), "\($0)")
            XCTAssertFalse("\($0)".contains("\n"), "\($0)")
        }
    }
}
