using Microsoft.CodeAnalysis;

namespace GrpcServer.Generators.Analyzers;

/// <summary>The kind of an RPC, from its generated descriptor type.</summary>
internal enum RpcKind
{
    Unary,
    ServerStreaming,
    ClientStreaming,
    DuplexStreaming,
}

/// <summary>
/// One RPC of the generated catalogue, as the analyzer sees it: the names from the descriptor field's initializer,
/// the kind and message types from the field's type. Lives for one compilation only (it holds symbols).
/// </summary>
internal sealed class DeclaredRpc
{
    public DeclaredRpc(IFieldSymbol field, RpcKind kind, ITypeSymbol request, ITypeSymbol response, string package, string service, string name)
    {
        Field = field;
        Kind = kind;
        Request = request;
        Response = response;
        Package = package;
        Service = service;
        Name = name;
        ServiceFullName = package.Length == 0 ? service : package + "." + service;
        FullName = "/" + ServiceFullName + "/" + name;
    }

    /// <summary>The generated descriptor field, such as <c>GreeterRpcs.SayHello</c>.</summary>
    public IFieldSymbol Field { get; }

    public RpcKind Kind { get; }

    public ITypeSymbol Request { get; }

    public ITypeSymbol Response { get; }

    /// <summary>The .proto package, or an empty string.</summary>
    public string Package { get; }

    public string Service { get; }

    public string Name { get; }

    /// <summary>The service with its package, such as <c>helloworld.Greeter</c>.</summary>
    public string ServiceFullName { get; }

    /// <summary>The method path, such as <c>/helloworld.Greeter/SayHello</c>.</summary>
    public string FullName { get; }

    /// <summary>As the runtime's <c>RpcDescriptor.ToString()</c>: <c>unary RPC /helloworld.Greeter/SayHello (HelloRequest to HelloReply)</c>.</summary>
    public string Description => Describe(qualified: false);

    /// <summary><see cref="Description"/>, with namespaces on the message types when <paramref name="qualified"/>.</summary>
    public string Describe(bool qualified) =>
        $"{KindName(Kind)} RPC {FullName} ({HandlerShapes.Format(Request, qualified)} to {HandlerShapes.Format(Response, qualified)})";

    private static string KindName(RpcKind kind) => kind switch
    {
        RpcKind.Unary => "unary",
        RpcKind.ServerStreaming => "server streaming",
        RpcKind.ClientStreaming => "client streaming",
        _ => "bidirectional streaming",
    };
}
