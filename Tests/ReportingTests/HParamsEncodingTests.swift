import XCTest
@testable import Reporting

/// Compares the HParams plugin data with bytes from protobuf's own Python serializer, made
/// once with `pip install tensorboard` (tensorboard.plugins.hparams.plugin_data_pb2/api_pb2):
///
///     d = plugin_data_pb2.HParamsPluginData(version=0); s = d.session_start_info
///     s.hparams["activation"].string_value = "relu"; s.hparams["lr"].number_value = 0.01
///     s.hparams["ranks"].number_value = 2; s.hparams["residual"].bool_value = True
///     s.hparams["zero"].number_value = 0; s.start_time_secs = 1700000000.5
///     d.SerializeToString(deterministic=True).hex()
///
/// (`deterministic=True` sorts map keys, as `RunHParams` orders them.) The other literals
/// come from the same classes, as each test's comment says.
final class HParamsEncodingTests: XCTestCase {
    func testSessionStartMatchesProtobuf() {
        let bytes = HParamsPluginData.sessionStart(hparams: [
            ("activation", .string("relu")), ("lr", .number(0.01)), ("ranks", .number(2)),
            ("residual", .bool(true)), ("zero", .number(0)),
        ], startTimeSeconds: 1_700_000_000.5)
        XCTAssertEqual(hex(bytes),
                       "1a670a140a0a61637469766174696f6e12061a0472656c750a0f0a026c721209117b14ae47e17a843f0a120a0572"
                       + "616e6b7312091100000000000000400a0e0a08726573696475616c120220010a110a047a65726f120911000000"
                       + "00000000002900002040fc54d941")
    }

    /// `e.session_end_info.status = api_pb2.STATUS_SUCCESS; e.session_end_info.end_time_secs = 1700000100.25`.
    func testSessionEndMatchesProtobuf() {
        XCTAssertEqual(hex(HParamsPluginData.sessionEnd(status: .success, endTimeSeconds: 1_700_000_100.25)),
                       "220b08011100001059fc54d941")
    }

    /// `hparam_infos.add(name="lr", type=DATA_TYPE_FLOAT64)`, then activation (STRING) and
    /// residual (BOOL); `metric_infos.add(name=api_pb2.MetricName(tag="final/val_loss"))`.
    func testExperimentMatchesProtobuf() {
        let bytes = HParamsPluginData.experiment(
            hparams: [("lr", .number(0.1)), ("activation", .string("tanh")), ("residual", .bool(false))],
            metrics: ["final/val_loss"])
        XCTAssertEqual(hex(bytes),
                       "123a22060a026c722003220e0a0a61637469766174696f6e2001220c0a08726573696475616c20022a120a1012"
                       + "0e66696e616c2f76616c5f6c6f7373")
    }

    /// The whole event, as TensorBoard's summary_v2 writes it: `event_pb2.Event(wall_time=2, step=5,
    /// summary=Summary(value=[Summary.Value(tag=metadata.SESSION_END_INFO_TAG,
    /// metadata=metadata.create_summary_metadata(<end with STATUS_FAILURE>), tensor=metadata.NULL_TENSOR)]))`.
    func testPluginValueEventMatchesProtobufAndDecodes() throws {
        let content = HParamsPluginData.sessionEnd(status: .failure, endTimeSeconds: 0)
        let record = TensorBoardRecord(wallTime: 2, step: 5, pluginValues: [
            .init(tag: HParamsPluginData.sessionEndTag, pluginName: HParamsPluginData.pluginName, content: content),
        ])
        let bytes = record.encodedEvent()
        XCTAssertEqual(hex(bytes),
                       "09000000000000004010052a390a370a1a5f68706172616d735f2f73657373696f6e5f656e645f696e666f4206"
                       + "0801120212004a110a0f0a0768706172616d73120422020802")
        XCTAssertEqual(try TensorBoardRecord(decodingEvent: bytes[...]), record)
    }

    private func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}
