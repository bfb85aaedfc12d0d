using System.Runtime.Loader;
using GrpcServer.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using static GrpcServer.Generators.Tests.Infrastructure.GeneratorHarness;

namespace GrpcServer.Generators.Tests;

/// <summary>What the emitter writes beyond the snapshots: member names that cannot clash, and project-wide outputs that an RPC edit leaves alone.</summary>
public sealed class EmitterTests
{
    [Fact]
    public void Rpc_named_Service_leaves_the_service_object_the_name_Service_underscore_and_runs()
    {
        var protoRoot = Directory.CreateTempSubdirectory("grpcserver-emitter-");
        try
        {
            const string Proto = """
                syntax = "proto3";
                package desk.v1;
                message M {}
                service Desk { rpc Service(M) returns (M); rpc Service_(M) returns (M); rpc Open(M) returns (M); }
                """;
            File.WriteAllText(Path.Combine(protoRoot.FullName, "desk.proto"), Proto);
            var compilation = CreateCompilation(
                ProtocCompileTests.PlatformReferences(),
                [.. Protoc.GenerateCSharp(protoRoot.FullName, ["desk.proto"]).Select(s => s.Text), """
                    /// <summary>Reads the generated service.</summary>
                    public static class Probe
                    {
                        /// <summary>The service object's name and RPCs, and the service of the RPC named Service.</summary>
                        /// <returns>The description.</returns>
                        public static string Describe() =>
                            Desk.V1.DeskRpcs.Service__.FullName + ": " + string.Join(", ", System.Linq.Enumerable.Select(Desk.V1.DeskRpcs.Service__.Rpcs, r => r.Name))
                            + "; " + Desk.V1.DeskRpcs.Service.Service.FullName;
                    }
                    """]);

            CreateDriver([("desk.proto", Proto)]).RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);

            Assert.Empty(generatorDiagnostics);
            Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
            Assert.Equal("desk.v1.Desk: Service, Service_, Open; desk.v1.Desk", Execute(output));
        }
        finally
        {
            protoRoot.Delete(recursive: true);
        }
    }

    [Fact]
    public void Editing_an_rpc_re_emits_its_file_and_not_the_catalogue_or_the_AddHandler_overloads()
    {
        var compilation = CreateCompilation(Basic.Reference.Assemblies.Net100.References.All, "class Program { }");
        var texts = ToAdditionalTexts([GeneratorHarness.Proto("greet.proto"), GeneratorHarness.Proto("route_guide.proto")]);
        var driver = CreateDriver(texts, trackSteps: true).RunGenerators(compilation);
        var old = texts.Single(t => t.Path.EndsWith("route_guide.proto", StringComparison.Ordinal));
        var renamed = old.GetText()!.ToString().Replace("rpc GetFeature(Point)", "rpc GetFeatureAt(Point)", StringComparison.Ordinal);

        driver = driver.ReplaceAdditionalText(old, new InMemoryAdditionalText(old.Path, renamed)).RunGenerators(compilation);

        var result = driver.GetRunResult().Results.Single();
        var index = Assert.Single(result.TrackedSteps[TrackingNames.ServiceIndex].SelectMany(s => s.Outputs));
        Assert.Equal(IncrementalStepRunReason.Unchanged, index.Reason);
        Assert.Contains("GetFeatureAt", result.GeneratedSources.Single(s => s.HintName == "route_guide.proto.g.cs").SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void AddHandler_overloads_are_the_same_text_whatever_the_protos()
    {
        var one = Run(GeneratorHarness.Proto("greet.proto")).Sources()["GrpcServer.AddHandler.g.cs"];
        var other = Run(GeneratorHarness.Proto("route_guide.proto"), GeneratorHarness.Proto("no_package.proto")).Sources()["GrpcServer.AddHandler.g.cs"];

        Assert.Equal(one, other);
    }

    /// <summary>Loads the compiled program and returns <c>Probe.Describe()</c>.</summary>
    private static string Execute(Compilation compilation)
    {
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        image.Position = 0;
        var context = new AssemblyLoadContext("emitter", isCollectible: true);
        try
        {
            return (string)context.LoadFromStream(image).GetType("Probe", throwOnError: true)!.GetMethod("Describe")!.Invoke(null, null)!;
        }
        finally
        {
            context.Unload();
        }
    }
}
