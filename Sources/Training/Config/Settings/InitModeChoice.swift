import NN

/// Which fan Kaiming initialization scales by: the `initMode` field and `--init-mode`.
public enum InitModeChoice: String, ConfigChoice {
    /// The layer's inputs (preserves the forward signal's variance).
    case fanIn = "fan_in"
    /// The layer's outputs (preserves the backward gradient's variance).
    case fanOut = "fan_out"

    /// The NN fan mode.
    public var fanMode: Initializer.FanMode {
        switch self {
        case .fanIn: .fanIn
        case .fanOut: .fanOut
        }
    }
}
