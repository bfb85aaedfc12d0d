using System.Reflection;
using Grpc.Core;
using GrpcServer.Internal;

namespace GrpcServer.Generators.Tests.Analyzers;

/// <summary>
/// The rules build time and run time share (runtime/GrpcServer/Internal/Shared): one implementation, compiled into
/// the runtime and into the generator and analyzer. These tests check that it is the same code in both assemblies, and
/// what it does, through the generator's copy.
/// </summary>
public sealed class SharedRulesTests
{
    private static readonly Assembly s_runtime = typeof(RpcServer).Assembly;
    private static readonly Assembly s_generator = typeof(GrpcServerGenerator).Assembly;

    [Theory]
    [InlineData("GrpcServer.Internal.RpcKind")]
    [InlineData("GrpcServer.Internal.RpcKinds")]
    [InlineData("GrpcServer.Internal.HandlerShapes")]
    [InlineData("GrpcServer.Internal.HandlerFit`1")]
    [InlineData("GrpcServer.Internal.RpcNameIndex`1")]
    [InlineData("GrpcServer.Internal.RpcMessages")]
    [InlineData("GrpcServer.Internal.NameSuggestion")]
    public void Runtime_and_analyzer_compile_the_same_shared_type(string name)
    {
        var inRuntime = s_runtime.GetType(name, throwOnError: true)!;
        var inGenerator = s_generator.GetType(name, throwOnError: true)!;

        Assert.Equal(Members(inRuntime), Members(inGenerator));
    }

    [Fact]
    public void Runtime_and_analyzer_have_the_same_message_formats()
    {
        static IEnumerable<(string, object?)> Constants(Assembly assembly) =>
            assembly.GetType("GrpcServer.Internal.RpcMessages", throwOnError: true)!
                .GetFields(BindingFlags.Public | BindingFlags.Static)
                .Where(f => f.IsLiteral)
                .Select(f => (f.Name, f.GetRawConstantValue()));

        Assert.NotEmpty(Constants(s_runtime));
        Assert.Equal(Constants(s_runtime), Constants(s_generator));
    }

    [Fact]
    public void Rpc_kinds_have_the_values_of_grpc_method_types()
    {
        Assert.Equal((int)MethodType.Unary, (int)RpcKind.Unary);
        Assert.Equal((int)MethodType.ClientStreaming, (int)RpcKind.ClientStreaming);
        Assert.Equal((int)MethodType.ServerStreaming, (int)RpcKind.ServerStreaming);
        Assert.Equal((int)MethodType.DuplexStreaming, (int)RpcKind.DuplexStreaming);
        Assert.Equal(Enum.GetNames<MethodType>().Length, Enum.GetNames<RpcKind>().Length);
    }

    [Fact]
    public void Every_kind_has_its_shapes_names_and_descriptor_class()
    {
        Assert.Equal(
            [
                "unary, Unary, UnaryRpc: Func<Req, Context, Resp> or Func<Req, Context, Task<Resp>>",
                "server streaming, Server streaming, ServerStreamingRpc: Func<Req, Context, IEnumerable<Resp>> or Func<Req, Context, IAsyncEnumerable<Resp>>",
                "client streaming, Client streaming, ClientStreamingRpc: Func<IAsyncEnumerable<Req>, Context, Task<Resp>>",
                "bidirectional streaming, Bidirectional streaming, DuplexStreamingRpc: Func<IAsyncEnumerable<Req>, Context, IAsyncEnumerable<Resp>>",
            ],
            RpcKinds.All.Select(k => $"{RpcKinds.Name(k)}, {RpcKinds.Title(k)}, {RpcKinds.DescriptorTypeName(k)}: {HandlerShapes.Fitting(k, "Req", "Resp")}"));
        Assert.Equal(HandlerShapes.All, RpcKinds.All.SelectMany(HandlerShapes.Of).Order());
        Assert.All(HandlerShapes.All, shape => Assert.Contains(shape, HandlerShapes.Of(HandlerShapes.KindOf(shape))));
    }

    [Fact]
    public void Shapes_are_written_for_messages_for_qualified_messages_and_for_generated_code()
    {
        Assert.Equal("Func<A, Context, Task<B>>", HandlerShapes.Format(HandlerShape.AsyncUnary, "A", "B"));
        Assert.Equal(
            "System.Func<System.Collections.Generic.IAsyncEnumerable<N.A>, GrpcServer.Context, System.Threading.Tasks.Task<N.B>>",
            HandlerShapes.Format(HandlerShape.ClientStreaming, "N.A", "N.B", TypeNameStyle.Qualified));
        Assert.Equal(
            "global::System.Func<TRequest, global::GrpcServer.Context, global::System.Collections.Generic.IEnumerable<TResponse>>",
            HandlerShapes.Format(HandlerShape.ServerStreaming, "TRequest", "TResponse", TypeNameStyle.Global));
        Assert.Equal("System.Collections.Generic.IAsyncEnumerable`1", HandlerShapes.WrapperMetadataName(MessageForm.AsyncEnumerable));
    }

    [Theory]
    [InlineData("Calculator", "Compute", null, "found calc.v1.Calculator/Compute")]
    [InlineData("calc.v1.Calculator", "Compute", null, "found calc.v1.Calculator/Compute")]
    [InlineData("calc.v1.Calculator", "Compute", "calc.v1", "found calc.v1.Calculator/Compute")]
    [InlineData("Inventory", "Get", "inventory.v2", "found inventory.v2.Inventory/Get")]
    [InlineData("inventory.v1.Inventory", "Get", null, "found inventory.v1.Inventory/Get")]
    [InlineData("Calculater", "Compute", null, "UnknownService at service: No service 'Calculater' is declared in this project's .proto files. Did you mean 'Calculator'? Declared services: Root, calc.v1.Calculator, inventory.v1.Inventory, inventory.v2.Inventory.")]
    [InlineData("calc.v1.Calculater", "Compute", null, "UnknownService at service: No service 'calc.v1.Calculater' is declared in this project's .proto files. Did you mean 'calc.v1.Calculator'? Declared services: Root, calc.v1.Calculator, inventory.v1.Inventory, inventory.v2.Inventory.")]
    [InlineData("Calculator", "Compute", "calc", "UnknownPackage at package: Service 'Calculator' is not declared in package 'calc'. Did you mean 'calc.v1'? It is declared in: calc.v1.Calculator.")]
    [InlineData("Calculator", "Compute", "v1", "UnknownPackage at package: Service 'Calculator' is not declared in package 'v1'. Did you mean 'calc.v1'? It is declared in: calc.v1.Calculator.")]
    [InlineData("Inventory", "Get", "inventory", "UnknownPackage at package: Service 'Inventory' is not declared in package 'inventory'. Did you mean 'inventory.v1'? It is declared in: inventory.v1.Inventory, inventory.v2.Inventory.")]
    [InlineData("calc.v1.Calculator", "Compute", "calc.v2", "UnknownPackage at package: Service 'calc.v1.Calculator' is not declared in package 'calc.v2'. Did you mean 'calc.v1'? It is declared in: calc.v1.Calculator.")]
    [InlineData("Inventory", "Get", null, "AmbiguousService at package: Service 'Inventory' is declared in more than one package (inventory.v1.Inventory, inventory.v2.Inventory); pass package: to say which.")]
    [InlineData("Calculator", "Compte", null, "UnknownRpc at rpc: Service 'calc.v1.Calculator' has no RPC 'Compte'. Did you mean 'Compute'? Its RPCs: Compute, Count.")]
    [InlineData("Root", "Any", null, "UnknownRpc at rpc: Service 'Root' has no RPC 'Any'. Its RPCs: none.")]
    public void Look_up_finds_an_rpc_or_says_what_exists(string service, string rpc, string? package, string expected)
    {
        var lookup = Index().Find(service, NameArgument.Of(rpc), NameArgument.Of(package));

        var actual = lookup.Failure is { } failure
            ? $"{failure.Error} at {failure.ParameterName}: {failure.Message}"
            : $"found {lookup.Service!.FullName}/{lookup.Service.RpcNames[lookup.RpcIndex]}";
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Look_up_stops_where_it_needs_a_name_that_is_not_known()
    {
        var index = Index();

        Assert.False(index.Find("Calculator", NameArgument.Unknown, NameArgument.Of(null)).IsFound);
        Assert.Null(index.Find("Calculator", NameArgument.Unknown, NameArgument.Of(null)).Failure);
        Assert.Null(index.Find("Inventory", NameArgument.Of("Nope"), NameArgument.Unknown).Failure);
        Assert.Equal(RpcLookupError.UnknownService, index.Find("Nope", NameArgument.Unknown, NameArgument.Unknown).Failure?.Error);
    }

    [Fact]
    public void Two_services_of_one_full_name_cannot_be_indexed()
    {
        Assert.Throws<ArgumentException>(() => new RpcNameIndex<Service>([new("p", "S", []), new("p", "S", [])]));
    }

    private static RpcNameIndex<Service> Index() => new(
    [
        new("inventory.v2", "Inventory", ["Get", "Watch"]),
        new("calc.v1", "Calculator", ["Compute", "Count"]),
        new("inventory.v1", "Inventory", ["Get"]),
        new("", "Root", []),
    ]);

    private static string[] Members(Type type) =>
        type.GetMembers(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => !m.Name.Contains('<', StringComparison.Ordinal))
            .Select(m => m.MemberType + " " + m)
            .Order(StringComparer.Ordinal)
            .ToArray();

    private sealed class Service(string package, string name, string[] rpcs) : IRpcLookupService
    {
        public string Package => package;

        public string Name => name;

        public string FullName => package.Length == 0 ? name : package + "." + name;

        public IReadOnlyList<string> RpcNames => rpcs;
    }
}
