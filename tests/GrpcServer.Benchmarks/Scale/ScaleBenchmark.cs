using System.Diagnostics;
using GrpcServer.Benchmarks.Reporting;

namespace GrpcServer.Benchmarks.Scale;

/// <summary>How much of the build-and-IDE-scale benchmark to run.</summary>
internal sealed record ScaleSettings(IReadOnlyList<int> Sizes, int BuildRepetitions, int RoslynRepetitions, int DesignRepetitions)
{
    public static ScaleSettings Full { get; } = new([50, 250, 500, 1000], BuildRepetitions: 2, RoslynRepetitions: 3, DesignRepetitions: 3);

    /// <summary>The smoke test: the two small sizes, two repetitions of everything (so that the intervals are computed).</summary>
    public static ScaleSettings Quick { get; } = new([50, 250], BuildRepetitions: 2, RoslynRepetitions: 2, DesignRepetitions: 2);
}

internal sealed class ScaleResults(ScaleSettings settings)
{
    public ScaleSettings Settings => settings;

    public List<BuildTiming> Builds { get; } = [];

    public List<RoslynTiming> Roslyn { get; } = [];

    public List<DesignTiming> Designs { get; } = [];

    /// <summary>Characters of C# GrpcServer's generator adds, by size.</summary>
    public Dictionary<int, long> GeneratedBytes { get; } = [];

    public string Sdk { get; set; } = "";

    public TimeSpan Duration { get; set; }
}

/// <summary>
/// Build and IDE scale (issue 13.3): projects of 50 to 1,000 RPCs in GrpcServer's named form and written the
/// grpc-dotnet way, each built with <c>dotnet build</c> and measured through the Roslyn API; then the candidate
/// overload designs against each other on synthetic source.
/// </summary>
internal static class ScaleBenchmark
{
    public static async Task<ScaleResults> RunAsync(ScaleSettings settings, string repository, QuietGate gate, TextWriter log)
    {
        var results = new ScaleResults(settings);
        var started = Stopwatch.StartNew();
        using (var projects = new ScaleProjects(repository))
        {
            await projects.ReadCompilerVersionAsync();
            results.Sdk = projects.CompilerVersion;
            log.WriteLine($"  projects in {projects.Root} ({results.Sdk})");
            var first = true;
            foreach (var size in settings.Sizes)
            {
                var named = projects.Write(RegistrationForm.Named, size);
                var grpcDotnet = projects.Write(RegistrationForm.GrpcDotnet, size);
                await projects.RestoreAsync(named);
                await projects.RestoreAsync(grpcDotnet);
                if (first)
                {
                    // Unmeasured: starts this run's compiler server and fills the disk cache.
                    await projects.BuildAsync(named, 0);
                    await projects.BuildAsync(grpcDotnet, 0);
                    first = false;
                }

                for (var repetition = 1; repetition <= Math.Max(1, settings.BuildRepetitions); repetition++)
                {
                    foreach (var project in repetition % 2 == 1 ? new[] { named, grpcDotnet } : [grpcDotnet, named])
                    {
                        await gate.WaitAsync();
                        var build = await projects.BuildAsync(project, repetition);
                        log.WriteLine($"  build {project.Name,-24} rep {repetition}: {build.Seconds,6:F1} s (csc {build.CscSeconds:F1} s, protoc {build.ProtocSeconds:F1} s)");
                        if (settings.BuildRepetitions > 0)
                        {
                            results.Builds.Add(build);
                        }
                    }
                }

                await MeasureRoslynAsync(settings, results, named, grpcDotnet, size, gate, log);
                GC.Collect();
            }
        }

        log.WriteLine("  candidate overload designs (synthetic source)");
        foreach (var size in settings.Sizes)
        {
            foreach (var design in Enum.GetValues<OverloadDesign>())
            {
                foreach (var style in Enum.GetValues<HandlerStyle>())
                {
                    await gate.WaitAsync();
                    var timings = OverloadDesigns.Measure(size, design, style, settings.DesignRepetitions).ToList();
                    results.Designs.AddRange(timings);
                    log.WriteLine($"  {size,5} RPCs  {design.Name(),-44} {style,-12} {timings[0].Overloads,5} overloads  first {Statistics.Median(timings.Select(t => t.FirstCallMs)),8:F2} ms  per call {Statistics.Median(timings.Select(t => t.PerCallMs)),8:F3} ms");
                }
            }
        }

        results.Duration = started.Elapsed;
        return results;
    }

    private static async Task MeasureRoslynAsync(ScaleSettings settings, ScaleResults results, ScaleProject named, ScaleProject grpcDotnet, int size, QuietGate gate, TextWriter log)
    {
        var rpcs = ScaleCorpus.Rpcs(size);
        var namedInputs = CompilerInputs.Read(named.InputsFile);
        var grpcInputs = CompilerInputs.Read(grpcDotnet.InputsFile);
        var compilations = ScaleVariant.All
            .Select(variant => new ScaleCompilation(
                variant.IsGrpcServer ? namedInputs : grpcInputs,
                variant,
                ScaleSources.Program(variant, rpcs, ScaleCorpus.Namespaces(size))))
            .ToList();
        results.GeneratedBytes[size] = compilations[0].GeneratedBytes;

        // At the first size, repetition 0 is not kept: it compiles Roslyn's and the generator's code paths (far slower).
        for (var repetition = size == settings.Sizes[0] ? 0 : 1; repetition <= settings.RoslynRepetitions; repetition++)
        {
            foreach (var compilation in repetition % 2 == 1 ? compilations : Enumerable.Reverse(compilations))
            {
                await gate.WaitAsync();
                var timing = await RoslynScale.MeasureAsync(compilation, rpcs, repetition);
                if (repetition == 0)
                {
                    continue;
                }

                results.Roslyn.Add(timing);
                log.WriteLine($"  roslyn {size,5} RPCs {compilation.Variant.Name,-42} rep {repetition}: generator {timing.GeneratorMs,7:F1} ms, first lookup {timing.FirstLookupMs,8:F0} ms, one call {timing.BindOneCallMs,7:F2} ms, diagnostics {timing.CompilerDiagnosticsMs,7:F0} + {timing.AnalyzerDiagnosticsMs,6:F0} ms");
            }
        }
    }
}
