using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace GrpcServer.Generators.Tests.Infrastructure;

/// <summary>An AdditionalFile held in memory.</summary>
internal sealed class InMemoryAdditionalText(string path, string text) : AdditionalText
{
    private readonly SourceText _text = SourceText.From(text, Encoding.UTF8);

    public override string Path { get; } = path;

    public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
}

/// <summary>MSBuild-style options: global properties and per-file metadata.</summary>
internal sealed class TestOptionsProvider(
    IReadOnlyDictionary<string, string> globalOptions,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? fileOptions = null) : AnalyzerConfigOptionsProvider
{
    public override AnalyzerConfigOptions GlobalOptions { get; } = new DictionaryOptions(globalOptions);

    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => DictionaryOptions.Empty;

    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) =>
        fileOptions is not null && fileOptions.TryGetValue(textFile.Path, out var options) ? new DictionaryOptions(options) : DictionaryOptions.Empty;

    private sealed class DictionaryOptions(IReadOnlyDictionary<string, string> values) : AnalyzerConfigOptions
    {
        public static readonly DictionaryOptions Empty = new(new Dictionary<string, string>());

        public override bool TryGetValue(string key, out string value) => values.TryGetValue(key, out value!);
    }
}

/// <summary>Runs <see cref="GrpcServerGenerator"/> over in-memory .proto files.</summary>
internal static class GeneratorHarness
{
    /// <summary>The project folder the in-memory .proto files live in.</summary>
    public const string ProjectDir = "/src/App/";

    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, DocumentationMode.Diagnose);

    public static CSharpCompilation CreateCompilation(IEnumerable<MetadataReference> references, params string[] sources) =>
        CSharpCompilation.Create(
            "TestAssembly",
            sources.Select(s => CSharpSyntaxTree.ParseText(s, ParseOptions)),
            references,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                // As the .NET SDK does (NoWarn 1701;1702): framework unification notices, not problems.
                specificDiagnosticOptions: new Dictionary<string, ReportDiagnostic> { ["CS1701"] = ReportDiagnostic.Suppress, ["CS1702"] = ReportDiagnostic.Suppress }));

    /// <summary>A driver with the .proto files <paramref name="protos"/> (paths relative to <see cref="ProjectDir"/>).</summary>
    public static GeneratorDriver CreateDriver(IEnumerable<(string Path, string Text)> protos, TestOptionsProvider? options = null, bool trackSteps = false) =>
        CreateDriver(ToAdditionalTexts(protos), options, trackSteps);

    /// <summary>The .proto files as AdditionalFiles (paths relative to <see cref="ProjectDir"/> unless rooted).</summary>
    public static IReadOnlyList<AdditionalText> ToAdditionalTexts(IEnumerable<(string Path, string Text)> protos) =>
        protos.Select(p => (AdditionalText)new InMemoryAdditionalText(Path.IsPathRooted(p.Path) ? p.Path : ProjectDir + p.Path, p.Text)).ToList();

    public static GeneratorDriver CreateDriver(IEnumerable<AdditionalText> texts, TestOptionsProvider? options = null, bool trackSteps = false)
    {
        options ??= new TestOptionsProvider(new Dictionary<string, string> { ["build_property.ProjectDir"] = ProjectDir });
        return CSharpGeneratorDriver.Create(
            [new GrpcServerGenerator().AsSourceGenerator()],
            texts,
            ParseOptions,
            options,
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));
    }

    /// <summary>Runs the generator once over an empty compilation.</summary>
    public static GeneratorDriverRunResult Run(params (string Path, string Text)[] protos) => Run(protos, null);

    public static GeneratorDriverRunResult Run(IEnumerable<(string Path, string Text)> protos, TestOptionsProvider? options)
    {
        var driver = CreateDriver(protos, options).RunGenerators(CreateCompilation(Basic.Reference.Assemblies.Net100.References.All));
        var result = driver.GetRunResult();
        Assert.Empty(result.Results.Single().Exception is { } e ? [e.ToString()] : Array.Empty<string>());
        return result;
    }

    public static ImmutableArray<Diagnostic> Diagnostics(this GeneratorDriverRunResult result) => result.Results.Single().Diagnostics;

    /// <summary>The generated sources by hint name.</summary>
    public static IReadOnlyDictionary<string, string> Sources(this GeneratorDriverRunResult result) =>
        result.Results.Single().GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString());

    /// <summary>Reads a .proto of the Protos folder.</summary>
    public static (string Path, string Text) Proto(string relativePath) =>
        (relativePath, File.ReadAllText(Path.Combine(TestPaths.ProtosDirectory, relativePath)));
}
