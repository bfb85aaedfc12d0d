using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using GrpcServer.Benchmarks.Reporting;

namespace GrpcServer.Benchmarks.Generator;

/// <summary>One BenchmarkDotNet result: its statistics in nanoseconds and the bytes it allocated per operation.</summary>
internal sealed record BenchmarkFigure(string Name, double MedianNs, double MeanNs, double Q1Ns, double Q3Ns, double MinNs, double MaxNs, int Iterations, long? BytesPerOp, double StandardErrorNs)
{
    /// <summary>The mean with its 95 % confidence interval (Student's t over the iterations).</summary>
    public Reporting.Interval Mean => new(
        MeanNs,
        MeanNs - (Reporting.Statistics.T975(Iterations - 1) * StandardErrorNs),
        MeanNs + (Reporting.Statistics.T975(Iterations - 1) * StandardErrorNs),
        MinNs,
        MaxNs,
        Iterations);
}

internal sealed record GeneratorResults(GeneratorCheck Check, long CorpusBytes, int CorpusFiles, IReadOnlyList<BenchmarkFigure> Generator, IReadOnlyList<BenchmarkFigure> Parser, IReadOnlyList<StepBreakdown> Breakdown);

/// <summary>
/// Runs the generator and parser benchmarks with BenchmarkDotNet, in this process (in-process emit toolchain: the
/// repository's build settings would not apply to a generated project), and collects the figures.
/// </summary>
internal static class GeneratorBenchmarkRunner
{
    public static async Task<GeneratorResults> RunAsync(bool quick, bool generator, bool parser, QuietGate gate, TextWriter log)
    {
        var harness = new GeneratorHarness();
        var check = harness.Check();
        log.WriteLine($"  corpus: {harness.Corpus.Count} files, {ProtoCorpus.Bytes(harness.Corpus):N0} bytes, {check.Descriptors} RPC descriptors generated in {check.GeneratedFiles} files; first run in this process {check.FirstRun.TotalMilliseconds:F0} ms");
        new ParserBenchmarks().Check();

        var artifacts = Path.Combine(Path.GetTempPath(), "grpcserver-benchmarks", "BenchmarkDotNet.Artifacts");
        var job = Job.Default.WithToolchain(InProcessEmitToolchain.Instance);
        if (quick)
        {
            job = job.WithWarmupCount(2).WithIterationCount(5);
        }

        // Iteration setup (the edit) runs before every single invocation, so one invocation per iteration, many iterations.
        var editJob = Job.Default.WithToolchain(InProcessEmitToolchain.Instance)
            .WithInvocationCount(1).WithUnrollFactor(1)
            .WithWarmupCount(quick ? 3 : 20).WithIterationCount(quick ? 10 : 200);

        var generatorFigures = new List<BenchmarkFigure>();
        var parserFigures = new List<BenchmarkFigure>();
        if (generator)
        {
            await gate.WaitAsync();
            generatorFigures.AddRange(Figures(BenchmarkRunner.Run<GeneratorRunBenchmarks>(Config(job, artifacts))));
            await gate.WaitAsync();
            generatorFigures.AddRange(Figures(BenchmarkRunner.Run<GeneratorEditBenchmarks>(Config(editJob, artifacts))));
        }

        if (parser)
        {
            await gate.WaitAsync();
            parserFigures.AddRange(Figures(BenchmarkRunner.Run<ParserBenchmarks>(Config(job, artifacts))));
        }

        IReadOnlyList<StepBreakdown> breakdown = [];
        if (generator)
        {
            await gate.WaitAsync();
            breakdown = harness.Breakdown(quick ? 5 : 40);
        }

        return new GeneratorResults(check, ProtoCorpus.Bytes(harness.Corpus), harness.Corpus.Count, generatorFigures, parserFigures, breakdown);
    }

    private static ManualConfig Config(Job job, string artifacts)
    {
        var config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddColumn(StatisticColumn.Median, StatisticColumn.Q1, StatisticColumn.Q3, StatisticColumn.Min, StatisticColumn.Max)
            .AddLogger(ConsoleLogger.Default)
            .WithArtifactsPath(artifacts);
        config.Options |= ConfigOptions.DisableLogFile;
        return config;
    }

    private static IEnumerable<BenchmarkFigure> Figures(Summary summary)
    {
        if (summary.HasCriticalValidationErrors || summary.Reports.Any(r => r.ResultStatistics is null))
        {
            throw new InvalidOperationException($"BenchmarkDotNet could not run {summary.Title}: " + string.Join("; ", summary.ValidationErrors.Select(e => e.Message)));
        }

        foreach (var report in summary.Reports)
        {
            var statistics = report.ResultStatistics!;
            var bytes = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase);
            yield return new BenchmarkFigure(
                report.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo.Trim('\''),
                statistics.Median,
                statistics.Mean,
                statistics.Q1,
                statistics.Q3,
                statistics.Min,
                statistics.Max,
                statistics.N,
                bytes,
                statistics.StandardError);
        }
    }
}
