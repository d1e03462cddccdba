import ArgumentParser
import Training

// The choice settings as flag values: ArgumentParser parses them (aliases included), lists
// their values in --help and shell completion, and refuses any other spelling.

extension ConfigChoice where Self: ExpressibleByArgument {
    /// The case spelled `argument` (or an alias of it), as a config file would read it.
    public init?(argument: String) { self.init(spelling: argument) }
    /// The canonical spellings, for --help and completion.
    public static var allValueStrings: [String] { validValues }
}

extension ModelChoice: ExpressibleByArgument {}
extension ActivationChoice: ExpressibleByArgument {}
extension InitializerChoice: ExpressibleByArgument {}
extension InitModeChoice: ExpressibleByArgument {}
extension InitGainChoice: ExpressibleByArgument {}
extension DatasetChoice: ExpressibleByArgument {}
extension TaskChoice: ExpressibleByArgument {}
extension LossFunction: ExpressibleByArgument {}
extension OptimizerChoice: ExpressibleByArgument {}
extension ScheduleChoice: ExpressibleByArgument {}
extension LRScalingChoice: ExpressibleByArgument {}
extension GradCompressionChoice: ExpressibleByArgument {}

/// The flags that take a choice setting, for restating ArgumentParser's refusal of one in
/// ddp-train's own form: one line, `--activation 'relux' is not one of: sigmoid, …`, exit 2,
/// as the same mistake in a config file or sweep grid.
enum ChoiceFlags {
    /// A flag's long name and how to check and describe its value.
    struct Flag: Sendable {
        var name: String
        var accepts: @Sendable (String) -> Bool
        var complaint: @Sendable (String) -> String
    }

    static func flag<T: ConfigChoice>(_ name: String, _ type: T.Type) -> Flag {
        Flag(name: name, accepts: { T(spelling: $0) != nil },
             complaint: { T.invalidValueMessage($0, field: "--" + name) })
    }

    /// Every choice flag of `TrainingFlags`, by its spelling on the command line.
    static let all: [Flag] = [
        flag("model", ModelChoice.self), flag("activation", ActivationChoice.self),
        flag("init", InitializerChoice.self), flag("init-mode", InitModeChoice.self),
        flag("init-gain", InitGainChoice.self), flag("dataset", DatasetChoice.self), flag("task", TaskChoice.self),
        flag("loss", LossFunction.self), flag("optimizer", OptimizerChoice.self), flag("schedule", ScheduleChoice.self),
        flag("lr-scaling", LRScalingChoice.self), flag("grad-compression", GradCompressionChoice.self),
    ]

    /// The complaint about the first choice flag in `arguments` whose value is not valid, when
    /// ArgumentParser's own message (`parserMessage`) is about that flag and value; nil otherwise.
    static func invalidValue(in arguments: [String], parserMessage: String) -> String? {
        var index = 0
        while index < arguments.count, arguments[index] != "--" {
            let argument = arguments[index]
            index += 1
            for flag in all {
                let value: String
                if argument == "--" + flag.name, index < arguments.count {
                    value = arguments[index]
                } else if argument.hasPrefix("--" + flag.name + "=") {
                    value = String(argument.dropFirst(flag.name.count + 3))
                } else {
                    continue
                }
                if !flag.accepts(value), parserMessage.contains("--" + flag.name), parserMessage.contains("'\(value)'") {
                    return flag.complaint(value)
                }
            }
        }
        return nil
    }
}
