using GrpcServer.Generators.Analyzers;
using GrpcServer.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using static GrpcServer.Generators.Tests.Analyzers.AnalyzerHarness;

namespace GrpcServer.Generators.Tests.Analyzers;

/// <summary>
/// <see cref="AddHandlerAnalyzer"/> on user code compiled with protoc's classes and the generated code for
/// greet.proto, route_guide.proto and two versions of an Inventory service (Analyzers/Protos).
/// </summary>
public sealed class AddHandlerAnalyzerTests
{
    private const string Usings = """
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using GrpcServer;
        using Calc.V1;
        using Helloworld;
        using Routeguide;

        """;

    [Fact]
    public async Task Correct_registrations_of_every_rpc_kind_with_and_without_package_report_nothing()
    {
        var run = await RunAsync(Usings + """
            internal static class Handlers
            {
                public static RpcServer AddAll(RpcServer server) => server
                    .AddHandler("Greeter", "SayHello", (HelloRequest request, Context context) => new HelloReply { Message = "Hi " + request.Name })
                    .AddHandler("RouteGuide", "GetFeature", async (Point point, Context context) => { await Task.Yield(); return new Feature { Location = point }; }, package: "routeguide")
                    .AddHandler("RouteGuide", "ListFeatures", (Rectangle area, Context context) => new List<Feature>())
                    .AddHandler("Inventory", "GetItem", (Inventory.V1.GetItemRequest request, Context context) => new Inventory.V1.Item { Sku = request.Sku }, "inventory.v1")
                    .AddHandler("Inventory", "GetItem", (Inventory.V2.GetItemRequest request, Context context) => new Inventory.V2.Item { Sku = request.Sku }, package: "inventory.v2")
                    .AddHandler(package: "inventory.v2", rpc: "WatchItems", service: "Inventory", handler: (Inventory.V2.WatchItemsRequest request, Context context) => new Inventory.V2.Item[0]);

                public static RpcServer AddByDescriptor(RpcServer server) => server
                    .AddHandler(GreeterRpcs.SayHello, (request, context) => new HelloReply())
                    .AddHandler(Inventory.V1.InventoryRpcs.GetItem, (request, context) => new Inventory.V1.Item());
            }
            """);

        Assert.Empty(run.Diagnostics);
    }

    [Fact]
    public async Task Method_group_handlers_for_streaming_rpcs_bind_and_report_nothing()
    {
        var run = await RunAsync(Usings + """
            internal static class RouteGuideHandlers
            {
                public static RpcServer Add(RpcServer server) => server
                    .AddHandler("RouteGuide", "ListFeatures", ListFeatures)
                    .AddHandler("RouteGuide", "RecordRoute", RecordRoute)
                    .AddHandler("RouteGuide", "RouteChat", RouteChat, package: "routeguide");

                public static RpcServer AddSynchronousStream(RpcServer server) =>
                    server.AddHandler("RouteGuide", "ListFeatures", ListFeaturesNow);

                private static async IAsyncEnumerable<Feature> ListFeatures(Rectangle area, Context context)
                {
                    await Task.Yield();
                    yield return new Feature { Location = area.Lo };
                }

                private static IEnumerable<Feature> ListFeaturesNow(Rectangle area, Context context)
                {
                    yield return new Feature { Location = area.Hi };
                }

                private static async Task<RouteSummary> RecordRoute(IAsyncEnumerable<Point> points, Context context)
                {
                    var count = 0;
                    await foreach (var point in points)
                    {
                        count++;
                    }

                    return new RouteSummary { PointCount = count };
                }

                private static async IAsyncEnumerable<RouteNote> RouteChat(IAsyncEnumerable<RouteNote> notes, Context context)
                {
                    await foreach (var note in notes)
                    {
                        yield return note;
                    }
                }
            }
            """);

        Assert.Empty(run.Diagnostics);
    }

    [Fact]
    public async Task Unknown_service_is_an_error_at_the_service_argument_naming_the_closest_and_all_declared_services()
    {
        var run = await RunAsync(Usings + """
            internal static class Handlers
            {
                public static void Add(RpcServer server) =>
                    server.AddHandler([|"Greter"|], "SayHello", (HelloRequest request, Context context) => new HelloReply());
            }
            """);

        run.AssertDiagnostic(
            Assert.Single(run.Diagnostics),
            "GRPCSRV101",
            DiagnosticSeverity.Error,
            "No service 'Greter' is declared in this project's .proto files. Did you mean 'Greeter'? Declared services: calc.v1.Calculator, helloworld.Greeter, inventory.v1.Inventory, inventory.v2.Inventory, routeguide.RouteGuide.");
    }

    [Fact]
    public async Task Unknown_rpc_is_an_error_at_the_rpc_argument_naming_the_closest_rpc_of_that_service()
    {
        var run = await RunAsync(Usings + """
            internal static class Handlers
            {
                public static void Add(RpcServer server) =>
                    server.AddHandler("RouteGuide", [|"ListFeature"|], (Rectangle area, Context context) => new List<Feature>());
            }
            """);

        run.AssertDiagnostic(
            Assert.Single(run.Diagnostics),
            "GRPCSRV102",
            DiagnosticSeverity.Error,
            "Service 'routeguide.RouteGuide' has no RPC 'ListFeature'. Did you mean 'ListFeatures'? Its RPCs: GetFeature, ListFeatures, RecordRoute, RouteChat.");
    }

    [Fact]
    public async Task Named_arguments_in_any_order_are_checked_by_parameter_name_and_a_far_name_gets_no_suggestion()
    {
        var run = await RunAsync(Usings + """
            internal static class Handlers
            {
                public static void Add(RpcServer server) =>
                    server.AddHandler(package: "helloworld", rpc: [|"Greet"|], handler: (HelloRequest request, Context context) => new HelloReply(), service: "Greeter");
            }
            """);

        run.AssertDiagnostic(
            Assert.Single(run.Diagnostics),
            "GRPCSRV102",
            DiagnosticSeverity.Error,
            "Service 'helloworld.Greeter' has no RPC 'Greet'. Its RPCs: SayHello.");
    }

    [Fact]
    public async Task Unknown_package_is_an_error_at_the_named_package_argument_naming_the_closest_package_of_the_service()
    {
        var run = await RunAsync(Usings + """
            internal static class Handlers
            {
                public static void Add(RpcServer server) =>
                    server.AddHandler("Greeter", "SayHello", (HelloRequest request, Context context) => new HelloReply(), package: [|"helloword"|]);
            }
            """);

        run.AssertDiagnostic(
            Assert.Single(run.Diagnostics),
            "GRPCSRV103",
            DiagnosticSeverity.Error,
            "Service 'Greeter' is not declared in package 'helloword'. Did you mean 'helloworld'? It is declared in: helloworld.Greeter.");
    }

    [Fact]
    public async Task Service_declared_in_two_packages_without_package_is_an_error_at_the_service_argument_listing_the_packages()
    {
        var run = await RunAsync(Usings + """
            internal static class Handlers
            {
                public static void Add(RpcServer server) =>
                    server.AddHandler([|"Inventory"|], "GetItem", (Inventory.V1.GetItemRequest request, Context context) => new Inventory.V1.Item());
            }
            """);

        run.AssertDiagnostic(
            Assert.Single(run.Diagnostics),
            "GRPCSRV104",
            DiagnosticSeverity.Error,
            "Service 'Inventory' is declared in more than one package (inventory.v1.Inventory, inventory.v2.Inventory); pass package: to say which.");
    }

    [Fact]
    public async Task Handler_of_another_kind_is_an_error_at_the_handler_saying_which_shapes_fit()
    {
        // Compiles: the generic overload takes any Func<TRequest, Context, TResponse>. At run time it throws.
        var run = await RunAsync(Usings + """
            internal static class Handlers
            {
                public static void Add(RpcServer server) =>
                    server.AddHandler("RouteGuide", "ListFeatures", [|(HelloRequest request, Context context) => new HelloReply()|]);
            }
            """);

        run.AssertDiagnostic(
            Assert.Single(run.Diagnostics),
            "GRPCSRV105",
            DiagnosticSeverity.Error,
            "The handler does not fit the server streaming RPC /routeguide.RouteGuide/ListFeatures (Rectangle to Feature): the handler is a Func<HelloRequest, Context, HelloReply>; this RPC takes a Func<Rectangle, Context, IEnumerable<Feature>> or Func<Rectangle, Context, IAsyncEnumerable<Feature>>. Take Rectangle, not HelloRequest. Return IEnumerable<Feature> or IAsyncEnumerable<Feature>, not HelloReply.");
    }

    [Fact]
    public async Task Method_group_of_the_wrong_kind_is_an_error_at_the_method_group()
    {
        var run = await RunAsync(Usings + """
            internal static class Handlers
            {
                public static void Add(RpcServer server) =>
                    server.AddHandler("RouteGuide", "RouteChat", [|RecordRoute|]);

                private static async Task<RouteSummary> RecordRoute(IAsyncEnumerable<Point> points, Context context)
                {
                    await foreach (var point in points)
                    {
                    }

                    return new RouteSummary();
                }
            }
            """);

        run.AssertDiagnostic(
            Assert.Single(run.Diagnostics),
            "GRPCSRV105",
            DiagnosticSeverity.Error,
            "The handler does not fit the bidirectional streaming RPC /routeguide.RouteGuide/RouteChat (RouteNote to RouteNote): the handler is a Func<IAsyncEnumerable<Point>, Context, Task<RouteSummary>>; this RPC takes a Func<IAsyncEnumerable<RouteNote>, Context, IAsyncEnumerable<RouteNote>>. Take IAsyncEnumerable<RouteNote>, not IAsyncEnumerable<Point>. Return IAsyncEnumerable<RouteNote>, not Task<RouteSummary>.");
    }

    [Fact]
    public async Task Handler_for_same_named_messages_of_another_package_is_an_error_naming_the_namespaces()
    {
        var run = await RunAsync(Usings + """
            internal static class Handlers
            {
                public static void Add(RpcServer server) =>
                    server.AddHandler("Inventory", "GetItem", [|(Inventory.V1.GetItemRequest request, Context context) => new Inventory.V1.Item()|], package: "inventory.v2");
            }
            """);

        run.AssertDiagnostic(
            Assert.Single(run.Diagnostics),
            "GRPCSRV105",
            DiagnosticSeverity.Error,
            "The handler does not fit the unary RPC /inventory.v2.Inventory/GetItem (Inventory.V2.GetItemRequest to Inventory.V2.Item): the handler is a System.Func<Inventory.V1.GetItemRequest, GrpcServer.Context, Inventory.V1.Item>; this RPC takes a System.Func<Inventory.V2.GetItemRequest, GrpcServer.Context, Inventory.V2.Item> or System.Func<Inventory.V2.GetItemRequest, GrpcServer.Context, System.Threading.Tasks.Task<Inventory.V2.Item>>. Take Inventory.V2.GetItemRequest, not Inventory.V1.GetItemRequest. Return Inventory.V2.Item or System.Threading.Tasks.Task<Inventory.V2.Item>, not Inventory.V1.Item.");
    }

    [Fact]
    public async Task Same_rpc_added_twice_in_a_chain_warns_at_the_second_rpc_argument_pointing_at_the_first()
    {
        var run = await RunAsync(Usings + """
            internal static class Handlers
            {
                public static RpcServer Add(RpcServer server) => server
                    .AddHandler("Greeter", [|"SayHello"|], (HelloRequest request, Context context) => new HelloReply())
                    .AddHandler("RouteGuide", "GetFeature", (Point point, Context context) => new Feature())
                    .AddHandler("Greeter", [|"SayHello"|], async (HelloRequest request, Context context) => { await Task.Yield(); return new HelloReply(); }, package: "helloworld");
            }
            """);

        var diagnostic = Assert.Single(run.Diagnostics);
        run.AssertDiagnostic(
            diagnostic,
            "GRPCSRV106",
            DiagnosticSeverity.Warning,
            "The unary RPC /helloworld.Greeter/SayHello (HelloRequest to HelloReply) already has a handler on 'server' (added earlier in this method). An RPC takes exactly one, so this AddHandler throws at run time.",
            marker: 1);
        run.AssertAt(Assert.Single(diagnostic.AdditionalLocations), marker: 0);
    }

    [Fact]
    public async Task Same_descriptor_added_twice_to_a_local_server_warns_at_the_second_descriptor()
    {
        var run = await RunAsync(Usings + """
            internal static class Program
            {
                public static RpcServer Create()
                {
                    var server = new RpcServer();
                    server.AddHandler(RouteGuideRpcs.GetFeature, (point, context) => new Feature());
                    server.AddHandler([|RouteGuideRpcs.GetFeature|], async (point, context) => { await Task.Yield(); return new Feature(); });
                    return server;
                }
            }
            """);

        run.AssertDiagnostic(
            Assert.Single(run.Diagnostics),
            "GRPCSRV106",
            DiagnosticSeverity.Warning,
            "The unary RPC /routeguide.RouteGuide/GetFeature (Point to Feature) already has a handler on 'server' (added earlier in this method). An RPC takes exactly one, so this AddHandler throws at run time.");
    }

    [Fact]
    public async Task Named_and_descriptor_forms_of_one_rpc_on_one_server_warn()
    {
        var run = await RunAsync(Usings + """
            internal sealed class Service
            {
                private readonly RpcServer _server = new();

                public void Configure()
                {
                    _server.AddHandler("Inventory", "WatchItems", Watch, package: "inventory.v2");
                    this._server.AddHandler([|Inventory.V2.InventoryRpcs.WatchItems|], Watch);
                }

                private static IEnumerable<Inventory.V2.Item> Watch(Inventory.V2.WatchItemsRequest request, Context context) => [];
            }
            """);

        run.AssertDiagnostic(
            Assert.Single(run.Diagnostics),
            "GRPCSRV106",
            DiagnosticSeverity.Warning,
            "The server streaming RPC /inventory.v2.Inventory/WatchItems (WatchItemsRequest to Item) already has a handler on 'this._server' (added earlier in this method). An RPC takes exactly one, so this AddHandler throws at run time.");
    }

    [Fact]
    public async Task Same_rpc_on_two_servers_or_in_two_methods_is_not_a_duplicate()
    {
        var run = await RunAsync(Usings + """
            internal static class Handlers
            {
                public static (RpcServer, RpcServer) CreateTwo()
                {
                    var first = new RpcServer();
                    var second = new RpcServer();
                    first.AddHandler("Greeter", "SayHello", (HelloRequest request, Context context) => new HelloReply());
                    second.AddHandler("Greeter", "SayHello", (HelloRequest request, Context context) => new HelloReply());
                    new RpcServer().AddHandler(GreeterRpcs.SayHello, (request, context) => new HelloReply());
                    new RpcServer().AddHandler(GreeterRpcs.SayHello, (request, context) => new HelloReply());
                    return (first, second);
                }

                public static void AddAgain(RpcServer server) =>
                    server.AddHandler("Greeter", "SayHello", (HelloRequest request, Context context) => new HelloReply());

                public static void AddOnceMore(RpcServer server) =>
                    server.AddHandler("Greeter", "SayHello", (HelloRequest request, Context context) => new HelloReply());
            }
            """);

        Assert.Empty(run.Diagnostics);
    }

    [Fact]
    public async Task Names_that_are_not_constants_report_nothing()
    {
        var run = await RunAsync(Usings + """
            internal static class Handlers
            {
                public static void Add(RpcServer server, string service, string rpc, string package)
                {
                    server.AddHandler(service, "NoSuchRpc", (HelloRequest request, Context context) => new HelloReply());
                    server.AddHandler("Greeter", rpc, (Point point, Context context) => new Feature());
                    server.AddHandler("Inventory", "NoSuchRpc", (HelloRequest request, Context context) => new HelloReply(), package);
                    server.AddHandler("Greeter", service + "Hello", (HelloRequest request, Context context) => new HelloReply());
                }
            }
            """);

        Assert.Empty(run.Diagnostics);
    }

    [Fact]
    public async Task Constant_fields_are_checked_and_reported_where_they_are_used()
    {
        var run = await RunAsync(Usings + """
            internal static class Names
            {
                public const string Greeter = "Greeter";
                public const string SayHello = "SayHelo";
            }

            internal static class Handlers
            {
                public static void Add(RpcServer server) =>
                    server.AddHandler(Names.Greeter, [|Names.SayHello|], (HelloRequest request, Context context) => new HelloReply());
            }
            """);

        run.AssertDiagnostic(
            Assert.Single(run.Diagnostics),
            "GRPCSRV102",
            DiagnosticSeverity.Error,
            "Service 'helloworld.Greeter' has no RPC 'SayHelo'. Did you mean 'SayHello'? Its RPCs: SayHello.");
    }

    [Fact]
    public async Task AddHandler_methods_of_other_types_are_not_checked()
    {
        var run = await RunAsync(Usings + """
            internal sealed class EventBus
            {
                public EventBus AddHandler(string service, string rpc, System.Action handler, string? package = null) => this;
            }

            internal static class Handlers
            {
                public static void Add(EventBus bus) => bus
                    .AddHandler("Greter", "SayHelo", () => { }, package: "nowhere")
                    .AddHandler("Greter", "SayHelo", () => { }, package: "nowhere");
            }
            """);

        Assert.Empty(run.Diagnostics);
    }

    [Fact]
    public void Catalogue_read_from_the_generated_attributes_has_every_rpc_with_its_kind_and_message_types()
    {
        var compilation = GeneratorHarness.CreateCompilation(ProtocCompileTests.PlatformReferences(), Protoc.GenerateCSharp(TestPaths.ProjectDirectory, ProtoFiles).Select(s => s.Text).ToArray());
        GeneratorHarness.CreateDriver(ProtoFiles.Select(p => (p, File.ReadAllText(Path.Combine(TestPaths.ProjectDirectory, p)))))
            .RunGeneratorsAndUpdateCompilation(compilation, out var built, out _);

        var catalog = DeclaredRpcCatalog.TryRead(built, CancellationToken.None);

        Assert.NotNull(catalog);
        Assert.Equal(
            [
                "bidirectional streaming RPC /routeguide.RouteGuide/RouteChat (RouteNote to RouteNote) Routeguide.RouteGuideRpcs.RouteChat",
                "client streaming RPC /calc.v1.Calculator/Count (CountRequest to CountReply) Calc.V1.CalculatorRpcs.Count",
                "client streaming RPC /routeguide.RouteGuide/RecordRoute (Point to RouteSummary) Routeguide.RouteGuideRpcs.RecordRoute",
                "server streaming RPC /calc.v1.Calculator/Watch (CountRequest to CountReply) Calc.V1.CalculatorRpcs.Watch",
                "server streaming RPC /inventory.v2.Inventory/WatchItems (WatchItemsRequest to Item) Inventory.V2.InventoryRpcs.WatchItems",
                "server streaming RPC /routeguide.RouteGuide/ListFeatures (Rectangle to Feature) Routeguide.RouteGuideRpcs.ListFeatures",
                "unary RPC /calc.v1.Calculator/Compute (ComputeRequest to ComputeReply) Calc.V1.CalculatorRpcs.Compute",
                "unary RPC /helloworld.Greeter/SayHello (HelloRequest to HelloReply) Helloworld.GreeterRpcs.SayHello",
                "unary RPC /inventory.v1.Inventory/GetItem (GetItemRequest to Item) Inventory.V1.InventoryRpcs.GetItem",
                "unary RPC /inventory.v2.Inventory/GetItem (GetItemRequest to Item) Inventory.V2.InventoryRpcs.GetItem",
                "unary RPC /routeguide.RouteGuide/GetFeature (Point to Feature) Routeguide.RouteGuideRpcs.GetFeature",
            ],
            catalog.Services.SelectMany(s => s.Rpcs).Select(r => r.Description + " " + r.Field.ToDisplayString()).Order(StringComparer.Ordinal));
        Assert.Equal("Inventory.V2.Item", catalog.Services.Single(s => s.FullName == "inventory.v2.Inventory").Rpcs[1].Response.ToDisplayString());
    }

    [Fact]
    public void Compilation_without_generated_services_has_none_to_check_against()
    {
        var compilation = GeneratorHarness.CreateCompilation(ProtocCompileTests.PlatformReferences(), "internal static class Empty { }");

        Assert.Null(DeclaredRpcCatalog.TryRead(compilation, CancellationToken.None));
    }
}
