using System.Globalization;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using static GrpcServer.Generators.Tests.Analyzers.AnalyzerHarness;

namespace GrpcServer.Generators.Tests.Analyzers;

/// <summary>
/// The analyzer and the runtime apply one implementation of the look-up, the handler rules and their messages
/// (runtime/GrpcServer/Internal/Shared, compiled into both). End to end: each program is compiled, analyzed, then
/// loaded and run against the real GrpcServer runtime; what the analyzer reports, the runtime throws in the same
/// words, and what it lets through, the runtime accepts.
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
    [InlineData("GRPCSRV101", """server.AddHandler("calc.v1.Calculater", "Compute", (ComputeRequest request, Context context) => new ComputeReply())""")]
    [InlineData("GRPCSRV103", """server.AddHandler("Calculator", "Compute", (ComputeRequest request, Context context) => new ComputeReply(), "calc")""")]
    [InlineData("GRPCSRV105", """server.AddHandler("Calculator", "Compute", (ComputeRequest request) => new ComputeReply())""")]
    [InlineData("GRPCSRV105", """server.AddHandler("Calculator", "Watch", WatchWithoutContext)""")]
    [InlineData("GRPCSRV105", """server.AddHandler("Calculator", "Count", (CountRequest request, Context context) => new CountReply())""")]
    [InlineData("GRPCSRV105", """server.AddHandler("Calculator", "Compute", (Note note, Context context) => new ComputeReply())""")]
    [InlineData("GRPCSRV105", """server.AddHandler("Calculator", "Compute", (CountRequest r, Context c) => new ComputeReply())""")]
    [InlineData("GRPCSRV105", """server.AddHandler("Calculator", "Compute", (ComputeRequest request, string context) => new ComputeReply())""")]
    [InlineData("GRPCSRV105", """server.AddHandler("Calculator", "Compute", (ComputeRequest request, Context context) => { })""")]
    [InlineData("GRPCSRV105", """server.AddHandler("Calculator", "Compute", new ComputeHandler((request, context) => new ComputeReply()))""")]
    [InlineData("GRPCSRV105", """server.AddHandler("Inventory", "GetItem", (Inventory.V1.GetItemRequest request, Context context) => new Inventory.V1.Item(), package: "inventory.v2")""")]
    public async Task Diagnostic_message_is_the_message_AddHandler_throws_at_run_time(string id, string call)
    {
        var run = await RunAsync(Program(call));
        var diagnostic = Assert.Single(run.Diagnostics);
        Assert.Equal(id, diagnostic.Id);

        var exception = Assert.IsType<ArgumentException>(RunAdd(run.Compilation));

        // ArgumentException appends " (Parameter 'name')" to the message it is given.
        Assert.Equal(new ArgumentException(diagnostic.GetMessage(CultureInfo.InvariantCulture), exception.ParamName).Message, exception.Message);
    }

    [Theory]
    [InlineData("""server.AddHandler("calc.v1.Calculator", "Compute", (ComputeRequest request, Context context) => new ComputeReply())""")]
    [InlineData("""server.AddHandler("Calculator", "Compute", (Google.Protobuf.IMessage request, object context) => new ComputeReply())""")]
    [InlineData("""server.AddHandler("Calculator", "Count", (IAsyncEnumerable<Google.Protobuf.IMessage> requests, Context context) => Task.FromResult(new CountReply()))""")]
    [InlineData("""server.AddHandler("Calculator", "Watch", WatchArray)""")]
    [InlineData("""server.AddHandler("RouteGuide", "ListFeatures", (Rectangle area, Context context) => new List<Feature>())""")]
    [InlineData("""server.AddHandler("Inventory", "GetItem", (Inventory.V2.GetItemRequest request, Context context) => Task.FromResult(new Inventory.V2.Item()), package: "inventory.v2")""")]
    public async Task Handler_the_analyzer_lets_through_is_added_at_run_time(string call)
    {
        var run = await RunAsync(Program(call));
        Assert.Empty(run.Diagnostics);

        Assert.Null(RunAdd(run.Compilation));
    }

    private static string Program(string call) => $$"""
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using Calc.V1;
        using GrpcServer;
        using Helloworld;
        using Routeguide;

        /// <summary>Public, so the test can call it by reflection.</summary>
        public static class Handlers
        {
            /// <summary>A delegate type that is not a Func.</summary>
            /// <param name="request">The request.</param>
            /// <param name="context">The context.</param>
            /// <returns>The reply.</returns>
            public delegate ComputeReply ComputeHandler(ComputeRequest request, Context context);

            /// <summary>Adds one handler.</summary>
            /// <param name="server">The server.</param>
            public static void Add(RpcServer server) => {{call}};

            private static IEnumerable<CountReply> WatchWithoutContext(CountRequest request) => [];

            private static CountReply[] WatchArray(CountRequest request, Context context) => [];
        }
        """;

    /// <summary>Loads the compiled program and calls <c>Handlers.Add(new RpcServer())</c>; returns what it throws, if anything.</summary>
    private static Exception? RunAdd(Compilation compilation)
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
            try
            {
                add.Invoke(null, [new RpcServer()]);
                return null;
            }
            catch (TargetInvocationException thrown)
            {
                return thrown.InnerException;
            }
        }
        finally
        {
            context.Unload();
        }
    }
}
