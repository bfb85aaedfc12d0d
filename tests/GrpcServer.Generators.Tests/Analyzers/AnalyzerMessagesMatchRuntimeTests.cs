using System.Globalization;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using static GrpcServer.Generators.Tests.Analyzers.AnalyzerHarness;

namespace GrpcServer.Generators.Tests.Analyzers;

/// <summary>
/// Differential: the build-time diagnostic and the run-time <see cref="ArgumentException"/> for the same call say the
/// same thing. Each program is compiled, analyzed, then loaded and run against the real GrpcServer runtime.
/// </summary>
public sealed class AnalyzerMessagesMatchRuntimeTests
{
    [Theory]
    [InlineData("GRPCSRV101", """server.AddHandler("Greter", "SayHello", (HelloRequest request, Context context) => new HelloReply())""")]
    [InlineData("GRPCSRV101", """server.AddHandler("Billing", "Charge", (HelloRequest request, Context context) => new HelloReply())""")]
    [InlineData("GRPCSRV102", """server.AddHandler("RouteGuide", "ListFeature", (Rectangle area, Context context) => new List<Feature>())""")]
    [InlineData("GRPCSRV102", """server.AddHandler(rpc: "Greet", service: "Greeter", handler: (HelloRequest request, Context context) => new HelloReply())""")]
    [InlineData("GRPCSRV103", """server.AddHandler("Greeter", "SayHello", (HelloRequest request, Context context) => new HelloReply(), package: "helloword")""")]
    [InlineData("GRPCSRV103", """server.AddHandler("Inventory", "GetItem", (Inventory.V1.GetItemRequest request, Context context) => new Inventory.V1.Item(), "inventory.v3")""")]
    [InlineData("GRPCSRV104", """server.AddHandler("Inventory", "GetItem", (Inventory.V1.GetItemRequest request, Context context) => new Inventory.V1.Item())""")]
    [InlineData("GRPCSRV105", """server.AddHandler("RouteGuide", "ListFeatures", (HelloRequest request, Context context) => new HelloReply())""")]
    [InlineData("GRPCSRV105", """server.AddHandler("RouteGuide", "RouteChat", async (IAsyncEnumerable<Point> points, Context context) => { await Task.Yield(); return new RouteSummary(); })""")]
    public async Task Diagnostic_message_is_the_message_AddHandler_throws_at_run_time(string id, string call)
    {
        var run = await RunAsync($$"""
            using System.Collections.Generic;
            using System.Threading.Tasks;
            using GrpcServer;
            using Helloworld;
            using Routeguide;

            /// <summary>Public, so the test can call it by reflection.</summary>
            public static class Handlers
            {
                /// <summary>Adds one handler.</summary>
                /// <param name="server">The server.</param>
                public static void Add(RpcServer server) => {{call}};
            }
            """);
        var diagnostic = Assert.Single(run.Diagnostics);
        Assert.Equal(id, diagnostic.Id);

        var exception = RunAdd(run.Compilation);

        // ArgumentException appends " (Parameter 'name')" to the message it is given.
        Assert.Equal(new ArgumentException(diagnostic.GetMessage(CultureInfo.InvariantCulture), exception.ParamName).Message, exception.Message);
    }

    /// <summary>Loads the compiled program and calls <c>Handlers.Add(new RpcServer())</c>; returns what it throws.</summary>
    private static ArgumentException RunAdd(Compilation compilation)
    {
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        image.Position = 0;
        // GrpcServer, Google.Protobuf and the framework resolve to the test's own copies, so RpcServer is one type.
        var context = new AssemblyLoadContext("analyzer-differential", isCollectible: true);
        try
        {
            var add = context.LoadFromStream(image).GetType("Handlers", throwOnError: true)!.GetMethod("Add")!;
            var thrown = Assert.Throws<TargetInvocationException>(() => add.Invoke(null, [new RpcServer()]));
            return Assert.IsType<ArgumentException>(thrown.InnerException);
        }
        finally
        {
            context.Unload();
        }
    }
}
