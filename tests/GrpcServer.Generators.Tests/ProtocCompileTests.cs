using System.Runtime.Loader;
using Google.Protobuf.Reflection;
using Grpc.Core;
using GrpcServer.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace GrpcServer.Generators.Tests;

/// <summary>
/// Differential tests against the real protoc and gRPC C# plugin from Grpc.Tools: the generated
/// code must compile, with no error and no warning, against the classes protoc generates.
/// </summary>
public sealed class ProtocCompileTests
{
    /// <summary>The realistic .proto files of Protos/ (paths relative to it).</summary>
    public static readonly string[] ProtoFiles =
    [
        "greet.proto",
        "route_guide.proto",
        "shop/common.proto",
        "shop/orders.proto",
        "no_package.proto",
        "custom_namespace.proto",
        "well_known.proto",
    ];

    /// <summary>User code written against protoc's classes, calling every generated AddHandler shape.</summary>
    private const string HandlersSource = """
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using Google.Protobuf.WellKnownTypes;
        using GrpcServer;

        internal static class Handlers
        {
            public static RpcServer AddAll(RpcServer server) => server
                // greet.proto: both unary shapes, with and without package, and the typed descriptor.
                .AddHandler("Greeter", "SayHello", (Helloworld.HelloRequest request, Context context) => new Helloworld.HelloReply { Message = "Hi " + request.Name })
                .AddHandler("Greeter", "SayHello", async (Helloworld.HelloRequest request, Context context) => { await Task.Yield(); return new Helloworld.HelloReply(); }, package: "helloworld")
                .AddHandler(Helloworld.GreeterRpcs.SayHello, (request, context) => new Helloworld.HelloReply())
                // route_guide.proto: all four kinds, lambdas and method groups.
                .AddHandler("RouteGuide", "GetFeature", (Routeguide.Point point, Context context) => new Routeguide.Feature { Location = point })
                .AddHandler("RouteGuide", "ListFeatures", (Routeguide.Rectangle area, Context context) => new List<Routeguide.Feature>())
                .AddHandler("RouteGuide", "ListFeatures", ListFeatures)
                .AddHandler("RouteGuide", "RecordRoute", RecordRoute)
                .AddHandler("RouteGuide", "RouteChat", RouteChat)
                .AddHandler(Routeguide.RouteGuideRpcs.RouteChat, RouteChat)
                // shop/orders.proto: nested types, another package, a well-known type.
                .AddHandler("OrderService", "GetOrder", (Acme.Shop.V1.GetOrderRequest request, Context context) => new Acme.Shop.V1.Order { Id = request.Id })
                .AddHandler("OrderService", "PriceLine", (Acme.Shop.V1.Order.Types.Line line, Context context) => line.Price ?? new Acme.CommonTypes.Money())
                .AddHandler("OrderService", "Watch", (Acme.Shop.V1.GetOrderRequest request, Context context) => new[] { new Acme.Shop.V1.Order.Types.Line() })
                .AddHandler("OrderService", "Clear", (Empty request, Context context) => new Empty())
                // no_package.proto: the global namespace.
                .AddHandler("Echo", "Say", (EchoMessage message, Context context) => message)
                .AddHandler("Echo", "Chat", Chat)
                // custom_namespace.proto: csharp_namespace; an rpc named like its request type.
                .AddHandler("Pinger", "Ping", (Custom.Api.Ping ping, Context context) => new Custom.Api.Pong { ReceivedAt = ping.SentAt })
                .AddHandler("Pinger", "Upload", Upload)
                .AddHandler(Custom.Api.PingerRpcs.Ping, (ping, context) => new Custom.Api.Pong())
                // well_known.proto: well-known types as request and response.
                .AddHandler("Clock", "Now", (Empty request, Context context) => Timestamp.FromDateTime(DateTime.UtcNow))
                .AddHandler("Clock", "Sleep", (Duration duration, Context context) => new Empty())
                .AddHandler("Clock", "Ticks", Ticks)
                .AddHandler("Clock", "Echo", (StringValue value, Context context) => value)
                .AddHandler("Clock", "Reset", (Empty request, Context context) => request);

            private static async IAsyncEnumerable<Routeguide.Feature> ListFeatures(Routeguide.Rectangle area, Context context)
            {
                await Task.Yield();
                yield return new Routeguide.Feature();
            }

            private static async Task<Routeguide.RouteSummary> RecordRoute(IAsyncEnumerable<Routeguide.Point> points, Context context)
            {
                var count = 0;
                await foreach (var point in points)
                {
                    count++;
                }

                return new Routeguide.RouteSummary { PointCount = count };
            }

            private static async IAsyncEnumerable<Routeguide.RouteNote> RouteChat(IAsyncEnumerable<Routeguide.RouteNote> notes, Context context)
            {
                await foreach (var note in notes)
                {
                    yield return note;
                }
            }

            private static async IAsyncEnumerable<EchoMessage> Chat(IAsyncEnumerable<EchoMessage> messages, Context context)
            {
                await foreach (var message in messages)
                {
                    yield return message;
                }
            }

            private static async Task<Custom.Api.Pong> Upload(IAsyncEnumerable<Custom.Api.Ping> pings, Context context)
            {
                await foreach (var ping in pings)
                {
                }

                return new Custom.Api.Pong();
            }

            private static IEnumerable<Timestamp> Ticks(Duration interval, Context context)
            {
                yield return Timestamp.FromDateTime(DateTime.UtcNow);
            }
        }
        """;

    /// <summary>The whole corpus compiled once, for the tests that only read the result.</summary>
    private static readonly Lazy<(int Generated, Compilation Output)> s_corpus = new(() => CompileWithProtoc(DescriptorSetTests.Corpus));

    private static readonly Lazy<IReadOnlyList<MetadataReference>> s_platformReferences = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToList());

    [Fact]
    public void Generated_code_compiles_without_errors_or_warnings_against_protoc_output()
    {
        var (generated, _) = CompileWithProtoc(ProtoFiles, HandlersSource);

        Assert.Equal(8, generated);
    }

    [Fact]
    public void Language_corpus_generates_code_that_compiles_against_protoc_output()
    {
        // proto2 groups and extensions, editions, public import chains, scoping: the C# names must be protoc's.
        var (generated, _) = s_corpus.Value;

        Assert.Equal(12, generated);
    }

    [Fact]
    public void Every_generated_descriptor_matches_protocs_own_descriptors_at_run_time()
    {
        var (_, output) = s_corpus.Value;
        using var image = new MemoryStream();
        var emitted = output.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        var context = new AssemblyLoadContext("generated", isCollectible: true);
        try
        {
            image.Position = 0;
            var assembly = context.LoadFromStream(image);
            var catalog = (RpcCatalog)assembly.GetType("GrpcServer.GeneratedRpcCatalog", throwOnError: true)!.GetField("Instance")!.GetValue(null)!;

            var files = new HashSet<FileDescriptor>();
            foreach (var rpc in catalog)
            {
                // The descriptor protoc's code holds for the same rpc: same messages, same kind.
                var method = rpc.ServiceDescriptor?.FindMethodByName(rpc.Name);
                Assert.True(method is not null, $"No protoc descriptor for {rpc.FullName}.");
                Assert.Equal(method.InputType.ClrType, rpc.RequestType);
                Assert.Equal(method.OutputType.ClrType, rpc.ResponseType);
                Assert.Equal((method.IsClientStreaming, method.IsServerStreaming), (rpc.Kind is MethodType.ClientStreaming or MethodType.DuplexStreaming, rpc.Kind is MethodType.ServerStreaming or MethodType.DuplexStreaming));
                Assert.Equal("/" + method.Service.FullName + "/" + method.Name, rpc.FullName);
                files.Add(method.File);
            }

            // And no rpc of protoc's is missing from the catalogue.
            Assert.Equal(files.Sum(f => f.Services.Sum(s => s.Methods.Count)), catalog.Count);
        }
        finally
        {
            context.Unload();
        }
    }

    /// <summary>
    /// Compiles protoc's C# for <paramref name="files"/> plus <paramref name="userSources"/> with the
    /// generator running over the same .proto files; asserts no generator diagnostic and no compiler
    /// error or warning; returns the number of generated files and the compilation.
    /// </summary>
    private static (int Generated, Compilation Output) CompileWithProtoc(IReadOnlyList<string> files, params string[] userSources)
    {
        var protocSources = Protoc.GenerateCSharp(TestPaths.ProtosDirectory, files);
        Assert.NotEmpty(protocSources);
        var compilation = GeneratorHarness.CreateCompilation(
            PlatformReferences(),
            [.. protocSources.Select(s => s.Text), .. userSources]);
        var options = new TestOptionsProvider(
            new Dictionary<string, string> { ["build_property.ProjectDir"] = TestPaths.ProjectDirectory },
            files.ToDictionary(
                p => Path.Combine(TestPaths.ProtosDirectory, p),
                _ => (IReadOnlyDictionary<string, string>)new Dictionary<string, string> { ["build_metadata.AdditionalFiles.ProtoRoot"] = "Protos" }));
        var driver = GeneratorHarness.CreateDriver(files.Select(p => (Path.Combine(TestPaths.ProtosDirectory, p), File.ReadAllText(Path.Combine(TestPaths.ProtosDirectory, p)))), options);

        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);

        Assert.Empty(generatorDiagnostics);
        var problems = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()).ToList();
        Assert.True(problems.Count == 0, "The compilation has errors or warnings:\n" + string.Join("\n", problems));
        return (driver.GetRunResult().GeneratedTrees.Length, output);
    }

    [Fact]
    public void Handler_of_the_wrong_type_does_not_compile()
    {
        // Proves the compile test above can fail: a handler whose response is not the RPC's.
        var protocSources = Protoc.GenerateCSharp(TestPaths.ProtosDirectory, ["greet.proto"]);
        var compilation = GeneratorHarness.CreateCompilation(
            PlatformReferences(),
            [.. protocSources.Select(s => s.Text), """
                using GrpcServer;
                internal static class Wrong
                {
                    public static RpcServer Add(RpcServer server) =>
                        server.AddHandler("Greeter", "SayHello", (Helloworld.HelloRequest request, Context context) => new Helloworld.HelloRequest());
                }
                """]);
        var wrongTree = compilation.SyntaxTrees.Last();
        var driver = GeneratorHarness.CreateDriver([GeneratorHarness.Proto("greet.proto")]);

        driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);

        Assert.Contains(output.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree == wrongTree);
    }

    /// <summary>The assemblies this test runs with: the .NET and ASP.NET Core frameworks, Google.Protobuf, Grpc.Core.Api and GrpcServer.</summary>
    internal static IReadOnlyList<MetadataReference> PlatformReferences() => s_platformReferences.Value;
}
