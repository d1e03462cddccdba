import Foundation
@testable import Training
import XCTest

/// The writer (`MetricsLog`) and the readers' `MetricsLine` agree on every field of metrics.jsonl.
final class MetricsLineTests: XCTestCase {
    typealias Line = MetricsLine

    static let phases = PhaseStatistics(mean: [0.0021, 0.004, 0.0005, 0.00125], max: [0.0023, 0.0051, 0.0015, 0.002])

    static let fullDiagnostics = DiagnosticsRecord(
        localGradientNorms: [("model.0.weight", 2.4e-9, 1.1e-10), ("model.2.weight", 0.5, 0)],
        updateRatios: [("model.0.weight", 2.2e-13), ("model.2.weight", .nan)],
        activations: [.init(name: "model.1", mean: 0.507, std: 0.139, saturatedFraction: 0.25, deadFraction: nil),
                      .init(name: "model.3", mean: 0.1, std: 2, saturatedFraction: nil, deadFraction: 0.5)],
        noiseScale: .init(gradientSquaredNorm: 1.7, traceCovariance: 420, simple: -247.5, smoothed: nil,
                          perLayer: [("model.0.weight", 310), ("model.2.weight", nil)], smallBatch: 50, largeBatch: 100),
        noiseScaleNote: "ignored: there is a noise scale",
        histograms: [("gradients/model.0.weight", [1, 2, 3])])

    static let steps = [
        StepRecord(step: 1, epoch: 1, loss: 2.5, learningRate: 0.01, samplesPerSecond: 5312.4,
                   gradientNorms: [("model.0.weight", 2.3e-9), ("model.2.weight", 8.9e-9), ("model.10.weight", 0.25)],
                   vanishingFactor: nil, phases: phases, diagnostics: fullDiagnostics),
        StepRecord(step: 2, epoch: 1, loss: .nan, learningRate: 0.0125, samplesPerSecond: 100,
                   gradientNorms: [("model.0.weight", .infinity)], vanishingFactor: 1.3e-5, phases: phases,
                   diagnostics: DiagnosticsRecord(noiseScaleNote: "one rank, no accumulation")),
        StepRecord(step: 3, epoch: 2, loss: 1, learningRate: 3e-4, samplesPerSecond: 1e6, gradientNorms: [],
                   vanishingFactor: 0.5, phases: PhaseStatistics(mean: [0, 0, 0, 0], max: [1, 2, 3, 4]), diagnostics: nil),
    ]
    static let epochs = [
        EpochRecord(epoch: 1, step: 2, trainLoss: 2.25, validationLoss: 2.5, validationAccuracy: 0.625),
        EpochRecord(epoch: 2, step: 3, trainLoss: .nan, validationLoss: nil, validationAccuracy: nil),
    ]
    static let evaluations = [
        EvaluationRecord(step: 2, trainLoss: nil, validationLoss: 1.5, validationAccuracy: nil),
        EvaluationRecord(step: 3, trainLoss: 0.75, validationLoss: .infinity, validationAccuracy: 0.5),
    ]

    /// A Double as the file can hold it: not finite becomes null.
    static func finite(_ v: Double?) -> Double? { v.flatMap { $0.isFinite ? $0 : nil } }

    func testEveryFieldRoundTripsFromWriterToReader() throws {
        let dir = try RunDirectory(path: TestFiles.temporaryDirectory(self).appendingPathComponent("run").path)
        let log = MetricsLog(directory: dir)
        log.record(Self.steps[0])
        log.record(Self.steps[1])
        log.record(Self.evaluations[0])
        log.record(Self.epochs[0])
        log.record(Self.steps[2])
        log.record(Self.evaluations[1])
        log.record(Self.epochs[1])
        log.flush()

        let data = try Data(contentsOf: dir.file("metrics.jsonl"))
        let raw = data.split(separator: UInt8(ascii: "\n"))
        XCTAssertEqual(raw.count, 7)
        var lines: [Line] = []
        for text in raw {
            guard case .record(let line) = try Line.decode(text) else { return XCTFail("skipped: \(String(decoding: text, as: UTF8.self))") }
            lines.append(line)
            // The keys the contract says are always written are there, null or not.
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text)) as? [String: Any])
            for key in Line.keysAlwaysWritten(for: line.type) {
                XCTAssertNotNil(object[key.rawValue], "\(key.rawValue) in \(String(decoding: text, as: UTF8.self))")
            }
            // Every key the writer wrote is one the type knows.
            XCTAssertEqual(Set(object.keys).subtracting(Line.CodingKeys.allCases.map(\.rawValue)), [])
            // And the Codable type round-trips itself.
            XCTAssertEqual(try JSONDecoder().decode(Line.self, from: JSONEncoder().encode(line)), line)
        }
        XCTAssertEqual(lines.map(\.type), [.step, .step, .eval, .epoch, .step, .eval, .epoch])

        for (line, r) in zip([lines[0], lines[1], lines[4]], Self.steps) {
            XCTAssertEqual(line.step, r.step)
            XCTAssertEqual(line.epoch, r.epoch)
            XCTAssertEqual(line.loss, Self.finite(r.loss))
            XCTAssertEqual(line.lr.map(Float.init), r.learningRate)
            XCTAssertEqual(line.samplesPerSecond, r.samplesPerSecond)
            XCTAssertEqual(line.gradNorms, Dictionary(uniqueKeysWithValues: r.gradientNorms.map { ($0.name, Self.finite($0.norm)) }))
            XCTAssertEqual(line.vanishingFactor, r.vanishingFactor)
            let timing = try XCTUnwrap(line.timing)
            for (i, phase) in Line.Timing.CodingKeys.allCases.enumerated() {
                XCTAssertEqual(timing[phase], Line.Phase(meanMs: r.phases.mean[i] * 1e3, maxMs: r.phases.max[i] * 1e3))
            }
            XCTAssertNil(line.trainLoss)
            XCTAssertNil(line.valLoss)
            XCTAssertNil(line.valAccuracy)
        }

        let d = try XCTUnwrap(lines[0].diagnostics)
        XCTAssertEqual(d.localGradNorms, ["model.0.weight": .init(mean: 2.4e-9, spread: 1.1e-10),
                                          "model.2.weight": .init(mean: 0.5, spread: 0)])
        XCTAssertEqual(d.updateRatios, ["model.0.weight": 2.2e-13, "model.2.weight": nil])
        XCTAssertEqual(d.activations, ["model.1": .init(mean: 0.507, std: 0.139, saturatedFraction: 0.25, deadFraction: nil),
                                       "model.3": .init(mean: 0.1, std: 2, saturatedFraction: nil, deadFraction: 0.5)])
        XCTAssertEqual(d.noiseScale, Line.NoiseScale(gradientSquaredNorm: 1.7, traceCovariance: 420, bSimple: -247.5,
                                                     bSimpleEma: nil, smallBatch: 50, largeBatch: 100,
                                                     perLayerEma: ["model.0.weight": 310, "model.2.weight": nil]))
        XCTAssertNil(d.noiseScaleUnavailable, "the note is written only without a noise scale")

        XCTAssertEqual(lines[1].diagnostics, Line.Diagnostics(localGradNorms: [:], updateRatios: [:], activations: [:],
                                                              noiseScale: nil, noiseScaleUnavailable: "one rank, no accumulation"))
        XCTAssertNil(lines[4].diagnostics)
        XCTAssertEqual(lines[4].gradNorms, [:])

        for (line, r) in zip([lines[3], lines[6]], Self.epochs) {
            XCTAssertEqual(line, Line(type: .epoch, step: r.step, epoch: r.epoch, trainLoss: Self.finite(r.trainLoss),
                                      valLoss: r.validationLoss, valAccuracy: r.validationAccuracy))
        }
        for (line, r) in zip([lines[2], lines[5]], Self.evaluations) {
            XCTAssertEqual(line, Line(type: .eval, step: r.step, trainLoss: r.trainLoss,
                                      valLoss: Self.finite(r.validationLoss), valAccuracy: r.validationAccuracy))
        }
    }

    func testUnknownTypesAreSkippedAndDamageIsAnError() throws {
        XCTAssertEqual(try Line.decode(Data(#"{"type":"hparams","step":"not a number","x":[1]}"#.utf8)), .skipped(type: "hparams"))
        XCTAssertEqual(try Line.decode(Data(#"{"step":3}"#.utf8)), .skipped(type: ""))
        XCTAssertEqual(try Line.decode(Data(#"{"type":"eval","step":3,"future_field":{"a":1}}"#.utf8)),
                       .record(Line(type: .eval, step: 3)), "unknown fields of known types are ignored")

        for (text, problem) in [("not json", "not a JSON object"), (#"{"type":"step","st"#, "not a JSON object"),
                                ("[1,2]", "not a JSON object"),
                                (#"{"type":"step","step":"x"}"#, "'step': expected Int"),
                                (#"{"type":"step","diagnostics":{"noise_scale":{"small_batch":1.5}}}"#,
                                 "a number does not fit its field")] {
            XCTAssertThrowsError(try Line.decode(Data(text.utf8)), text) { error in
                XCTAssertTrue(Line.problem(error).hasPrefix(problem), "\(text): \(Line.problem(error))")
            }
        }
    }
}
