using System.Collections.Immutable;
using System.Globalization;
using GrpcServer.Generators.Analyzers;
using GrpcServer.Generators.Checks;
using GrpcServer.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace GrpcServer.Generators.Tests.Analyzers;

/// <summary>
/// A named <c>AddHandler</c> call in a project whose .proto files never reached the generator (no Protobuf item):
/// before, only the compiler's errors (CS1501, or CS0246 for the messages); now GRPCSRV202 at the service name says what to add to the project file. And when the
/// .proto files are there but their message classes are not (no Grpc.Tools), GRPCSRV201 is the one GrpcServer error.
/// Both come from the generator, so a failing <c>using</c> of the program, which stops the compiler before analyzers
/// run, does not hide them; the analyzer adds nothing.
/// </summary>
public sealed class ProjectSetupTests
{
    private const string Program = """
        using Calc.V1;
        using GrpcServer;

        internal static class Handlers
        {
            public static RpcServer Add(RpcServer server) =>
                server.AddHandler([|"Calculator"|], "Compute", (ComputeRequest request, Context context) => new ComputeReply());
        }
        """;

    [Fact]
    public async Task Named_call_without_any_proto_service_and_without_grpc_tools_is_GRPCSRV202_saying_to_add_both()
    {
        var (diagnostics, compilerErrors, at) = await RunAsync(protos: [], grpcTools: false);

        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("GRPCSRV202", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal(at, diagnostic.Location.SourceSpan);
        Assert.Equal(
            "No .proto file of this project declares a service, so AddHandler has no RPC to add this handler to. The GrpcServer generator reads the project's Protobuf items, "
            + "and Grpc.Tools generates their message classes: add both to the project file, such as <PackageReference Include=\"Grpc.Tools\" Version=\"2.85.0\" PrivateAssets=\"all\" /> "
            + "and <Protobuf Include=\"Protos/**/*.proto\" ProtoRoot=\"Protos\" GrpcServices=\"None\" />.",
            diagnostic.GetMessage(CultureInfo.InvariantCulture));

        // Beside it, the compiler's own, about the unknown message classes only: a call of unknown types binds to nothing
        // without a CS1501 of its own.
        Assert.NotEmpty(compilerErrors);
        Assert.All(compilerErrors, id => Assert.Equal("CS0246", id));
    }

    [Fact]
    public async Task Named_call_without_any_proto_service_with_grpc_tools_is_GRPCSRV202_saying_to_list_the_protos()
    {
        var (diagnostics, _, at) = await RunAsync(protos: [], grpcTools: true);

        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("GRPCSRV202", diagnostic.Id);
        Assert.Equal(at, diagnostic.Location.SourceSpan);
        Assert.EndsWith(
            "The GrpcServer generator reads the project's Protobuf items: list the .proto files in the project file, such as <Protobuf Include=\"Protos/**/*.proto\" ProtoRoot=\"Protos\" GrpcServices=\"None\" />.",
            diagnostic.GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Protos_without_their_message_classes_get_GRPCSRV201_alone_not_GRPCSRV202()
    {
        var (diagnostics, compilerErrors, _) = await RunAsync(protos: ["Analyzers/Protos/calculator.proto"], grpcTools: false);

        Assert.Equal(["GRPCSRV201"], diagnostics.Select(d => d.Id));
        Assert.DoesNotContain("CS1501", compilerErrors);
        Assert.All(compilerErrors, id => Assert.Equal("CS0246", id));
    }

    [Fact]
    public async Task Another_librarys_AddHandler_in_a_project_without_services_is_none_of_GrpcServers_business()
    {
        var source = """
            internal sealed class Bus
            {
                public Bus AddHandler(string topic, string name, System.Action<string> handler) => this;
            }

            internal static class Handlers
            {
                public static Bus Add(Bus bus) => bus.AddHandler("orders", "created", order => { });
            }
            """;
        var compilation = GeneratorHarness.CreateCompilation(ProtocCompileTests.PlatformReferences(), source);
        var driver = GeneratorHarness.CreateDriver(Array.Empty<AdditionalText>(), new TestOptionsProvider(new Dictionary<string, string>()));

        driver.RunGeneratorsAndUpdateCompilation(compilation, out var built, out var diagnostics);

        Assert.Empty(diagnostics);
        Assert.Empty(built.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        Assert.Empty(await built.WithAnalyzers([new AddHandlerAnalyzer()]).GetAnalyzerDiagnosticsAsync());
    }

    [Fact]
    public void Grpc_tools_version_the_errors_advise_is_the_one_GrpcServer_is_built_with()
    {
        var packages = System.Xml.Linq.XDocument.Load(Path.Combine(TestPaths.ProjectDirectory, "..", "..", "Directory.Packages.props"));
        var version = packages.Descendants("PackageVersion").Single(e => (string?)e.Attribute("Include") == "Grpc.Tools").Attribute("Version")!.Value;

        Assert.Equal(ProjectFileAdvice.GrpcToolsVersion, version);
    }

    /// <summary>The generator and the analyzer over <see cref="Program"/> with the runtime but no message classes.</summary>
    private static async Task<(IReadOnlyList<Diagnostic> GrpcServer, IReadOnlyList<string> CompilerErrors, TextSpan At)> RunAsync(string[] protos, bool grpcTools)
    {
        var start = Program.IndexOf("[|", StringComparison.Ordinal);
        var source = Program.Replace("[|", "", StringComparison.Ordinal).Replace("|]", "", StringComparison.Ordinal);
        var at = new TextSpan(start, "\"Calculator\"".Length);
        var compilation = GeneratorHarness.CreateCompilation(ProtocCompileTests.PlatformReferences(), source);
        var options = new TestOptionsProvider(new Dictionary<string, string>
        {
            ["build_property.ProjectDir"] = TestPaths.ProjectDirectory + "/",
            [MessageClassCheck.GrpcToolsKey] = grpcTools ? "1" : "",
        });
        var driver = GeneratorHarness.CreateDriver(
            protos.Select(p => (Path.Combine(TestPaths.ProjectDirectory, p), File.ReadAllText(Path.Combine(TestPaths.ProjectDirectory, p)))),
            options);

        driver.RunGeneratorsAndUpdateCompilation(compilation, out var built, out var generatorDiagnostics);

        var analyzerDiagnostics = await built
            .WithAnalyzers([new AddHandlerAnalyzer()], new AnalyzerOptions([], options))
            .GetAnalyzerDiagnosticsAsync();
        var compilerErrors = built.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Id).ToList();
        return ([.. generatorDiagnostics, .. analyzerDiagnostics], compilerErrors, at);
    }
}
