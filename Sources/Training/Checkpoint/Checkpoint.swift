import Autograd
import DataFormats
import Foundation
import NN

/// A loaded checkpoint: the state plus the tensors, ready to apply to a model and optimizer.
public struct Checkpoint {
    /// The checkpoint's directory (`step-00000123/`).
    public var directory: URL
    /// Where training stood: step, epoch, data position, configuration.
    public var state: CheckpointState
    /// Model parameters and buffers, PyTorch names.
    public var model: SafeTensorsFile
    /// Optimizer state ("<param index>.<name>").
    public var optimizer: SafeTensorsFile

    /// Copies the tensors into `model` and `optimizer`; shapes and names must match.
    public func apply(to model: Module, optimizer: Optimizer) throws {
        try WeightsFile.assign(self.model.tensors.map { ($0.name, $0.array) }, to: model,
                               source: directory.appendingPathComponent(CheckpointStore.modelFile).path)
        let kind = "\(type(of: optimizer))"
        if let saved = self.optimizer.metadata["optimizer"], saved != kind {
            throw ConfigError("\(directory.path): the checkpoint holds \(saved) optimizer state but this run uses \(kind); "
                              + "resume with the same --optimizer as the run that wrote it")
        }
        do {
            try optimizer.loadNamedState(self.optimizer.tensors.map { ($0.name, $0.array.values) },
                                         stepCount: Int(self.optimizer.metadata["step_count"] ?? "") ?? state.step)
        } catch {
            throw ConfigError("\(directory.path): optimizer state does not fit this run (\(error)); "
                              + "resume with the same --optimizer and model as the run that wrote it")
        }
    }
}
