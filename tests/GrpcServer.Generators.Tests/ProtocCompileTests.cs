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

    /// <summary>The whole corpus compiled once, with a handler for every rpc, for the tests that only read the result.</summary>
    private static readonly Lazy<(int Generated, Compilation Output)> s_corpus = new(() => CompileWithProtoc(DescriptorSetTests.Corpus, EveryRpcHandlersSource()));

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
    public void Whole_corpus_generates_code_that_compiles_against_protoc_output_with_a_handler_for_every_rpc()
    {
        // Every file of Protos/: proto2, editions, imports, scoping, naming; the C# names must be protoc's, and
        // EveryRpcHandlersSource adds a handler to every rpc by name and by descriptor, typed with protoc's classes.
        var (generated, _) = s_corpus.Value;

        var filesWithServices = DescriptorSetTests.Corpus.Count(file => DescriptorSetTests.ProtocDescriptors.File.Single(f => f.Name == file).Service.Count > 0);
        Assert.Equal(filesWithServices + 2, generated);
    }

    [Fact]
    public void Every_rpc_of_the_corpus_takes_a_handler_by_name_and_by_descriptor_at_run_time()
    {
        WithCorpusAssembly(assembly =>
        {
            var byName = new RpcServer();
            var byDescriptor = new RpcServer();
            var added = (int)assembly.GetType("EveryRpcHandlers", throwOnError: true)!.GetMethod("AddAll")!.Invoke(null, [byName, byDescriptor])!;

            // Each AddHandler found its rpc in the catalogue and accepted the handler; a second handler for one rpc would throw.
            var rpcs = DescriptorSetTests.ProtocDescriptors.File.Where(f => DescriptorSetTests.Corpus.Contains(f.Name)).Sum(f => f.Service.Sum(s => s.Method.Count));
            Assert.Equal(rpcs, added);
        });
    }

    [Fact]
    public void Every_generated_descriptor_matches_protocs_own_descriptors_at_run_time()
    {
        WithCorpusAssembly(assembly =>
        {
            var catalog = (RpcCatalog)assembly.GetType("GrpcServer.GeneratedRpcCatalog", throwOnError: true)!.GetField("Instance")!.GetValue(null)!;

            var files = new HashSet<FileDescriptor>();
            foreach (var rpc in catalog.Rpcs)
            {
                // The descriptor protoc's code holds for the same rpc: same messages, same kind.
                var method = rpc.Service.Descriptor?.FindMethodByName(rpc.Name);
                Assert.True(method is not null, $"No protoc descriptor for {rpc.FullName}.");
                Assert.Equal(method.InputType.ClrType, rpc.RequestType);
                Assert.Equal(method.OutputType.ClrType, rpc.ResponseType);
                Assert.Equal((method.IsClientStreaming, method.IsServerStreaming), (rpc.Kind is MethodType.ClientStreaming or MethodType.DuplexStreaming, rpc.Kind is MethodType.ServerStreaming or MethodType.DuplexStreaming));
                Assert.Equal("/" + method.Service.FullName + "/" + method.Name, rpc.FullName);
                files.Add(method.File);
            }

            // And no rpc of protoc's is missing from the catalogue.
            Assert.Equal(files.Sum(f => f.Services.Sum(s => s.Methods.Count)), catalog.Rpcs.Count);
        });
    }

    /// <summary>Loads the compiled corpus into a collectible context, runs <paramref name="test"/> on it, unloads it.</summary>
    private static void WithCorpusAssembly(Action<System.Reflection.Assembly> test)
    {
        var (_, output) = s_corpus.Value;
        using var image = new MemoryStream();
        var emitted = output.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        var context = new AssemblyLoadContext("generated", isCollectible: true);
        try
        {
            image.Position = 0;
            test(context.LoadFromStream(image));
        }
        finally
        {
            context.Unload();
        }
    }

    /// <summary>
    /// User code that adds a handler to every rpc of the corpus twice: by name on one server
    /// (<c>AddHandler("Service", "Rpc", handler, package: "pkg")</c>) and by typed descriptor on another
    /// (<c>AddHandler(ServiceRpcs.Rpc, handler)</c>). The message classes come from protoc's descriptors
    /// alone, so the code compiles only if the generated overloads take protoc's classes.
    /// </summary>
    private static string EveryRpcHandlersSource()
    {
        var source = new System.Text.StringBuilder();
        source.AppendLine("""
            // corpus/deprecated.proto's messages are [Obsolete]: naming them here is warned (CS0612), as it should be.
            #pragma warning disable CS0612
            using System.Collections.Generic;
            using System.Threading.Tasks;
            using GrpcServer;

            internal static class EveryRpcHandlers
            {
                public static int AddAll(RpcServer byName, RpcServer byDescriptor)
                {
                    var added = 0;
            """);
        foreach (var file in DescriptorSetTests.ProtocDescriptors.File.Where(f => DescriptorSetTests.Corpus.Contains(f.Name)))
        {
            var ns = file.Options?.HasCsharpNamespace == true ? file.Options.CsharpNamespace : string.Join(".", file.Package.Split('.').Select(DescriptorSetTests.PascalCase));
            foreach (var service in file.Service)
            {
                foreach (var method in service.Method)
                {
                    var helper = (method.ClientStreaming, method.ServerStreaming) switch
                    {
                        (false, false) => "Unary",
                        (false, true) => "ServerStreaming",
                        (true, false) => "ClientStreaming",
                        _ => "Duplex",
                    };
                    var handler = $"{helper}<{DescriptorSetTests.ExpectedClassName(method.InputType)}, {DescriptorSetTests.ExpectedClassName(method.OutputType)}>";
                    var member = (SyntaxFacts.GetKeywordKind(method.Name) == SyntaxKind.None ? "" : "@") + method.Name;
                    var descriptor = $"global::{(ns.Length == 0 ? "" : ns + ".")}{service.Name}Rpcs.{member}";
                    source.AppendLine($"        byName.AddHandler({Literal(service.Name)}, {Literal(method.Name)}, {handler}, package: {Literal(file.Package)});");
                    source.AppendLine($"        byDescriptor.AddHandler({descriptor}, {handler});");
                    source.AppendLine("        added++;");
                }
            }
        }

        source.AppendLine("""
                    return added;
                }

                private static TResponse Unary<TRequest, TResponse>(TRequest request, Context context) where TResponse : new() => new();

                private static IEnumerable<TResponse> ServerStreaming<TRequest, TResponse>(TRequest request, Context context) where TResponse : new()
                {
                    yield return new();
                }

                private static async Task<TResponse> ClientStreaming<TRequest, TResponse>(IAsyncEnumerable<TRequest> requests, Context context) where TResponse : new()
                {
                    await foreach (var request in requests)
                    {
                    }

                    return new();
                }

                private static async IAsyncEnumerable<TResponse> Duplex<TRequest, TResponse>(IAsyncEnumerable<TRequest> requests, Context context) where TResponse : new()
                {
                    await foreach (var request in requests)
                    {
                        yield return new();
                    }
                }
            }
            """);
        return source.ToString();

        static string Literal(string value) => SymbolDisplay.FormatLiteral(value, quote: true);
    }

    /// <summary>
    /// Compiles protoc's C# for <paramref name="files"/> plus <paramref name="userSources"/> with the
    /// generator running over the same .proto files; asserts no generator diagnostic and no compiler
    /// error or warning; returns the number of generated files and the compilation.
    /// </summary>
    private static (int Generated, Compilation Output) CompileWithProtoc(IReadOnlyList<string> files, params string[] userSources)
    {
        var (driver, output, generatorDiagnostics) = CompileWithProtocAsErrors(files, userSources);

        Assert.Empty(generatorDiagnostics);
        var problems = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()).ToList();
        Assert.True(problems.Count == 0, "The compilation has errors or warnings:\n" + string.Join("\n", problems));
        return (driver.GetRunResult().GeneratedTrees.Length, output);
    }

    /// <summary>
    /// Compiles protoc's C# for <paramref name="files"/>, <paramref name="userSources"/> and the generator's output with
    /// every warning reported as an error, as a project with <c>TreatWarningsAsErrors</c> builds.
    /// </summary>
    private static (GeneratorDriver Driver, Compilation Output, System.Collections.Immutable.ImmutableArray<Diagnostic> GeneratorDiagnostics) CompileWithProtocAsErrors(IReadOnlyList<string> files, params string[] userSources)
    {
        var protocSources = Protoc.GenerateCSharp(TestPaths.ProtosDirectory, files);
        Assert.NotEmpty(protocSources);
        var compilation = GeneratorHarness.CreateCompilation(
            PlatformReferences(),
            [.. protocSources.Select(s => s.Text), .. userSources]);
        compilation = compilation.WithOptions(compilation.Options.WithGeneralDiagnosticOption(ReportDiagnostic.Error));
        var options = new TestOptionsProvider(
            new Dictionary<string, string> { ["build_property.ProjectDir"] = TestPaths.ProjectDirectory },
            files.ToDictionary(
                p => Path.Combine(TestPaths.ProtosDirectory, p),
                _ => (IReadOnlyDictionary<string, string>)new Dictionary<string, string> { ["build_metadata.AdditionalFiles.ProtoRoot"] = "Protos" }));
        var driver = GeneratorHarness.CreateDriver(files.Select(p => (Path.Combine(TestPaths.ProtosDirectory, p), File.ReadAllText(Path.Combine(TestPaths.ProtosDirectory, p)))), options);

        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        return (driver, output, generatorDiagnostics);
    }

    [Fact]
    public void Deprecated_proto_elements_compile_with_warnings_as_errors_and_user_code_naming_them_is_still_warned()
    {
        // corpus/deprecated.proto: a deprecated file, messages (one as an rpc request, a nested one as a response),
        // an enum, an enum value, fields, a service and rpcs. protoc's classes for them are [Obsolete].
        const string UserCode = """
            internal static class UsesDeprecated
            {
                public static object Create() => new Acme.Legacy.V1.OldRequest();

                public static object Current() => new Acme.Legacy.V1.CurrentReply();
            }
            """;

        var (driver, output, generatorDiagnostics) = CompileWithProtocAsErrors(["corpus/deprecated.proto"], UserCode);

        Assert.Empty(generatorDiagnostics);
        var generated = driver.GetRunResult().GeneratedTrees;
        Assert.Equal(3, generated.Length);
        var userTree = output.SyntaxTrees.Single(t => t.ToString() == UserCode);
        var problem = Assert.Single(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        Assert.Equal(("CS0612", true), (problem.Id, problem.IsWarningAsError));
        Assert.Same(userTree, problem.Location.SourceTree);
        Assert.All(generated, tree => Assert.StartsWith("// <auto-generated/>\n#pragma warning disable 0414, 0612, 0618, 1591, 3021, 8981\n", tree.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public void Handler_of_the_wrong_type_does_not_compile()
    {
        // Proves the compile test above can fail: a handler whose response is not the RPC's, in the descriptor form, which
        // the compiler checks (the named form compiles and leaves the check to the analyzer, GRPCSRV105).
        var protocSources = Protoc.GenerateCSharp(TestPaths.ProtosDirectory, ["greet.proto"]);
        var compilation = GeneratorHarness.CreateCompilation(
            PlatformReferences(),
            [.. protocSources.Select(s => s.Text), """
                using GrpcServer;
                internal static class Wrong
                {
                    public static RpcServer Add(RpcServer server) =>
                        server.AddHandler(Helloworld.GreeterRpcs.SayHello, (Helloworld.HelloRequest request, Context context) => new Helloworld.HelloRequest());
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
