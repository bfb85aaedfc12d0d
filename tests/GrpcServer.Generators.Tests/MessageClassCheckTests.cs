using System.Globalization;
using GrpcServer.Generators.Checks;
using GrpcServer.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace GrpcServer.Generators.Tests;

/// <summary>
/// A project whose .proto files reach the generator but whose message classes (Grpc.Tools' output) are not in the
/// compilation: Grpc.Tools is not referenced, or a file is an AdditionalFile and not a Protobuf item. One error says
/// which and what to add to the project file; nothing generated names a missing class, so the compiler adds no errors
/// of its own inside the generated files, and a warm run stays cached.
/// </summary>
public sealed class MessageClassCheckTests
{
    private const string CalculatorProto = "Analyzers/Protos/calculator.proto";
    private const string GreetProto = "Protos/greet.proto";

    private const string UserCode = """
        using Calc.V1;
        using GrpcServer;

        internal static class Handlers
        {
            public static RpcServer Add(RpcServer server) =>
                server.AddHandler("Calculator", "Compute", (ComputeRequest request, Context context) => new ComputeReply());
        }
        """;

    private static readonly Dictionary<string, string> s_withGrpcTools = new()
    {
        ["build_property.ProjectDir"] = TestPaths.ProjectDirectory + "/",
        [MessageClassCheck.GrpcToolsKey] = "1",
    };

    private static readonly Dictionary<string, string> s_withoutGrpcTools = new()
    {
        ["build_property.ProjectDir"] = TestPaths.ProjectDirectory + "/",
        // What the SDK writes for a property that no one defined.
        [MessageClassCheck.GrpcToolsKey] = "",
    };

    [Fact]
    public void Without_grpc_tools_one_error_names_the_file_the_missing_classes_and_the_package_reference_to_add()
    {
        var run = Build([CalculatorProto], protocFor: [], s_withoutGrpcTools, UserCode);

        var error = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("GRPCSRV201", error.Id);
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Equal(Location.None, error.Location);
        Assert.Equal(
            "The C# message classes of Analyzers/Protos/calculator.proto were not found (Calc.V1.CalculatorReflection, Calc.V1.ComputeRequest and 3 more classes missing), so their services are not generated. "
            + "Grpc.Tools generates them from the project's Protobuf items, and the project does not reference it: add <PackageReference Include=\"Grpc.Tools\" Version=\"2.85.0\" PrivateAssets=\"all\" /> to the project file.",
            error.GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Without_grpc_tools_the_compiler_reports_only_the_users_own_use_of_the_missing_classes()
    {
        var run = Build([CalculatorProto], protocFor: [], s_withoutGrpcTools, UserCode);

        // No service file, but the AddHandler overloads: the user's call binds, so no CS1501 beside GRPCSRV201, and no
        // error at all inside generated code (before, dozens of CS0234 there).
        Assert.DoesNotContain(run.Sources.Keys, k => k.EndsWith("calculator.proto.g.cs", StringComparison.Ordinal));
        Assert.Contains("GrpcServer.AddHandler.g.cs", run.Sources.Keys);
        Assert.Contains("GrpcServer.Catalog.g.cs", run.Sources.Keys);
        var errors = run.Compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.NotEmpty(errors);
        Assert.All(errors, d => Assert.Same(run.UserTree, d.Location.SourceTree));
        Assert.All(errors, d => Assert.Equal("CS0246", d.Id));
    }

    [Fact]
    public void A_proto_that_is_not_a_protobuf_item_gets_one_error_saying_to_list_it_and_the_others_generate()
    {
        var run = Build([GreetProto, CalculatorProto], protocFor: [GreetProto], s_withGrpcTools, "");

        var error = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("GRPCSRV201", error.Id);
        Assert.Equal(
            "The C# message classes of Analyzers/Protos/calculator.proto were not found (Calc.V1.CalculatorReflection, Calc.V1.ComputeRequest and 3 more classes missing), so their services are not generated. "
            + "Grpc.Tools generates them only for the project's Protobuf items: list it in the project file as one, such as <Protobuf Include=\"Analyzers/Protos/calculator.proto\" GrpcServices=\"None\" />.",
            error.GetMessage(CultureInfo.InvariantCulture));
        Assert.Contains(run.Sources.Keys, k => k.EndsWith("greet.proto.g.cs", StringComparison.Ordinal));
        Assert.DoesNotContain(run.Sources.Keys, k => k.EndsWith("calculator.proto.g.cs", StringComparison.Ordinal));
        Assert.Empty(run.Compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    [Fact]
    public void With_the_message_classes_nothing_is_reported_and_everything_generates()
    {
        var run = Build([GreetProto, CalculatorProto], protocFor: [GreetProto, CalculatorProto], s_withoutGrpcTools, UserCode);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Contains(run.Sources.Keys, k => k.EndsWith("calculator.proto.g.cs", StringComparison.Ordinal));
        Assert.Contains(run.Sources.Keys, k => k.EndsWith("greet.proto.g.cs", StringComparison.Ordinal));
        Assert.Empty(run.Compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    [Fact]
    public void Message_classes_in_a_referenced_assembly_count()
    {
        // The messages compiled into a library the project references, as a shared contracts project does.
        var library = GeneratorHarness.CreateCompilation(
                ProtocCompileTests.PlatformReferences(),
                [.. Protoc.GenerateCSharp(TestPaths.ProjectDirectory, [CalculatorProto]).Select(s => s.Text)])
            .WithAssemblyName("Contracts");
        using var image = new MemoryStream();
        Assert.True(library.Emit(image).Success);
        var contracts = MetadataReference.CreateFromImage(image.ToArray());

        var run = Build([CalculatorProto], protocFor: [], s_withGrpcTools, UserCode, [contracts]);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Contains(run.Sources.Keys, k => k.EndsWith("calculator.proto.g.cs", StringComparison.Ordinal));
        Assert.Empty(run.Compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    [Fact]
    public void Csharp_edit_reruns_the_look_up_alone_and_leaves_every_later_step_cached()
    {
        var compilation = GeneratorHarness.CreateCompilation(
            ProtocCompileTests.PlatformReferences(),
            [.. Protoc.GenerateCSharp(TestPaths.ProjectDirectory, [CalculatorProto]).Select(s => s.Text), UserCode]);
        var driver = GeneratorHarness.CreateDriver(Protos([CalculatorProto]), new TestOptionsProvider(s_withGrpcTools), trackSteps: true)
            .RunGenerators(compilation);

        driver = driver.RunGenerators(compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class Other { }", GeneratorHarness.ParseOptions)));

        var result = driver.GetRunResult().Results.Single();
        Assert.Equal(IncrementalStepRunReason.Unchanged, Assert.Single(result.TrackedSteps[TrackingNames.MessageClassCheck]).Outputs.Single().Reason);
        foreach (var step in new[] { TrackingNames.MessageClassNames, TrackingNames.EmittedModel, TrackingNames.ServiceFiles, TrackingNames.ServiceIndex })
        {
            Assert.All(result.TrackedSteps[step].SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
        }

        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    private static IEnumerable<(string Path, string Text)> Protos(IEnumerable<string> paths) =>
        paths.Select(p => (Path.Combine(TestPaths.ProjectDirectory, p), File.ReadAllText(Path.Combine(TestPaths.ProjectDirectory, p))));

    private static BuildResult Build(string[] protos, string[] protocFor, Dictionary<string, string> globalOptions, string userCode, MetadataReference[]? extraReferences = null)
    {
        var protoc = protocFor.Length == 0 ? [] : Protoc.GenerateCSharp(TestPaths.ProjectDirectory, protocFor).Select(s => s.Text);
        var compilation = GeneratorHarness.CreateCompilation(
            [.. ProtocCompileTests.PlatformReferences(), .. extraReferences ?? []],
            [.. protoc, userCode]);
        var userTree = compilation.SyntaxTrees.Last();
        var driver = GeneratorHarness.CreateDriver(Protos(protos), new TestOptionsProvider(globalOptions));

        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var built, out var diagnostics);

        var result = driver.GetRunResult().Results.Single();
        Assert.Null(result.Exception);
        return new BuildResult(
            built,
            userTree,
            diagnostics,
            result.GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString()));
    }

    private sealed record BuildResult(Compilation Compilation, SyntaxTree UserTree, System.Collections.Immutable.ImmutableArray<Diagnostic> GeneratorDiagnostics, IReadOnlyDictionary<string, string> Sources);
}
