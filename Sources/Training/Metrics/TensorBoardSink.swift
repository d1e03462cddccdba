import Foundation
import Reporting

/// Writes a run's records as TensorBoard event files (`--tensorboard DIR`; rank 0 only).
///
/// Scalars, one event per record:
/// - `train/loss`, `train/lr`, `train/samples_per_second`, `train/vanishing_factor`;
/// - `grad_norm/<layer>` (averaged gradient norm per weight layer);
/// - `timing/<phase>_ms` and `timing/<phase>_max_ms` (mean and slowest rank);
/// - on diagnostic steps: `noise_scale/b_simple`, `noise_scale/b_simple_ema`,
///   `noise_scale/gradient_squared_norm`, `noise_scale/trace_covariance`,
///   `noise_scale_layer/<layer>`, `update_ratio/<layer>`, `local_grad_norm/<layer>/mean` and
///   `…/spread`, `activation/<layer>/mean`, `…/std`, `…/saturated_fraction`, `…/dead_fraction`;
/// - per epoch: `epoch/train_loss`, `validation/loss`, `validation/accuracy`.
/// - at the end (`endSession`): `final/…` and `target/<metric>_step`, with the HParams
///   session records (TensorBoardSink+HParams.swift).
///
/// Histograms on diagnostic steps: `gradients/<layer>` and `activations/<layer>`.
///
/// Non-finite values are left out (TensorBoard draws them as gaps anyway, and some readers
/// reject them). A write error is reported once and ends TensorBoard logging, not the run.
public final class TensorBoardSink: MetricsSink {
    /// The event file being written.
    public var fileURL: URL { writer.fileURL }
    private let writer: TensorBoardWriter
    private let console: Console?
    private var failed = false

    /// Opens a new event file in `directory` (created if needed).
    ///
    /// - Throws: `ConfigError` naming the directory when it cannot be created or written.
    public init(directory: URL, console: Console? = nil) throws {
        do {
            writer = try TensorBoardWriter(directory: directory)
        } catch {
            throw ConfigError("--tensorboard \(directory.path): cannot write TensorBoard events (\(error)); "
                              + "choose a writable directory")
        }
        self.console = console
    }

    /// Writes the step's scalars (and, on diagnostic steps, histograms).
    public func record(_ r: StepRecord) {
        var scalars: [(String, Double?)] = [
            ("train/loss", r.loss), ("train/lr", Double(r.learningRate)),
            ("train/samples_per_second", r.samplesPerSecond), ("train/vanishing_factor", r.vanishingFactor),
        ]
        scalars += r.gradientNorms.map { ("grad_norm/\($0.name)", $0.norm) }
        for (i, name) in PhaseTimings.names.enumerated() where i < r.phases.mean.count && i < r.phases.max.count {
            scalars.append(("timing/\(name)_ms", r.phases.mean[i] * 1e3))
            scalars.append(("timing/\(name)_max_ms", r.phases.max[i] * 1e3))
        }
        var histograms: [TensorBoardRecord.Histogram] = []
        if let d = r.diagnostics {
            scalars += Self.scalars(of: d)
            histograms = d.histograms.map { .init(tag: $0.tag, data: HistogramData(values: $0.values)) }
        }
        let wallTime = Date().timeIntervalSince1970
        write(TensorBoardRecord(wallTime: wallTime, step: r.step, scalars: Self.finite(scalars)))
        // One histogram per event, as TensorFlow's writers do, keeps each event small.
        for h in histograms { write(TensorBoardRecord(wallTime: wallTime, step: r.step, histograms: [h])) }
        flushWriter()
    }

    /// Writes the epoch's scalars.
    public func record(_ e: EpochRecord) {
        let scalars: [(String, Double?)] = [
            ("epoch/train_loss", e.trainLoss), ("validation/loss", e.validationLoss),
            ("validation/accuracy", e.validationAccuracy),
        ]
        write(TensorBoardRecord(wallTime: Date().timeIntervalSince1970, step: e.step, scalars: Self.finite(scalars)))
        flushWriter()
    }

    /// Flushes the event file to disk.
    public func flush() { flushWriter() }

    /// Flushes and closes the event file; later records are dropped.
    public func close() {
        guard !failed else { return }
        do { try writer.close() } catch { report(error) }
        failed = true
    }

    static func scalars(of d: DiagnosticsRecord) -> [(String, Double?)] {
        var s: [(String, Double?)] = []
        if let n = d.noiseScale {
            s += [("noise_scale/b_simple", n.simple), ("noise_scale/b_simple_ema", n.smoothed),
                  ("noise_scale/gradient_squared_norm", n.gradientSquaredNorm),
                  ("noise_scale/trace_covariance", n.traceCovariance)]
            s += n.perLayer.map { ("noise_scale_layer/\($0.name)", $0.value) }
        }
        s += d.updateRatios.map { ("update_ratio/\($0.name)", $0.ratio) }
        for l in d.localGradientNorms {
            s += [("local_grad_norm/\(l.name)/mean", l.mean), ("local_grad_norm/\(l.name)/spread", l.spread)]
        }
        for a in d.activations {
            s += [("activation/\(a.name)/mean", a.mean), ("activation/\(a.name)/std", a.std),
                  ("activation/\(a.name)/saturated_fraction", a.saturatedFraction),
                  ("activation/\(a.name)/dead_fraction", a.deadFraction)]
        }
        return s
    }

    static func finite(_ pairs: [(String, Double?)]) -> [TensorBoardRecord.Scalar] {
        pairs.compactMap { tag, value in
            guard let value, Float(value).isFinite else { return nil }
            return TensorBoardRecord.Scalar(tag: tag, value: Float(value))
        }
    }

    func write(_ record: TensorBoardRecord) {
        guard !failed else { return }
        do { try writer.write(record) } catch { report(error) }
    }

    func flushWriter() {
        guard !failed else { return }
        do { try writer.flush() } catch { report(error) }
    }

    private func report(_ error: TensorBoardError) {
        failed = true
        console?.warning("TensorBoard logging stopped: \(error)")
    }
}
