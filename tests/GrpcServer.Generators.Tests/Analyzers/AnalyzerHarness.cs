using System.Collections.Immutable;
using System.Globalization;
using GrpcServer.Generators.Analyzers;
using GrpcServer.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace GrpcServer.Generators.Tests.Analyzers;

/// <summary>
/// Compiles user code the way a project using GrpcServer is built: protoc's message classes (the real protoc from
/// Grpc.Tools), the real generator over the .proto files, then <see cref="AddHandlerAnalyzer"/> over the compilation
/// with the generated source in it. Expected locations are marked in the user code as <c>[|...|]</c>.
/// </summary>
internal static class AnalyzerHarness
{
    /// <summary>The .proto files of every test, relative to the test project folder.</summary>
    public static readonly string[] ProtoFiles =
    [
        "Protos/greet.proto",
        "Protos/route_guide.proto",
        "Analyzers/Protos/inventory_v1.proto",
        "Analyzers/Protos/inventory_v2.proto",
        "Analyzers/Protos/calculator.proto",
    ];

    // protoc runs once per test run; its output does not depend on the test.
    private static readonly Lazy<string[]> s_protocSources = new(() =>
        Protoc.GenerateCSharp(TestPaths.ProjectDirectory, ProtoFiles).Select(s => s.Text).ToArray());

    private static readonly Lazy<IReadOnlyList<MetadataReference>> s_references = new(ProtocCompileTests.PlatformReferences);

    /// <summary>
    /// Builds <paramref name="markedSource"/> with the generated code and runs the analyzer over it. The program must
    /// compile cleanly but for the compiler errors <paramref name="compilerErrors"/> (IDs) it is written to have.
    /// </summary>
    public static async Task<AnalyzerRun> RunAsync(string markedSource, params string[] compilerErrors)
    {
        var (source, markedSpans) = ParseMarkup(markedSource);
        var compilation = GeneratorHarness.CreateCompilation(s_references.Value, [.. s_protocSources.Value, source]);
        var userTree = compilation.SyntaxTrees.Last();
        var driver = GeneratorHarness.CreateDriver(ProtoFiles.Select(p => (p, File.ReadAllText(Path.Combine(TestPaths.ProjectDirectory, p)))));

        driver.RunGeneratorsAndUpdateCompilation(compilation, out var built, out var generatorDiagnostics);

        Assert.Empty(generatorDiagnostics);
        // Every test program is valid C# unless it says otherwise: what the analyzer reports, the compiler alone would let through.
        var problems = built.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(
            problems.Select(d => d.Id).Order(StringComparer.Ordinal).SequenceEqual(compilerErrors.Order(StringComparer.Ordinal)),
            "The test program does not compile as expected:\n" + string.Join("\n", problems));
        // So that "no diagnostic" means "checked and found nothing", not "found no catalogue to check against".
        Assert.NotNull(DeclaredRpcCatalog.TryRead(built, CancellationToken.None));

        var exceptions = new List<Exception>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions([]),
            onAnalyzerException: (exception, _, _) => exceptions.Add(exception),
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false);
        var diagnostics = await built.WithAnalyzers([new AddHandlerAnalyzer()], options).GetAnalyzerDiagnosticsAsync();

        Assert.Empty(exceptions);
        return new AnalyzerRun(
            built,
            userTree,
            markedSpans,
            [.. diagnostics.OrderBy(d => d.Location.SourceSpan.Start)]);
    }

    private static (string Source, IReadOnlyList<TextSpan> Spans) ParseMarkup(string marked)
    {
        var source = new System.Text.StringBuilder(marked.Length);
        var spans = new List<TextSpan>();
        var start = -1;
        for (var i = 0; i < marked.Length; i++)
        {
            if (string.CompareOrdinal(marked, i, "[|", 0, 2) == 0)
            {
                start = source.Length;
                i++;
            }
            else if (string.CompareOrdinal(marked, i, "|]", 0, 2) == 0)
            {
                spans.Add(TextSpan.FromBounds(start, source.Length));
                i++;
            }
            else
            {
                source.Append(marked[i]);
            }
        }

        return (source.ToString(), spans);
    }
}

/// <summary>The analyzer's diagnostics on one test program, in source order, and the program with the generated code.</summary>
internal sealed record AnalyzerRun(Compilation Compilation, SyntaxTree UserTree, IReadOnlyList<TextSpan> MarkedSpans, ImmutableArray<Diagnostic> Diagnostics)
{
    /// <summary>
    /// Asserts the diagnostic's ID, severity, message and location: in the user's file, at the <paramref name="marker"/>-th
    /// <c>[|...|]</c> span, given as 1-based line and column so a failure says where.
    /// </summary>
    public void AssertDiagnostic(Diagnostic diagnostic, string id, DiagnosticSeverity severity, string message, int marker = 0)
    {
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(severity, diagnostic.Severity);
        Assert.Equal(message, diagnostic.GetMessage(CultureInfo.InvariantCulture));
        AssertAt(diagnostic.Location, marker);
    }

    /// <summary>Asserts that <paramref name="location"/> is exactly the <paramref name="marker"/>-th marked span.</summary>
    public void AssertAt(Location location, int marker)
    {
        Assert.Same(UserTree, location.SourceTree);
        Assert.Equal(Describe(UserTree.GetLineSpan(MarkedSpans[marker])), Describe(location.GetLineSpan()));
        Assert.Equal(UserTree.GetText().ToString(MarkedSpans[marker]), UserTree.GetText().ToString(location.SourceSpan));
    }

    private static string Describe(FileLinePositionSpan span) =>
        $"({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1})-({span.EndLinePosition.Line + 1},{span.EndLinePosition.Character + 1})";
}
