import Foundation
import Reporting
import Training

/// `ddp-train sweep --tensorboard DIR`: every point logs to `DIR/<point>` and `DIR` itself holds
/// the HParams experiment summary, so that TensorBoard opened on `DIR` shows one row per point
/// with the swept settings as columns (docs/METRICS.md, "HParams").
public enum SweepTensorBoard {
    /// The log directory of `point` under `root`.
    public static func pointDirectory(root: String, point: SweepPoint) -> String {
        root + "/" + point.name
    }

    /// The experiment's columns: the swept dimensions (typed by the first point's values, as
    /// each point's session start writes them) and the final metrics of the base's targets.
    public static func experimentContent(_ plan: SweepPlan) -> [UInt8] {
        var columns: [(name: String, example: HParamsPluginData.Value)] = []
        if let first = plan.points.first {
            let values = RunHParams.hyperparameters(first.config, ranks: first.ranks)
            for dimension in plan.grid.dimensions {
                if let value = values.first(where: { $0.name == dimension.name })?.value {
                    columns.append((dimension.name, value))
                }
            }
        }
        return HParamsPluginData.experiment(hparams: columns, metrics: RunHParams.metricTags(targets: plan.base.targets ?? []))
    }

    /// Writes the experiment summary into a new event file in `root` (created if needed).
    ///
    /// A resumed sweep writes another identical one; TensorBoard uses either.
    public static func writeExperiment(_ plan: SweepPlan, root: URL, time: Date = Date()) throws {
        let writer = try TensorBoardWriter(directory: root, creationDate: time)
        try writer.write(TensorBoardRecord(wallTime: time.timeIntervalSince1970, step: 0, pluginValues: [
            .init(tag: HParamsPluginData.experimentTag, pluginName: HParamsPluginData.pluginName,
                  content: experimentContent(plan)),
        ]))
        try writer.close()
    }
}
