using System.Text;
using GrpcServer.Benchmarks.Scale;

namespace GrpcServer.Benchmarks.Reporting;

/// <summary>The build and IDE scale section of docs/benchmarks.md.</summary>
internal static partial class Report
{
    public const double BindingRatioTarget = 2;
    public const double DiagnosticsRatioTarget = 1.5;
    public const double FirstLookupTargetMs = 1000;
    public const double BuildRatioTarget = 1.2;

    private static readonly ScaleVariant s_namedLambdas = new(RegistrationForm.Named, HandlerStyle.TypedLambda);
    private static readonly ScaleVariant s_namedGroups = new(RegistrationForm.Named, HandlerStyle.MethodGroup);
    private static readonly ScaleVariant s_descriptorLambdas = new(RegistrationForm.Descriptor, HandlerStyle.TypedLambda);
    private static readonly ScaleVariant s_descriptorGroups = new(RegistrationForm.Descriptor, HandlerStyle.MethodGroup);
    private static readonly ScaleVariant s_grpcDotnet = new(RegistrationForm.GrpcDotnet, HandlerStyle.TypedLambda);

    private static IReadOnlyList<RoslynTiming> Of(ScaleResults results, int size, ScaleVariant variant) =>
        [.. results.Roslyn.Where(t => t.RpcCount == size && t.Variant == variant).OrderBy(t => t.Repetition)];

    /// <summary>A measure of one variant over another, repetition by repetition.</summary>
    private static Interval RoslynRatio(ScaleResults results, int size, ScaleVariant variant, ScaleVariant baseline, Func<RoslynTiming, double> measure)
    {
        var baselines = Of(results, size, baseline).ToDictionary(t => t.Repetition);
        return Statistics.Geometric(Of(results, size, variant).Where(t => baselines.ContainsKey(t.Repetition)).Select(t => measure(t) / measure(baselines[t.Repetition])));
    }

    private static Interval BuildRatio(ScaleResults results, int size)
    {
        var grpc = results.Builds.Where(b => b.RpcCount == size && b.Form == RegistrationForm.GrpcDotnet).ToDictionary(b => b.Repetition);
        return Statistics.Geometric(results.Builds.Where(b => b.RpcCount == size && b.Form == RegistrationForm.Named && grpc.ContainsKey(b.Repetition)).Select(b => b.Seconds / grpc[b.Repetition].Seconds));
    }

    private static IEnumerable<SummaryRow> ScaleRows(ScaleResults results)
    {
        var sizes = results.Settings.Sizes;
        var largest = sizes.Max();
        foreach (var (variant, descriptor, style) in new[] { (s_namedLambdas, s_descriptorLambdas, "typed lambdas"), (s_namedGroups, s_descriptorGroups, "method groups") })
        {
            foreach (var size in sizes)
            {
                var ratio = RoslynRatio(results, size, variant, descriptor, t => t.BindOneCallMs);
                if (ratio.Count == 0)
                {
                    continue;
                }

                var named = Statistics.Median(Of(results, size, variant).Select(t => t.BindOneCallMs));
                var baseline = Statistics.Median(Of(results, size, descriptor).Select(t => t.BindOneCallMs));
                yield return new SummaryRow(
                    $"{size:N0} RPCs: binding one named `AddHandler` call / descriptor form, {style}",
                    $"{F(ratio.Estimate, 2)}x ({F(named, 2)} vs {F(baseline, 2)} ms, medians)",
                    $"reps {F(ratio.Min, 2)}–{F(ratio.Max, 2)}, n = {ratio.Count}",
                    IntervalText(ratio, 2, "x"),
                    $"≤ {F(BindingRatioTarget, 0)}x",
                    ratio.Against(BindingRatioTarget),
                    size == largest && style == "typed lambdas" ? $"{size:N0} RPCs: binding one named AddHandler call / descriptor form" : null);
            }
        }

        var diagnostics = RoslynRatio(results, largest, s_namedLambdas, s_grpcDotnet, t => t.DiagnosticsMs);
        if (diagnostics.Count > 0)
        {
            yield return new SummaryRow(
                $"{largest:N0} RPCs: diagnostics of the registering file (compiler + analyzer), named form (typed lambdas) / grpc-dotnet",
                $"{F(diagnostics.Estimate, 2)}x ({F(Statistics.Median(Of(results, largest, s_namedLambdas).Select(t => t.DiagnosticsMs)), 0)} vs {F(Statistics.Median(Of(results, largest, s_grpcDotnet).Select(t => t.DiagnosticsMs)), 0)} ms)",
                $"reps {F(diagnostics.Min, 2)}–{F(diagnostics.Max, 2)}, n = {diagnostics.Count}",
                IntervalText(diagnostics, 2, "x"),
                $"≤ {F(DiagnosticsRatioTarget, 1)}x",
                diagnostics.Against(DiagnosticsRatioTarget),
                $"{largest:N0} RPCs: diagnostics of the registering file, named form / grpc-dotnet");
        }

        foreach (var (variant, style) in new[] { (s_namedLambdas, "typed lambdas"), (s_namedGroups, "method groups") })
        {
            var lookup = Statistics.Geometric(Of(results, largest, variant).Select(t => t.FirstLookupAfterEditMs));
            if (lookup.Count == 0)
            {
                continue;
            }

            var grpc = Statistics.Median(Of(results, largest, s_grpcDotnet).Select(t => t.FirstLookupAfterEditMs));
            yield return new SummaryRow(
                $"{largest:N0} RPCs: first lookup after an edit (generator rerun + `GetSymbolInfo`), named form, {style}",
                $"{F(lookup.Estimate, 0)} ms, geometric mean (grpc-dotnet {F(grpc, 0)} ms)",
                $"{F(lookup.Min, 0)}–{F(lookup.Max, 0)} ms, n = {lookup.Count}",
                IntervalText(lookup, 0, " ms"),
                $"< {F(FirstLookupTargetMs, 0)} ms",
                lookup.Against(FirstLookupTargetMs),
                style == "typed lambdas" ? $"{largest:N0} RPCs: first lookup after an edit" : null);
        }

        var build = BuildRatio(results, largest);
        if (build.Count > 0)
        {
            var named = Statistics.Median(results.Builds.Where(b => b.RpcCount == largest && b.Form == RegistrationForm.Named).Select(b => b.Seconds));
            var grpc = Statistics.Median(results.Builds.Where(b => b.RpcCount == largest && b.Form == RegistrationForm.GrpcDotnet).Select(b => b.Seconds));
            yield return new SummaryRow(
                $"{largest:N0} RPCs: full `dotnet build`, GrpcServer named form / grpc-dotnet",
                $"{F(build.Estimate, 2)}x ({F(named, 1)} vs {F(grpc, 1)} s)",
                $"reps {F(build.Min, 2)}–{F(build.Max, 2)}, n = {build.Count}",
                IntervalText(build, 2, "x"),
                $"≤ {F(BuildRatioTarget, 1)}x",
                build.Against(BuildRatioTarget),
                $"{largest:N0} RPCs: full build, GrpcServer / grpc-dotnet");
        }
    }

    private static void WriteScale(StringBuilder page, ScaleResults results)
    {
        var s = results.Settings;
        page.AppendLine("## 4. Build and IDE scale: the named form against grpc-dotnet, " + string.Join(", ", s.Sizes.Select(x => x.ToString("N0", s_invariant))) + " RPCs");
        page.AppendLine();
        page.AppendLine("`Scale/` writes two projects per size outside the repository (so none of its build settings apply), both Microsoft.NET.Sdk");
        page.AppendLine($"with the ASP.NET Core shared framework and the package versions of Directory.Packages.props: the same .proto files ({ScaleCorpus.RpcsPerFile} RPCs of");
        page.AppendLine($"all four kinds per file, one service per file, {ScaleCorpus.MessagesPerFile} messages per file with nested types, maps, oneofs and imports; every RPC its own");
        page.AppendLine("handler shape), and Program.cs registering every RPC with a handler that creates its reply:");
        page.AppendLine();
        page.AppendLine("- **GrpcServer**: Grpc.Tools for the messages (`GrpcServices=\"None\"`), the runtime and generator/analyzer assemblies this");
        page.AppendLine("  benchmark was built with (so a run measures the design in the tree) and the runtime's MSBuild targets; top-level");
        page.AppendLine("  statements `server.AddHandler(\"Service0\", \"Call0\", (F0M0 request, Context context) => new F0M1());` per RPC.");
        page.AppendLine("- **grpc-dotnet**: Grpc.Tools with `GrpcServices=\"Server\"`; in Program.cs a class per service overriding every method of");
        page.AppendLine("  its generated base class with the same handler body, and `app.MapGrpcService<Service0Impl>();` per service.");
        page.AppendLine();
        page.AppendLine($"**Builds** ({results.Sdk}): `dotnet build -c Release --no-restore --no-incremental` (clean, protoc, compile with the generator");
        page.AppendLine("and analyzers), wall time, on a compiler server of the run's own (started by an unmeasured first build, as warm as on a");
        page.AppendLine($"developer's machine) without MSBuild node reuse; {s.BuildRepetitions} repetitions per project, the two forms alternating; the Csc and");
        page.AppendLine("ProtoCompile task times from MSBuild's performance summary.");
        page.AppendLine();
        page.AppendLine("**Roslyn API** (Microsoft.CodeAnalysis 5.12; the generator is built against 4.8): the compilation each build gave csc");
        page.AppendLine("(its references, sources, .editorconfig and .proto AdditionalFiles), the registering file replaced by each variant's,");
        page.AppendLine("GrpcServer's generators and analyzers in a warm `GeneratorDriver`. Per repetition, after an edit of the registering file");
        page.AppendLine("(a comment added at its end: a new compilation, as the IDE gets one): the generator rerun; the **first lookup**, `GetSymbolInfo`");
        page.AppendLine("on the registration in the middle of the file; **binding one call**, `GetSpeculativeSymbolInfo` of other registrations (all");
        page.AppendLine($"four kinds, {RoslynScale.SpeculativeCalls} calls, the median) at the end of the registrations in that compilation; then after another edit the");
        page.AppendLine("**diagnostics of the registering file**: `SemanticModel.GetDiagnostics` (the compiler, the whole file bound) and GrpcServer's");
        page.AppendLine($"analyzers on the same model. {s.RoslynRepetitions} repetitions, the variants alternating; ratios pair variants of the same repetition.");
        page.AppendLine("The SDK's own analyzers and generators are not run, in either form.");
        page.AppendLine();

        page.AppendLine("| RPCs | .proto files | C# generated by GrpcServer | GrpcServer build (s) | grpc-dotnet build (s) | ratio (95 % interval) | Csc: GrpcServer / grpc-dotnet (s) | ProtoCompile: GrpcServer / grpc-dotnet (s) |");
        page.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var size in s.Sizes)
        {
            var named = results.Builds.Where(b => b.RpcCount == size && b.Form == RegistrationForm.Named).ToList();
            var grpc = results.Builds.Where(b => b.RpcCount == size && b.Form == RegistrationForm.GrpcDotnet).ToList();
            var ratio = BuildRatio(results, size);
            var generated = results.GeneratedBytes.TryGetValue(size, out var bytes) ? F(bytes / 1024.0, 0) + " KB" : "?";
            page.AppendLine($"| {size:N0} | {size / ScaleCorpus.RpcsPerFile:N0} | {generated} | {Spread(named.Select(b => b.Seconds), 1)} | {Spread(grpc.Select(b => b.Seconds), 1)} | {(ratio.Count == 0 ? "–" : $"{F(ratio.Estimate, 2)} ({IntervalText(ratio, 2, "")})")} | {F(Statistics.Median(named.Select(b => b.CscSeconds)), 1)} / {F(Statistics.Median(grpc.Select(b => b.CscSeconds)), 1)} | {F(Statistics.Median(named.Select(b => b.ProtocSeconds)), 1)} / {F(Statistics.Median(grpc.Select(b => b.ProtocSeconds)), 1)} |");
        }

        page.AppendLine();
        page.AppendLine("Roslyn API, medians over the repetitions (range in brackets), in milliseconds:");
        page.AppendLine();
        page.AppendLine("| RPCs | registering file | generator rerun | first lookup | binding one call | diagnostics: compiler | diagnostics: GrpcServer's analyzer | warnings |");
        page.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|");
        foreach (var size in s.Sizes)
        {
            foreach (var variant in ScaleVariant.All)
            {
                var timings = Of(results, size, variant);
                if (timings.Count == 0)
                {
                    continue;
                }

                page.AppendLine($"| {size:N0} | {variant.Name} | {Spread(timings.Select(t => t.GeneratorMs), 1)} | {Spread(timings.Select(t => t.FirstLookupMs), 0)} | {Spread(timings.Select(t => t.BindOneCallMs), 2)} | {Spread(timings.Select(t => t.CompilerDiagnosticsMs), 0)} | {Spread(timings.Select(t => t.AnalyzerDiagnosticsMs), 0)} | {timings[0].Warnings} |");
            }
        }

        page.AppendLine();
        page.AppendLine("### Candidate designs of the named form");
        page.AppendLine();
        page.AppendLine("Synthetic source, no generator (`Scale/OverloadDesigns.cs`): stubs of the runtime (`RpcServer` with the descriptor form's six");
        page.AppendLine("generic instance overloads, `Context`, the descriptor types, `IMessage<T>`), the scale corpus's messages as empty classes, the");
        page.AppendLine("design's extension overloads, and the scale projects' registering file. Per repetition a new compilation, then");
        page.AppendLine($"`GetSpeculativeSymbolInfo` of one registration (the *first call*, which also completes the extension class's members) and of");
        page.AppendLine($"{RoslynScale.SpeculativeCalls} more, whose median is the *per call* cost. {s.DesignRepetitions} repetitions; medians over them, in milliseconds.");
        page.AppendLine();
        page.AppendLine("| RPCs | design | named overloads | typed lambda: first call | typed lambda: per call | method group: first call | method group: per call |");
        page.AppendLine("|---:|---|---:|---:|---:|---:|---:|");
        foreach (var size in s.Sizes)
        {
            foreach (var design in Enum.GetValues<OverloadDesign>())
            {
                var lambdas = results.Designs.Where(d => d.RpcCount == size && d.Design == design && d.Style == HandlerStyle.TypedLambda).ToList();
                var groups = results.Designs.Where(d => d.RpcCount == size && d.Design == design && d.Style == HandlerStyle.MethodGroup).ToList();
                if (lambdas.Count == 0 && groups.Count == 0)
                {
                    continue;
                }

                var overloads = design == OverloadDesign.Descriptor ? "(6 instance)" : F((lambdas.Count > 0 ? lambdas : groups)[0].Overloads, 0);
                page.AppendLine($"| {size:N0} | {design.Name()} | {overloads} | {Spread(lambdas.Select(d => d.FirstCallMs), 2)} | {Spread(lambdas.Select(d => d.PerCallMs), 3)} | {Spread(groups.Select(d => d.FirstCallMs), 2)} | {Spread(groups.Select(d => d.PerCallMs), 3)} |");
            }
        }

        page.AppendLine();
        page.AppendLine($"The scale run took {F(results.Duration.TotalMinutes, 1)} min.");
        page.AppendLine();
    }
}
