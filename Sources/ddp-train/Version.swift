/// The version `ddp-train --version` prints: the one place it is defined.
enum DDPTrainVersion {
    static let current = "0.9.0"
}
