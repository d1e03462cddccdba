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
        // The metadata and tensor names are the file's text: quoted or escaped, on one line.
        if let saved = self.optimizer.metadata["optimizer"], saved != kind {
            throw ConfigError("\(directory.path): the checkpoint holds \(saved.oneLineForMessage(limit: 60)) optimizer state "
                              + "but this run uses \(kind); resume with the same --optimizer as the run that wrote it")
        }
        var stepCount = state.step
        if let text = self.optimizer.metadata["step_count"] {
            guard let count = Int(text), (0...CheckpointState.largestCount).contains(count) else {
                throw ConfigError("\(directory.appendingPathComponent(CheckpointStore.optimizerFile).path): step_count "
                                  + "\(text.quotedForMessage) is not a whole number in 0…2^53; the file is corrupt")
            }
            stepCount = count
        }
        do {
            try optimizer.loadNamedState(self.optimizer.tensors.map { ($0.name, $0.array.values) }, stepCount: stepCount)
        } catch {
            throw ConfigError("\(directory.path): optimizer state does not fit this run (\("\(error)".oneLineForMessage(limit: 200))); "
                              + "resume with the same --optimizer and model as the run that wrote it")
        }
    }
}
