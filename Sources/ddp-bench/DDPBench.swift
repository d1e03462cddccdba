import ArgumentParser

/// The `ddp-bench` executable: measures the local engine, gradient synchronization and
/// data-parallel scaling, each beside a reference measured in the same run.
///
/// Benchmarks measure; they never fail on a timing. `scripts/bench.sh` runs all of them and
/// puts PyTorch's figures beside them when PyTorch is installed.
@main
struct DDPBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ddp-bench",
        abstract: "Benchmarks for ddp-train's engine and data-parallel training.",
        discussion: """
        engine     one training step of four networks on one thread, beside OpenBLAS sgemm
        small-batch  small-batch steps beside their GEMM floor (the same sgemms alone)
        optimizers each optimizer step over a model beside a pass over the same arrays
        allreduce  DataParallel's gradient sync beside a raw MPI_Allreduce (under mpirun)
        scaling    data-parallel samples/s at the launched world size (alone or under mpirun)
        summary    the ratios of one scripts/bench.sh run, beside their targets
        scripts/bench.sh runs all of them, at 1, 2 and 4 ranks, beside PyTorch.
        """,
        subcommands: [EngineCommand.self, SmallBatchCommand.self, OptimizersCommand.self, AllReduceCommand.self, ScalingCommand.self, SummaryCommand.self]
    )
}
