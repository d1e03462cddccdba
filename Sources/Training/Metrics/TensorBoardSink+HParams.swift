import Foundation
import Reporting

/// The HParams dashboard's records (docs/METRICS.md, "HParams"): a session start when the run
/// begins, and its final scalars and a session end when it stops.
extension TensorBoardSink {
    /// Writes the run's hyperparameters (`_hparams_/session_start_info`) at step 0.
    ///
    /// A resumed run writes it again; TensorBoard keeps one per run, and the values agree.
    public func startSession(config: TrainingConfig, ranks: Int, startTime: Date = Date()) {
        let content = HParamsPluginData.sessionStart(hparams: RunHParams.hyperparameters(config, ranks: ranks),
                                                     startTimeSeconds: startTime.timeIntervalSince1970)
        write(TensorBoardRecord(wallTime: startTime.timeIntervalSince1970, step: 0, pluginValues: [
            .init(tag: HParamsPluginData.sessionStartTag, pluginName: HParamsPluginData.pluginName, content: content),
        ]))
        flushWriter()
    }

    /// Writes the final scalars (`final/…`, `target/…_step`) at the last step and the session end.
    public func endSession(_ summary: RunSummary, endTime: Date = Date()) {
        let seconds = endTime.timeIntervalSince1970
        write(TensorBoardRecord(wallTime: seconds, step: summary.steps, scalars: Self.finite(RunHParams.finalScalars(summary))))
        let content = HParamsPluginData.sessionEnd(status: RunHParams.status(summary.ended), endTimeSeconds: seconds)
        write(TensorBoardRecord(wallTime: seconds, step: summary.steps, pluginValues: [
            .init(tag: HParamsPluginData.sessionEndTag, pluginName: HParamsPluginData.pluginName, content: content),
        ]))
        flushWriter()
    }
}
