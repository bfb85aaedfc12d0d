using Microsoft.CodeAnalysis;
using static GrpcServer.Generators.Tests.Analyzers.AnalyzerHarness;

namespace GrpcServer.Generators.Tests.Analyzers;

/// <summary>
/// The common mistakes of a new user of <c>calc.v1.Calculator</c> (issue 11): each is a GrpcServer diagnostic at the
/// argument that is wrong, naming the RPC, what it takes and what to change; and the right ways of writing a handler
/// report nothing.
/// </summary>
public sealed class AddHandlerMistakesTests
{
    private const string Usings = """
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using Calc.V1;
        using GrpcServer;

        """;

    private const string Compute = "unary RPC /calc.v1.Calculator/Compute (ComputeRequest to ComputeReply)";
    private const string ComputeShapes = "Func<ComputeRequest, Context, ComputeReply> or Func<ComputeRequest, Context, Task<ComputeReply>>";

    [Fact]
    public async Task Handlers_of_every_shape_variance_and_full_service_names_report_nothing()
    {
        var run = await RunAsync(Usings + """
            internal static class Handlers
            {
                public static RpcServer Add(RpcServer server) => server
                    .AddHandler("calc.v1.Calculator", "Compute", (ComputeRequest request, Context context) => new ComputeReply())
                    .AddHandler("calc.v1.Calculator", "Count", Count, package: "calc.v1")
                    .AddHandler("Calculator", "Watch", (CountRequest request, Context context) => new List<CountReply>());

                // A handler may take more general types and return a more derived one, as delegate variance allows.
                public static RpcServer AddGeneral(RpcServer server) => server
                    .AddHandler("Calculator", "Compute", (Google.Protobuf.IMessage request, object context) => new ComputeReply())
                    .AddHandler("Calculator", "Count", (IAsyncEnumerable<Google.Protobuf.IMessage> requests, Context context) => Task.FromResult(new CountReply()))
                    .AddHandler("Calculator", "Watch", WatchAll);

                private static async Task<CountReply> Count(IAsyncEnumerable<CountRequest> requests, Context context)
                {
                    var total = 0;
                    await foreach (var request in requests)
                    {
                        total += request.Value;
                    }

                    return new CountReply { Total = total };
                }

                private static CountReply[] WatchAll(CountRequest request, Context context) => [new CountReply()];
            }
            """);

        Assert.Empty(run.Diagnostics);
    }

    [Fact]
    public async Task Lambda_without_the_Context_parameter_is_GRPCSRV105_at_the_handler_saying_to_add_it()
    {
        var run = await RunAsync(Usings + """
            internal static class Handlers
            {
                public static void Add(RpcServer server) =>
                    server.AddHandler("Calculator", "Compute", [|(ComputeRequest request) => new ComputeReply()|]);
            }
            """);

        run.AssertDiagnostic(
            Assert.Single(run.Diagnostics),
            "GRPCSRV105",
            DiagnosticSeverity.Error,
            $"The handler does not fit the {Compute}: the handler is a Func<ComputeRequest, ComputeReply>; this RPC takes a {ComputeShapes}. Add a Context parameter after the request.");
    }

    [Fact]
    public async Task Method_group_without_the_Context_parameter_is_GRPCSRV105_at_the_method_group()
    {
        var run = await RunAsync(Usings + """
            internal static class Handlers
            {
                public static void Add(RpcServer server) =>
                    server.AddHandler("Calculator", "Watch", [|Watch|]);

                private static IEnumerable<CountReply> Watch(CountRequest request)
                {
                    yield return new CountReply();
                }
            }
            """);

        run.AssertDiagnostic(
            Assert.Single(run.Diagnostics),
            "GRPCSRV105",
            DiagnosticSeverity.Error,
            "The handler does not fit the server streaming RPC /calc.v1.Calculator/Watch (CountRequest to CountReply): the handler is a Func<CountRequest, IEnumerable<CountReply>>; this RPC takes a Func<CountRequest, Context, IEnumerable<CountReply>> or Func<CountRequest, Context, IAsyncEnumerable<CountReply>>. Add a Context parameter after the request.");
    }

    [Fact]
    public async Task Unary_shaped_handler_for_a_client_streaming_rpc_is_GRPCSRV105_saying_to_take_a_stream_and_return_a_task()
    {
        var run = await RunAsync(Usings + """
            internal static class Handlers
            {
                public static void Add(RpcServer server) =>
                    server.AddHandler("Calculator", "Count", [|(CountRequest request, Context context) => new CountReply()|]);
            }
            """);

        run.AssertDiagnostic(
            Assert.Single(run.Diagnostics),
            "GRPCSRV105",
            DiagnosticSeverity.Error,
            "The handler does not fit the client streaming RPC /calc.v1.Calculator/Count (CountRequest to CountReply): the handler is a Func<CountRequest, Context, CountReply>; this RPC takes a Func<IAsyncEnumerable<CountRequest>, Context, Task<CountReply>>. Take IAsyncEnumerable<CountRequest>, not CountRequest. Return Task<CountReply>, not CountReply.");
    }

    [Fact]
    public async Task Request_type_that_no_rpc_uses_is_GRPCSRV105_naming_the_request_the_rpc_takes()
    {
        var run = await RunAsync(Usings + """
            internal static class Handlers
            {
                public static void Add(RpcServer server) =>
                    server.AddHandler("Calculator", "Compute", [|(Note note, Context context) => new ComputeReply()|]);
            }
            """);

        run.AssertDiagnostic(
            Assert.Single(run.Diagnostics),
            "GRPCSRV105",
            DiagnosticSeverity.Error,
            $"The handler does not fit the {Compute}: the handler is a Func<Note, Context, ComputeReply>; this RPC takes a {ComputeShapes}. Take ComputeRequest, not Note.");
    }

    [Fact]
    public async Task Another_rpcs_request_for_Compute_is_GRPCSRV105_naming_Computes_own_types()
    {
        var run = await RunAsync(Usings + """
            internal static class Handlers
            {
                public static void Add(RpcServer server) =>
                    server.AddHandler("Calculator", "Compute", [|(CountRequest r, Context c) => new ComputeReply()|]);
            }
            """);

        run.AssertDiagnostic(
            Assert.Single(run.Diagnostics),
            "GRPCSRV105",
            DiagnosticSeverity.Error,
            $"The handler does not fit the {Compute}: the handler is a Func<CountRequest, Context, ComputeReply>; this RPC takes a {ComputeShapes}. Take ComputeRequest, not CountRequest.");
    }

    [Theory]
    [InlineData("(ComputeRequest request, Context context, int attempt) => new ComputeReply()", "Func<ComputeRequest, Context, Int32, ComputeReply>", "A handler takes two parameters: the request and a Context.")]
    [InlineData("(ComputeRequest request, string context) => new ComputeReply()", "Func<ComputeRequest, String, ComputeReply>", "The second parameter must be a Context, not a String.")]
    [InlineData("(ComputeRequest request, Context context) => 42.0", "Func<ComputeRequest, Context, Double>", "Return ComputeReply or Task<ComputeReply>, not Double.")]
    [InlineData("(ComputeRequest request, Context context) => { }", "Action<ComputeRequest, Context>", "Return ComputeReply or Task<ComputeReply>.")]
    [InlineData("new Handlers.ComputeHandler((request, context) => new ComputeReply())", "Handlers.ComputeHandler", "Pass a lambda, a method, or a Func of one of these shapes.")]
    public async Task Handler_of_no_shape_is_GRPCSRV105_saying_what_to_change(string handler, string handlerType, string advice)
    {
        var run = await RunAsync(Usings + $$"""
            internal static class Handlers
            {
                public delegate ComputeReply ComputeHandler(ComputeRequest request, Context context);

                public static void Add(RpcServer server) =>
                    server.AddHandler("Calculator", "Compute", [|{{handler}}|]);
            }
            """);

        run.AssertDiagnostic(
            Assert.Single(run.Diagnostics),
            "GRPCSRV105",
            DiagnosticSeverity.Error,
            $"The handler does not fit the {Compute}: the handler is a {handlerType}; this RPC takes a {ComputeShapes}. {advice}");
    }

    [Fact]
    public async Task Lambda_without_parameter_types_gets_GRPCSRV107_beside_the_compilers_CS1501_naming_the_types_to_write()
    {
        var run = await RunAsync(
            Usings + """
            internal static class Handlers
            {
                public static void Add(RpcServer server)
                {
                    server.AddHandler("Calculator", "Compute", [|(request, context) => new ComputeReply()|]);
                    server.AddHandler("Calculator", "Count", [|async (requests, context) => new CountReply()|], package: "calc.v1");
                }
            }
            """,
            // The compiler's own error names RpcServer's two-parameter AddHandler methods, not the lambda.
            "CS1501",
            "CS1501");

        Assert.Equal(2, run.Diagnostics.Length);
        run.AssertDiagnostic(
            run.Diagnostics[0],
            "GRPCSRV107",
            DiagnosticSeverity.Error,
            $"The lambda's parameters need their types: the {Compute} takes a {ComputeShapes}, so write (ComputeRequest request, Context context) => ...");
        run.AssertDiagnostic(
            run.Diagnostics[1],
            "GRPCSRV107",
            DiagnosticSeverity.Error,
            "The lambda's parameters need their types: the client streaming RPC /calc.v1.Calculator/Count (CountRequest to CountReply) takes a Func<IAsyncEnumerable<CountRequest>, Context, Task<CountReply>>, so write (IAsyncEnumerable<CountRequest> requests, Context context) => ...",
            marker: 1);
    }

    [Fact]
    public async Task Lambda_without_parameter_types_for_a_misspelt_rpc_gets_the_name_error()
    {
        var run = await RunAsync(
            Usings + """
            internal static class Handlers
            {
                public static void Add(RpcServer server) =>
                    server.AddHandler("Calculator", [|"Compte"|], (request, context) => new ComputeReply());
            }
            """,
            "CS1501");

        run.AssertDiagnostic(
            Assert.Single(run.Diagnostics),
            "GRPCSRV102",
            DiagnosticSeverity.Error,
            "Service 'calc.v1.Calculator' has no RPC 'Compte'. Did you mean 'Compute'? Its RPCs: Compute, Count, Watch.");
    }

    [Fact]
    public async Task Misspelt_full_service_name_is_GRPCSRV101_suggesting_the_full_name()
    {
        var run = await RunAsync(Usings + """
            internal static class Handlers
            {
                public static void Add(RpcServer server) =>
                    server.AddHandler([|"calc.v1.Calculater"|], "Compute", (ComputeRequest request, Context context) => new ComputeReply());
            }
            """);

        run.AssertDiagnostic(
            Assert.Single(run.Diagnostics),
            "GRPCSRV101",
            DiagnosticSeverity.Error,
            "No service 'calc.v1.Calculater' is declared in this project's .proto files. Did you mean 'calc.v1.Calculator'? Declared services: calc.v1.Calculator, helloworld.Greeter, inventory.v1.Inventory, inventory.v2.Inventory, routeguide.RouteGuide.");
    }

    [Fact]
    public async Task Package_without_its_version_is_GRPCSRV103_suggesting_the_declared_package()
    {
        var run = await RunAsync(Usings + """
            internal static class Handlers
            {
                public static void Add(RpcServer server) =>
                    server.AddHandler("Calculator", "Compute", (ComputeRequest request, Context context) => new ComputeReply(), package: [|"calc"|]);
            }
            """);

        run.AssertDiagnostic(
            Assert.Single(run.Diagnostics),
            "GRPCSRV103",
            DiagnosticSeverity.Error,
            "Service 'Calculator' is not declared in package 'calc'. Did you mean 'calc.v1'? It is declared in: calc.v1.Calculator.");
    }

    [Fact]
    public async Task Full_service_name_with_another_package_is_GRPCSRV103()
    {
        var run = await RunAsync(Usings + """
            internal static class Handlers
            {
                public static void Add(RpcServer server) =>
                    server.AddHandler("calc.v1.Calculator", "Compute", (ComputeRequest request, Context context) => new ComputeReply(), [|"calc.v2"|]);
            }
            """);

        run.AssertDiagnostic(
            Assert.Single(run.Diagnostics),
            "GRPCSRV103",
            DiagnosticSeverity.Error,
            "Service 'calc.v1.Calculator' is not declared in package 'calc.v2'. Did you mean 'calc.v1'? It is declared in: calc.v1.Calculator.");
    }

    [Fact]
    public async Task Full_name_of_a_service_declared_in_two_packages_needs_no_package()
    {
        var run = await RunAsync(Usings + """
            internal static class Handlers
            {
                public static void Add(RpcServer server) => server
                    .AddHandler("inventory.v2.Inventory", "GetItem", (Inventory.V2.GetItemRequest request, Context context) => new Inventory.V2.Item())
                    .AddHandler("Inventory", [|"GetItem"|], (Inventory.V2.GetItemRequest request, Context context) => new Inventory.V2.Item(), "inventory.v2");
            }
            """);

        // The one diagnostic: both calls name the same RPC, which the duplicate check sees through the full name.
        run.AssertDiagnostic(
            Assert.Single(run.Diagnostics),
            "GRPCSRV106",
            DiagnosticSeverity.Warning,
            "The unary RPC /inventory.v2.Inventory/GetItem (GetItemRequest to Item) already has a handler on 'server' (added earlier in this method). An RPC takes exactly one, so this AddHandler throws at run time.");
    }
}
