using System.Text;

namespace GrpcServer.Benchmarks.Scale;

/// <summary>How the registering file names each RPC.</summary>
internal enum RegistrationForm
{
    /// <summary><c>server.AddHandler("Service0", "Call0", handler)</c>: GrpcServer's named form.</summary>
    Named,

    /// <summary><c>server.AddHandler(Service0Rpcs.Call0, handler)</c>: GrpcServer's descriptor form.</summary>
    Descriptor,

    /// <summary>grpc-dotnet: a class per service overriding Grpc.Tools' base class, <c>app.MapGrpcService&lt;T&gt;()</c>.</summary>
    GrpcDotnet,
}

/// <summary>How a GrpcServer handler is written.</summary>
internal enum HandlerStyle
{
    /// <summary>A lambda with typed parameters: <c>(F0M0 request, Context context) =&gt; new F0M1()</c>.</summary>
    TypedLambda,

    /// <summary>A method group: <c>Handlers.Service0Call0</c>, a static method in the same file.</summary>
    MethodGroup,
}

/// <summary>One registering file of a scale project: a form and, for GrpcServer's forms, a handler style.</summary>
internal sealed record ScaleVariant(RegistrationForm Form, HandlerStyle Style)
{
    public static IReadOnlyList<ScaleVariant> All { get; } =
    [
        new(RegistrationForm.Named, HandlerStyle.TypedLambda),
        new(RegistrationForm.Named, HandlerStyle.MethodGroup),
        new(RegistrationForm.Descriptor, HandlerStyle.TypedLambda),
        new(RegistrationForm.Descriptor, HandlerStyle.MethodGroup),
        new(RegistrationForm.GrpcDotnet, HandlerStyle.TypedLambda),
    ];

    public bool IsGrpcServer => Form != RegistrationForm.GrpcDotnet;

    public string Name => Form switch
    {
        RegistrationForm.Named => "named AddHandler, " + StyleName,
        RegistrationForm.Descriptor => "descriptor AddHandler, " + StyleName,
        _ => "grpc-dotnet (overrides, MapGrpcService)",
    };

    private string StyleName => Style == HandlerStyle.TypedLambda ? "typed lambdas" : "method groups";
}

/// <summary>
/// The C# of the scale projects. Every handler does the same trivial work in every form (creates its reply), so the
/// forms differ only in how the RPCs are registered and bound. The GrpcServer forms use only <c>RpcServer</c>,
/// <c>AddHandler</c> (named and descriptor form), <c>Context</c> and <c>HandleRpc</c>, and the generated
/// <c>&lt;Service&gt;Rpcs.&lt;Rpc&gt;</c> descriptors: adapt here when that API changes.
/// </summary>
internal static class ScaleSources
{
    /// <summary>The helpers the GrpcServer forms' streaming lambdas use (a lambda cannot be an iterator).</summary>
    public const string Replies = """
        // Helpers for handlers written as lambdas: a lambda cannot be an iterator.
        namespace Scale;

        internal static class Replies
        {
            public static IEnumerable<T> One<T>(T reply)
            {
                yield return reply;
            }

            public static async IAsyncEnumerable<TReply> Each<TRequest, TReply>(IAsyncEnumerable<TRequest> requests, TReply reply)
            {
                await foreach (var request in requests)
                {
                    yield return reply;
                }
            }
        }
        """;

    /// <summary>Program.cs: the registering file, one registration per RPC.</summary>
    public static string Program(ScaleVariant variant, IReadOnlyList<ScaleRpc> rpcs, IEnumerable<string> namespaces)
    {
        var text = new StringBuilder(rpcs.Count * 200);
        text.Append("// ").Append(rpcs.Count).Append(" RPCs: ").Append(variant.Name).Append('\n');
        if (variant.IsGrpcServer)
        {
            text.Append("using GrpcServer;\nusing Scale;\n");
        }
        else
        {
            text.Append("using Grpc.Core;\nusing Microsoft.AspNetCore.Builder;\nusing Microsoft.Extensions.DependencyInjection;\n");
        }

        foreach (var ns in namespaces)
        {
            text.Append("using ").Append(ns).Append(";\n");
        }

        text.Append('\n');
        if (variant.IsGrpcServer)
        {
            text.Append("var server = new RpcServer();\n");
            foreach (var rpc in rpcs)
            {
                text.Append(Registration(variant, rpc)).Append(";\n");
            }

            text.Append(Last(variant)).Append('\n');
            if (variant.Style == HandlerStyle.MethodGroup)
            {
                text.Append("\ninternal static class Handlers\n{\n");
                foreach (var rpc in rpcs)
                {
                    text.Append("    ").Append(HandlerMethod(rpc)).Append('\n');
                }

                text.Append("}\n");
            }
        }
        else
        {
            text.Append("var builder = WebApplication.CreateBuilder(args);\nbuilder.Services.AddGrpc();\nvar app = builder.Build();\n");
            foreach (var service in rpcs.GroupBy(r => r.Service))
            {
                text.Append("app.MapGrpcService<").Append(service.Key).Append("Impl>();\n");
            }

            text.Append(Last(variant)).Append('\n');
            foreach (var service in rpcs.GroupBy(r => r.Service))
            {
                text.Append("\ninternal sealed class ").Append(service.Key).Append("Impl : ").Append(service.Key).Append('.').Append(service.Key).Append("Base\n{\n");
                foreach (var rpc in service)
                {
                    text.Append("    ").Append(Override(rpc)).Append('\n');
                }

                text.Append("}\n");
            }
        }

        return text.ToString();
    }

    /// <summary>The statement after the registrations; lookups are made at its position.</summary>
    public static string Last(ScaleVariant variant) => variant.IsGrpcServer ? "server.HandleRpc();" : "app.Run();";

    /// <summary>The registration of <paramref name="rpc"/> as an expression (grpc-dotnet: its service's).</summary>
    public static string Registration(ScaleVariant variant, ScaleRpc rpc)
    {
        if (!variant.IsGrpcServer)
        {
            return $"app.MapGrpcService<{rpc.Service}Impl>()";
        }

        var target = variant.Form == RegistrationForm.Named ? $"\"{rpc.Service}\", \"{rpc.Name}\"" : $"{rpc.Service}Rpcs.{rpc.Name}";
        var handler = variant.Style == HandlerStyle.MethodGroup ? "Handlers." + rpc.Id : Lambda(rpc);
        return $"server.AddHandler({target}, {handler})";
    }

    private static string Lambda(ScaleRpc rpc) => rpc.Kind switch
    {
        ScaleRpcKind.Unary => $"({rpc.Request} request, Context context) => new {rpc.Response}()",
        ScaleRpcKind.ServerStreaming => $"({rpc.Request} request, Context context) => Replies.One(new {rpc.Response}())",
        ScaleRpcKind.ClientStreaming => $"async (IAsyncEnumerable<{rpc.Request}> requests, Context context) => {{ await foreach (var request in requests) {{ }} return new {rpc.Response}(); }}",
        _ => $"(IAsyncEnumerable<{rpc.Request}> requests, Context context) => Replies.Each(requests, new {rpc.Response}())",
    };

    private static string HandlerMethod(ScaleRpc rpc) => rpc.Kind switch
    {
        ScaleRpcKind.Unary => $"public static {rpc.Response} {rpc.Id}({rpc.Request} request, Context context) => new {rpc.Response}();",
        ScaleRpcKind.ServerStreaming => $"public static IEnumerable<{rpc.Response}> {rpc.Id}({rpc.Request} request, Context context) {{ yield return new {rpc.Response}(); }}",
        ScaleRpcKind.ClientStreaming => $"public static async Task<{rpc.Response}> {rpc.Id}(IAsyncEnumerable<{rpc.Request}> requests, Context context) {{ await foreach (var request in requests) {{ }} return new {rpc.Response}(); }}",
        _ => $"public static async IAsyncEnumerable<{rpc.Response}> {rpc.Id}(IAsyncEnumerable<{rpc.Request}> requests, Context context) {{ await foreach (var request in requests) {{ yield return new {rpc.Response}(); }} }}",
    };

    private static string Override(ScaleRpc rpc) => rpc.Kind switch
    {
        ScaleRpcKind.Unary => $"public override Task<{rpc.Response}> {rpc.Name}({rpc.Request} request, ServerCallContext context) => Task.FromResult(new {rpc.Response}());",
        ScaleRpcKind.ServerStreaming => $"public override Task {rpc.Name}({rpc.Request} request, IServerStreamWriter<{rpc.Response}> responseStream, ServerCallContext context) => responseStream.WriteAsync(new {rpc.Response}());",
        ScaleRpcKind.ClientStreaming => $"public override async Task<{rpc.Response}> {rpc.Name}(IAsyncStreamReader<{rpc.Request}> requestStream, ServerCallContext context) {{ await foreach (var request in requestStream.ReadAllAsync()) {{ }} return new {rpc.Response}(); }}",
        _ => $"public override async Task {rpc.Name}(IAsyncStreamReader<{rpc.Request}> requestStream, IServerStreamWriter<{rpc.Response}> responseStream, ServerCallContext context) {{ await foreach (var request in requestStream.ReadAllAsync()) {{ await responseStream.WriteAsync(new {rpc.Response}()); }} }}",
    };
}
