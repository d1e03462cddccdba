import Foundation

extension MetricsLine {
    /// What one line of metrics.jsonl decoded to.
    public enum Decoded: Equatable, Sendable {
        /// A record of a known type.
        case record(MetricsLine)
        /// A JSON object whose `type` is missing or unknown (a newer writer, another tool):
        /// readers skip it, with a note if they keep notes.
        case skipped(type: String)
    }

    /// Decodes one line (without its newline). Throws `DecodingError` when the line is not a
    /// JSON object or a known field has the wrong type; `problem(_:)` words such an error.
    public static func decode(_ line: some DataProtocol, using decoder: JSONDecoder = JSONDecoder()) throws -> Decoded {
        let data = Data(line)
        do {
            return .record(try decoder.decode(MetricsLine.self, from: data))
        } catch let unknown as UnknownRecordType {
            return .skipped(type: unknown.type)
        } catch DecodingError.dataCorrupted(let context)
                    where context.codingPath.isEmpty && (try? JSONSerialization.jsonObject(with: data)) is [String: Any] {
            // JSONDecoder reports a number that does not fit its field (1.5 for an Int) as
            // invalid JSON, without a path; say what it is.
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: Self.misfit))
        }
    }

    private static let misfit = "a number does not fit its field (an integer field holds a fraction, or it overflows)"

    /// Why a line did not decode, for an error message: "not a JSON object", or the field at
    /// fault (`'diagnostics/noise_scale/small_batch': expected Int`).
    public static func problem(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        switch error {
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            if context.codingPath.isEmpty { return "not a JSON object" }
            return "'\(path(context))': expected \(type)"
        case .keyNotFound(let key, let context):
            return "'\((context.codingPath + [key]).map(\.stringValue).joined(separator: "/"))': missing"
        case .dataCorrupted(let context):
            if context.debugDescription == misfit { return misfit }
            return context.codingPath.isEmpty ? "not a JSON object" : "'\(path(context))': \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    private static func path(_ context: DecodingError.Context) -> String {
        context.codingPath.map(\.stringValue).joined(separator: "/")
    }
}
