using System.Collections.Immutable;
using System.Diagnostics;
using System.Reflection;
using GrpcServer.Benchmarks.Generator;
using GrpcServer.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace GrpcServer.Benchmarks.Scale;

/// <summary>What a build gave the compiler (see <see cref="ScaleProjects.InputsTarget"/>).</summary>
internal sealed record CompilerInputs(
    IReadOnlyList<string> References,
    IReadOnlyList<string> Sources,
    IReadOnlyList<string> AdditionalFiles,
    IReadOnlyList<string> ConfigFiles,
    string LangVersion,
    IReadOnlyList<string> Defines)
{
    public static CompilerInputs Read(string file)
    {
        var lines = File.ReadAllLines(file).Select(l => l.Split('|', 2)).Where(p => p.Length == 2).ToList();
        IReadOnlyList<string> All(string kind) => [.. lines.Where(p => p[0] == kind).Select(p => p[1]).Distinct()];
        string One(string kind) => lines.FirstOrDefault(p => p[0] == kind)?[1] ?? "";
        return new CompilerInputs(All("ref"), All("src"), All("add"), All("cfg"), One("lang"), [.. One("define").Split(',', StringSplitOptions.RemoveEmptyEntries)]);
    }
}

/// <summary>One measured repetition of one registering file (see <see cref="RoslynScale"/>).</summary>
internal sealed record RoslynTiming(
    int RpcCount,
    ScaleVariant Variant,
    int Repetition,
    double GeneratorMs,
    double FirstLookupMs,
    double BindOneCallMs,
    double CompilerDiagnosticsMs,
    double AnalyzerDiagnosticsMs,
    int Warnings)
{
    public double DiagnosticsMs => CompilerDiagnosticsMs + AnalyzerDiagnosticsMs;

    /// <summary>What the IDE does before the first hover after an edit can answer: rerun the generators, then bind.</summary>
    public double FirstLookupAfterEditMs => GeneratorMs + FirstLookupMs;
}

/// <summary>
/// A scale project's compilation as an IDE holds it: the sources, references and options the build gave csc, the
/// registering file replaced by the variant's, and for GrpcServer's form the generator and analyzer of this
/// repository (every <c>[Generator]</c> and <c>[DiagnosticAnalyzer]</c> in GrpcServer.Generators) run through a warm
/// <see cref="GeneratorDriver"/>. Only the compiler and GrpcServer's analyzers run (not the SDK's), in both forms.
/// </summary>
internal sealed class ScaleCompilation
{
    private static readonly Dictionary<string, MetadataReference> s_references = new(StringComparer.Ordinal);

    private readonly CSharpCompilation _base;
    private readonly SyntaxTree _program;
    private readonly ImmutableArray<DiagnosticAnalyzer> _analyzers;
    private readonly AnalyzerOptions _options;
    private GeneratorDriver? _driver;

    public ScaleCompilation(CompilerInputs inputs, ScaleVariant variant, string programText)
    {
        Variant = variant;
        var parseOptions = new CSharpParseOptions(
            LanguageVersionFacts.TryParse(inputs.LangVersion, out var version) ? version : LanguageVersion.Default,
            DocumentationMode.Parse,
            preprocessorSymbols: inputs.Defines);

        var trees = new List<SyntaxTree>();
        SyntaxTree? program = null;
        foreach (var path in inputs.Sources)
        {
            var isProgram = Path.GetFileName(path) == "Program.cs";
            var text = isProgram ? programText : File.ReadAllText(path);
            var tree = CSharpSyntaxTree.ParseText(SourceText.From(text, System.Text.Encoding.UTF8), parseOptions, path);
            trees.Add(tree);
            if (isProgram)
            {
                program = tree;
            }
        }

        _program = program ?? throw new InvalidOperationException("The build compiled no Program.cs.");
        _base = CSharpCompilation.Create(
            "Scale",
            trees,
            inputs.References.Select(Reference),
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));

        var configOptions = new ConfigOptionsProvider(inputs.ConfigFiles);
        var additional = inputs.AdditionalFiles.Select(path => (AdditionalText)new InMemoryAdditionalText(path, File.ReadAllText(path))).ToImmutableArray();
        _options = new AnalyzerOptions(additional, configOptions);
        if (variant.IsGrpcServer)
        {
            var (generators, analyzers) = Ours();
            _analyzers = analyzers;
            _driver = CSharpGeneratorDriver.Create(generators, additional, parseOptions, configOptions)
                .RunGeneratorsAndUpdateCompilation(_base, out var output, out var generatorDiagnostics);
            var problems = generatorDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
            if (problems.Count > 0)
            {
                throw new InvalidOperationException("The generator reported problems in the scale project:\n" + string.Join("\n", problems.Take(10)));
            }

            GeneratedBytes = output.SyntaxTrees.Except(_base.SyntaxTrees).Sum(t => (long)t.Length);
        }
        else
        {
            _analyzers = [];
        }
    }

    public ScaleVariant Variant { get; }

    /// <summary>Characters of C# the generator added.</summary>
    public long GeneratedBytes { get; }

    /// <summary>
    /// The compilation after an edit of the registering file (a comment added at its end, different each time, so no
    /// cache can answer) and the generator run that follows it, as the IDE runs it; returns the run's time.
    /// </summary>
    public (Compilation Compilation, SyntaxTree Program, double GeneratorMs) Edit(int edit)
    {
        var text = _program.GetText();
        var edited = _program.WithChangedText(text.WithChanges(new TextChange(new TextSpan(text.Length, 0), $"// edit {edit}\n")));
        var input = _base.ReplaceSyntaxTree(_program, edited);
        if (_driver is null)
        {
            return (input, edited, 0);
        }

        var stopwatch = Stopwatch.StartNew();
        _driver = _driver.RunGeneratorsAndUpdateCompilation(input, out var output, out _);
        return (output, edited, stopwatch.Elapsed.TotalMilliseconds);
    }

    public ImmutableArray<DiagnosticAnalyzer> Analyzers => _analyzers;

    public AnalyzerOptions Options => _options;

    private static MetadataReference Reference(string path)
    {
        lock (s_references)
        {
            return s_references.TryGetValue(path, out var reference) ? reference : s_references[path] = MetadataReference.CreateFromFile(path);
        }
    }

    /// <summary>GrpcServer's generators and analyzers, found in its assembly so that new ones are measured too.</summary>
    private static (ImmutableArray<ISourceGenerator> Generators, ImmutableArray<DiagnosticAnalyzer> Analyzers) Ours()
    {
        var types = typeof(GrpcServerGenerator).Assembly.GetTypes().Where(t => !t.IsAbstract).ToList();
        var generators = types
            .Where(t => t.GetCustomAttribute<GeneratorAttribute>() is not null)
            .Select(t => Activator.CreateInstance(t) switch
            {
                IIncrementalGenerator incremental => incremental.AsSourceGenerator(),
                ISourceGenerator source => source,
                _ => throw new InvalidOperationException($"{t} is not a generator."),
            })
            .ToImmutableArray();
        var analyzers = types
            .Where(t => t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null && typeof(DiagnosticAnalyzer).IsAssignableFrom(t))
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToImmutableArray();
        return (generators, analyzers);
    }

    /// <summary>The .editorconfig and global configs the build passed, as the compiler reads them.</summary>
    private sealed class ConfigOptionsProvider : AnalyzerConfigOptionsProvider
    {
        private readonly AnalyzerConfigSet _set;

        public ConfigOptionsProvider(IEnumerable<string> paths)
        {
            var configs = paths.Where(File.Exists).Select(p => AnalyzerConfig.Parse(SourceText.From(File.ReadAllText(p)), p)).ToImmutableArray();
            _set = AnalyzerConfigSet.Create(configs);
            GlobalOptions = new Options(_set.GlobalConfigOptions.AnalyzerOptions);
        }

        public override AnalyzerConfigOptions GlobalOptions { get; }

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => For(tree.FilePath);

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => For(textFile.Path);

        private Options For(string path)
        {
            var options = _set.GetOptionsForSourcePath(path).AnalyzerOptions;
            return new Options(options.Count == 0 ? _set.GlobalConfigOptions.AnalyzerOptions : _set.GlobalConfigOptions.AnalyzerOptions.SetItems(options));
        }

        private sealed class Options(ImmutableDictionary<string, string> values) : AnalyzerConfigOptions
        {
            public override bool TryGetValue(string key, out string value) => values.TryGetValue(key, out value!);
        }
    }
}

/// <summary>
/// The IDE's view of a scale project through the Roslyn API, after an edit of the registering file:
/// <list type="bullet">
/// <item><b>first lookup</b>: <c>GetSymbolInfo</c> on the registration in the middle of the file, in the new compilation
/// (what the first hover or completion after an edit waits for; plus the generator rerun before it);</item>
/// <item><b>binding one call</b>: then, in the same compilation, <c>GetSpeculativeSymbolInfo</c> of other registrations
/// at the end of the registrations (each binds one call: overload resolution with its handler); the median;</item>
/// <item><b>diagnostics of the registering file</b>: in a second edited compilation, <c>SemanticModel.GetDiagnostics</c>
/// (the compiler: the whole file bound) then GrpcServer's analyzers on that model
/// (<c>CompilationWithAnalyzers.GetAnalyzerSemanticDiagnosticsAsync</c>).</item>
/// </list>
/// </summary>
internal static class RoslynScale
{
    public const int SpeculativeCalls = 9;

    public static async Task<RoslynTiming> MeasureAsync(ScaleCompilation project, IReadOnlyList<ScaleRpc> rpcs, int repetition)
    {
        var variant = project.Variant;

        // First lookup after an edit, then single calls bound in the same compilation.
        var (compilation, program, generatorMs) = project.Edit(2 * repetition);
        var model = compilation.GetSemanticModel(program);
        var registrations = Registrations(program, variant);
        var middle = registrations[registrations.Count / 2];
        var stopwatch = Stopwatch.StartNew();
        var info = model.GetSymbolInfo(middle);
        var firstLookupMs = stopwatch.Elapsed.TotalMilliseconds;
        Expect(info.Symbol is not null, $"{variant.Name}: the registration '{Short(middle)}' did not bind ({info.CandidateReason}).");

        var position = program.GetRoot().DescendantNodes().OfType<GlobalStatementSyntax>().Last().SpanStart;
        var bound = new List<double>();
        foreach (var rpc in Spread(rpcs, SpeculativeCalls))
        {
            var expression = SyntaxFactory.ParseExpression(ScaleSources.Registration(variant, rpc));
            stopwatch.Restart();
            var speculative = model.GetSpeculativeSymbolInfo(position, expression, SpeculativeBindingOption.BindAsExpression);
            bound.Add(stopwatch.Elapsed.TotalMilliseconds);
            Expect(speculative.Symbol is not null, $"{variant.Name}: '{Short(expression)}' did not bind ({speculative.CandidateReason}).");
        }

        // Diagnostics of the registering file after another edit: the compiler's, then GrpcServer's analyzers on the same model.
        var (edited, editedProgram, generatorMs2) = project.Edit((2 * repetition) + 1);
        var analyzed = project.Analyzers.IsEmpty ? null : new CompilationWithAnalyzers(edited, project.Analyzers, new CompilationWithAnalyzersOptions(project.Options, null, concurrentAnalysis: false, logAnalyzerExecutionTime: false));
        var diagnosticsModel = (analyzed?.Compilation ?? edited).GetSemanticModel(editedProgram);
        stopwatch.Restart();
        var diagnostics = diagnosticsModel.GetDiagnostics();
        var compilerMs = stopwatch.Elapsed.TotalMilliseconds;
        var analyzerMs = 0.0;
        if (analyzed is not null)
        {
            stopwatch.Restart();
            diagnostics = diagnostics.AddRange(await analyzed.GetAnalyzerSemanticDiagnosticsAsync(diagnosticsModel, null, CancellationToken.None));
            analyzerMs = stopwatch.Elapsed.TotalMilliseconds;
        }

        var errors = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Expect(errors.Count == 0, $"{variant.Name}, {rpcs.Count} RPCs: the registering file has errors:\n" + string.Join("\n", errors.Take(10)));
        return new RoslynTiming(
            rpcs.Count,
            variant,
            repetition,
            (generatorMs + generatorMs2) / 2,
            firstLookupMs,
            Reporting.Statistics.Median(bound),
            compilerMs,
            analyzerMs,
            diagnostics.Count(d => d.Severity == DiagnosticSeverity.Warning));
    }

    /// <summary><paramref name="count"/> RPCs spread over the list (all four kinds), not the one in the middle.</summary>
    public static IEnumerable<ScaleRpc> Spread(IReadOnlyList<ScaleRpc> rpcs, int count)
    {
        var step = Math.Max(1, rpcs.Count / count);
        return Enumerable.Range(0, count).Select(i => rpcs[((i * step) + i) % rpcs.Count]);
    }

    private static List<InvocationExpressionSyntax> Registrations(SyntaxTree program, ScaleVariant variant)
    {
        var prefix = variant.IsGrpcServer ? "server.AddHandler(" : "app.MapGrpcService<";
        return [.. program.GetRoot().DescendantNodes().OfType<GlobalStatementSyntax>()
            .Select(s => (s.Statement as ExpressionStatementSyntax)?.Expression as InvocationExpressionSyntax)
            .OfType<InvocationExpressionSyntax>()
            .Where(i => i.ToString().StartsWith(prefix, StringComparison.Ordinal))];
    }

    private static string Short(SyntaxNode node)
    {
        var text = node.ToString();
        return text.Length > 100 ? text[..100] + "..." : text;
    }

    private static void Expect(bool condition, string problem)
    {
        if (!condition)
        {
            throw new InvalidOperationException("The scale measurement is broken: " + problem);
        }
    }
}
