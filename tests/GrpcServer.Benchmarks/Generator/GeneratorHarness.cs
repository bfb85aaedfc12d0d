using System.Diagnostics;
using System.Text;
using GrpcServer.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace GrpcServer.Benchmarks.Generator;

/// <summary>An AdditionalFile held in memory, as the compiler hands a .proto file to the generator.</summary>
internal sealed class InMemoryAdditionalText(string path, string text) : AdditionalText
{
    private readonly SourceText _text = SourceText.From(text, Encoding.UTF8);

    public override string Path { get; } = path;

    public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
}

/// <summary>The MSBuild properties the generator reads: the project directory, as the .NET SDK passes it.</summary>
internal sealed class ProjectOptionsProvider(string projectDir) : AnalyzerConfigOptionsProvider
{
    private static readonly AnalyzerConfigOptions s_empty = new Options(new Dictionary<string, string>());

    public override AnalyzerConfigOptions GlobalOptions { get; } = new Options(new Dictionary<string, string> { ["build_property.ProjectDir"] = projectDir });

    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => s_empty;

    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => s_empty;

    private sealed class Options(Dictionary<string, string> values) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, out string value) => values.TryGetValue(key, out value!);
    }
}

/// <summary>Runs <see cref="GrpcServerGenerator"/> over the corpus with <see cref="CSharpGeneratorDriver"/>, as the compiler does.</summary>
internal sealed class GeneratorHarness
{
    public const string ProjectDir = "/corpus/";

    private static readonly CSharpParseOptions s_parseOptions = new(LanguageVersion.Latest, DocumentationMode.Parse);

    public GeneratorHarness()
    {
        Corpus = ProtoCorpus.Create();
        Texts = Corpus.Select(file => (AdditionalText)new InMemoryAdditionalText(ProjectDir + file.ImportPath, file.Text)).ToArray();

        // The generator reads no C#; one small file stands for the user's project.
        Compilation = CSharpCompilation.Create(
            "Corpus",
            [CSharpSyntaxTree.ParseText("internal static class Program { }", s_parseOptions)],
            [],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
    }

    /// <summary>The MSBuild properties of the corpus's project.</summary>
    public static ProjectOptionsProvider Options { get; } = new(ProjectDir);

    public IReadOnlyList<ProtoSource> Corpus { get; }

    public AdditionalText[] Texts { get; }

    public CSharpCompilation Compilation { get; }

    /// <summary>The file the edit benchmarks change: imported by three others.</summary>
    public int EditedFile => 40;

    public static GeneratorDriver CreateDriver(IEnumerable<AdditionalText> texts, bool trackSteps = false) =>
        CSharpGeneratorDriver.Create(
            [new GrpcServerGenerator().AsSourceGenerator()],
            texts,
            s_parseOptions,
            Options,
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    /// <summary>
    /// Where a run's time goes: the driver's per-step elapsed times (step tracking on, which adds a little), median
    /// over <paramref name="runs"/> runs, for a cold run and for each edit; the rest of a run (emitting, parsing the
    /// generated C#) is the total less the steps.
    /// </summary>
    public IReadOnlyList<StepBreakdown> Breakdown(int runs)
    {
        var warm = CreateDriver(Texts, trackSteps: true).RunGenerators(Compilation);
        var renamed = Edit(ProtoCorpus.WithRenamedRpc, 1);
        var field = Edit(ProtoCorpus.WithAddedField, 1);
        var scenarios = new (string Name, Func<GeneratorDriver> Prepare)[]
        {
            ("cold run", () => CreateDriver(Texts, trackSteps: true)),
            ("an RPC renamed", () => warm.ReplaceAdditionalText(renamed.Old, renamed.New)),
            ("a field added", () => warm.ReplaceAdditionalText(field.Old, field.New)),
        };

        var breakdowns = new List<StepBreakdown>();
        foreach (var (name, prepare) in scenarios)
        {
            var totals = new List<double>();
            var steps = new Dictionary<string, List<double>>(StringComparer.Ordinal);
            var reruns = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < runs + 3; i++)
            {
                var driver = prepare();
                var stopwatch = Stopwatch.StartNew();
                var result = driver.RunGenerators(Compilation).GetRunResult().Results.Single();
                var total = stopwatch.Elapsed.TotalMilliseconds;
                if (i < 3)
                {
                    continue; // warm-up
                }

                totals.Add(total);
                foreach (var (step, runSteps) in result.TrackedSteps)
                {
                    (steps.TryGetValue(step, out var list) ? list : steps[step] = []).Add(runSteps.Sum(r => r.ElapsedTime.TotalMilliseconds));
                    var outputs = runSteps.SelectMany(r => r.Outputs).ToList();
                    var redone = outputs.Count(o => o.Reason is IncrementalStepRunReason.New or IncrementalStepRunReason.Modified);
                    reruns[step] = $"{redone} of {outputs.Count}";
                }
            }

            breakdowns.Add(new StepBreakdown(
                name,
                runs,
                Reporting.Report.Median(totals),
                steps.Select(pair => new StepTime(pair.Key, Reporting.Report.Median(pair.Value), reruns[pair.Key])).ToList()));
        }

        return breakdowns;
    }

    /// <summary>The edited file's AdditionalText and a replacement for it with <paramref name="edit"/> applied.</summary>
    public (AdditionalText Old, AdditionalText New) Edit(Func<string, int, string> edit, int variant)
    {
        var old = Texts[EditedFile];
        return (old, new InMemoryAdditionalText(old.Path, edit(Corpus[EditedFile].Text, variant)));
    }

    /// <summary>
    /// Checks that the generator handles the corpus as intended (no errors, one descriptor per RPC, edits seen) and
    /// times the very first run in this process, JIT compilation of Roslyn and the generator included.
    /// </summary>
    public GeneratorCheck Check()
    {
        var stopwatch = Stopwatch.StartNew();
        var driver = CreateDriver(Texts).RunGenerators(Compilation);
        var firstRun = stopwatch.Elapsed;

        var result = driver.GetRunResult().Results.Single();
        if (result.Exception is { } exception)
        {
            throw new InvalidOperationException("The generator failed on the corpus.", exception);
        }

        var errors = result.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("The generator reported problems in the corpus:\n" + string.Join("\n", errors.Take(20)));
        }

        // One file per .proto file with services, plus the project-wide catalogue and AddHandler overloads (GrpcServer.*).
        var descriptors = result.GeneratedSources
            .Where(s => !s.HintName.StartsWith("GrpcServer.", StringComparison.Ordinal))
            .Sum(s => CountOccurrences(s.SourceText.ToString(), "public static readonly global::GrpcServer.") - CountOccurrences(s.SourceText.ToString(), "public static readonly global::GrpcServer.RpcService "));
        if (descriptors != ProtoCorpus.RpcCount)
        {
            throw new InvalidOperationException($"The generator emitted {descriptors} RPC descriptors for the corpus's {ProtoCorpus.RpcCount} RPCs.");
        }

        var (old, renamed) = Edit(ProtoCorpus.WithRenamedRpc, 1);
        var edited = driver.ReplaceAdditionalText(old, renamed).RunGenerators(Compilation).GetRunResult().Results.Single();
        if (!edited.GeneratedSources.Any(s => s.SourceText.ToString().Contains("Get0Renamed1", StringComparison.Ordinal)))
        {
            throw new InvalidOperationException("The renamed RPC did not reach the generated code.");
        }

        var generatedBytes = result.GeneratedSources.Sum(s => (long)Encoding.UTF8.GetByteCount(s.SourceText.ToString()));
        return new GeneratorCheck(firstRun, result.GeneratedSources.Length, descriptors, generatedBytes);
    }

    private static int CountOccurrences(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}

/// <summary>One step's median elapsed time and how many of its outputs were new or modified (the rest cached).</summary>
internal sealed record StepTime(string Step, double Milliseconds, string Redone);

internal sealed record StepBreakdown(string Scenario, int Runs, double TotalMilliseconds, IReadOnlyList<StepTime> Steps);

/// <summary>What the sanity check found: the first (JIT-cold) run's time and the size of the output.</summary>
internal sealed record GeneratorCheck(TimeSpan FirstRun, int GeneratedFiles, int Descriptors, long GeneratedBytes);
