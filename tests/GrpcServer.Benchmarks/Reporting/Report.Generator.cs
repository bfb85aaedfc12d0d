using System.Text;
using GrpcServer.Benchmarks.Generator;

namespace GrpcServer.Benchmarks.Reporting;

/// <summary>The generator and parser sections of docs/benchmarks.md.</summary>
internal static partial class Report
{
    private static void WriteGenerator(StringBuilder page, GeneratorResults results)
    {
        page.AppendLine("## 2. Generator: 100 .proto files, 1,000 RPCs");
        page.AppendLine();
        page.AppendLine($"The corpus is made at run time (`Generator/ProtoCorpus.cs`): {results.CorpusFiles} files, {results.CorpusBytes:N0} bytes, in five packages with imports between files");
        page.AppendLine("(same and other packages) and of `google/protobuf/timestamp.proto` and `empty.proto`, 10 messages per file with nested");
        page.AppendLine("messages and enums, oneofs, maps and comments, two services of five RPCs per file (all four kinds). `GrpcServerGenerator`");
        page.AppendLine("runs in `CSharpGeneratorDriver` (Roslyn 5.12, as the .NET 10 SDK's compiler) with the files as AdditionalTexts:");
        page.AppendLine("*cold* is a new driver (every file parsed, resolved and emitted, the output parsed into syntax trees); *warm* runs the");
        page.AppendLine("driver again with nothing changed (what each C# keystroke costs in an IDE); the *edit* rows replace one file (imported by");
        page.AppendLine("three others) in the warm driver in BenchmarkDotNet's iteration setup and time the run that follows. BenchmarkDotNet 0.15.8,");
        page.AppendLine($"in-process toolchain, memory diagnoser. The generator emits {results.Check.Descriptors:N0} RPC descriptors in {results.Check.GeneratedFiles} files ({results.Check.GeneratedBytes / 1024.0:N0} KB of C#);");
        page.AppendLine($"the first run in a fresh process, JIT compilation of Roslyn and the generator included, took {F(results.Check.FirstRun.TotalMilliseconds, 0)} ms (one sample).");
        page.AppendLine();
        WriteFigures(page, results.Generator);
        if (results.Breakdown.Count > 0)
        {
            WriteBreakdown(page, results.Breakdown);
        }
    }

    private static void WriteBreakdown(StringBuilder page, IReadOnlyList<StepBreakdown> breakdown)
    {
        page.AppendLine("Where a run's time goes: the driver's elapsed time per pipeline step (`trackIncrementalGeneratorSteps`, which adds a");
        page.AppendLine($"little), median of {breakdown[0].Runs} runs after 3 warm-up runs, with how many of the step's outputs were recomputed (new or modified;");
        page.AppendLine("the rest came from the cache). \"Outside the steps\" is the run's total less the steps: the output callbacks (writing the C#)");
        page.AppendLine("and Roslyn parsing what was added.");
        page.AppendLine();
        page.Append("| step |");
        foreach (var scenario in breakdown)
        {
            page.Append(' ').Append(scenario.Scenario).Append(" |");
        }

        page.AppendLine();
        page.Append("|---|");
        page.AppendLine(string.Concat(breakdown.Select(_ => "---:|")));
        var steps = breakdown.SelectMany(b => b.Steps.Select(s => s.Step)).Distinct().ToList();
        foreach (var step in steps)
        {
            page.Append("| ").Append(step).Append(" |");
            foreach (var scenario in breakdown)
            {
                var time = scenario.Steps.FirstOrDefault(s => s.Step == step);
                page.Append(' ').Append(time is null ? "–" : $"{F(time.Milliseconds, 2)} ms ({time.Redone})").Append(" |");
            }

            page.AppendLine();
        }

        page.Append("| outside the steps |");
        foreach (var scenario in breakdown)
        {
            page.Append(' ').Append(F(scenario.TotalMilliseconds - scenario.Steps.Sum(s => s.Milliseconds), 2)).Append(" ms |");
        }

        page.AppendLine();
        page.Append("| **total** |");
        foreach (var scenario in breakdown)
        {
            page.Append(" **").Append(F(scenario.TotalMilliseconds, 2)).Append(" ms** |");
        }

        page.AppendLine();
        page.AppendLine();
    }

    private static void WriteParser(StringBuilder page, GeneratorResults results)
    {
        page.AppendLine("## 3. Parser throughput and allocation against protobuf-net.Reflection");
        page.AppendLine();
        page.AppendLine("The same corpus, all 100 files per operation. protobuf-net.Reflection 3.4.40: `FileDescriptorSet.Add(name, true, TextReader)`");
        page.AppendLine("for each file, then `Process()` (which resolves types and imports); its parse step alone (`Add` only) for comparison.");
        page.AppendLine("Ours: `ProtoParser.Parse(text)` (tokenizer, parser and the checks protoc makes while parsing), and the generator's whole");
        page.AppendLine("front end (`ProtoFileSpecBuilder.Build` per file, then `ProtoResolver.Resolve` over all files) as the like-for-like");
        page.AppendLine("counterpart of Add + Process; and `ProtoResolver.Resolve` alone over the 100 already-built specs (a cold run's");
        page.AppendLine("resolution; after an edit the generator re-resolves only the edited file and the files that import it).");
        page.AppendLine($"MB/s = corpus bytes ({results.CorpusBytes:N0}) / median time, 1 MB = 10^6 bytes.");
        page.AppendLine();
        page.AppendLine("| | median | MB/s | vs protobuf-net Add + Process | allocated per run | allocated per KB of .proto |");
        page.AppendLine("|---|---:|---:|---:|---:|---:|");
        var baseline = results.Parser.FirstOrDefault(f => f.Name.Contains("Add + Process", StringComparison.Ordinal));
        foreach (var figure in results.Parser)
        {
            // Resolving reads no text: no throughput, no comparison; it is there to split the front end's time.
            var parses = !figure.Name.Contains("resolve only", StringComparison.Ordinal);
            var mbs = parses ? F(results.CorpusBytes / (figure.MedianNs / 1e9) / 1e6, 1) : "–";
            var ratio = baseline is null || !parses ? "–" : F(baseline.MedianNs / figure.MedianNs, 2) + "x";
            var perKb = parses && figure.BytesPerOp is { } bytes ? F(bytes / (results.CorpusBytes / 1024.0), 0) + " B" : "–";
            page.AppendLine($"| {figure.Name} | {Ms(figure.MedianNs)} | {mbs} | {ratio} | {Bytes(figure.BytesPerOp)} | {perKb} |");
        }

        page.AppendLine();
    }

    private static void WriteFigures(StringBuilder page, IReadOnlyList<BenchmarkFigure> figures)
    {
        page.AppendLine("| | median | mean | 95 % interval of the mean | Q1 – Q3 | min – max | iterations | allocated per run |");
        page.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var figure in figures)
        {
            var mean = figure.Mean;
            page.AppendLine($"| {figure.Name} | {Ms(figure.MedianNs)} | {Ms(figure.MeanNs)} | {Ms(mean.Low)} – {Ms(mean.High)} | {Ms(figure.Q1Ns)} – {Ms(figure.Q3Ns)} | {Ms(figure.MinNs)} – {Ms(figure.MaxNs)} | {figure.Iterations} | {Bytes(figure.BytesPerOp)} |");
        }

        page.AppendLine();
    }

    private static (double Ours, double Theirs, double Ratio)? Speedup(GeneratorResults results)
    {
        var theirs = results.Parser.FirstOrDefault(f => f.Name.Contains("Add + Process", StringComparison.Ordinal));
        var ours = results.Parser.FirstOrDefault(f => f.Name.Contains("ProtoParser.Parse", StringComparison.Ordinal));
        if (theirs is null || ours is null)
        {
            return null;
        }

        double MBs(BenchmarkFigure f) => results.CorpusBytes / (f.MedianNs / 1e9) / 1e6;
        return (MBs(ours), MBs(theirs), theirs.MedianNs / ours.MedianNs);
    }
}
