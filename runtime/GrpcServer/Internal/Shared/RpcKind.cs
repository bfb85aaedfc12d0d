namespace GrpcServer.Internal;

// Shared source: the files of Internal/Shared/ are plain C# (no Roslyn, Grpc or Protobuf types) compiled into the
// runtime and, linked, into the generator and analyzer, so that each fact about RPCs is written once.

/// <summary>
/// Which side of an RPC streams. The values are those of <c>Grpc.Core.MethodType</c>, so the runtime converts
/// with a cast.
/// </summary>
internal enum RpcKind
{
    Unary = 0,
    ClientStreaming = 1,
    ServerStreaming = 2,
    DuplexStreaming = 3,
}

/// <summary>What is said about each <see cref="RpcKind"/>: its name in messages and docs, and its descriptor class.</summary>
internal static class RpcKinds
{
    public static readonly RpcKind[] All = [RpcKind.Unary, RpcKind.ServerStreaming, RpcKind.ClientStreaming, RpcKind.DuplexStreaming];

    public static RpcKind Of(bool clientStreams, bool serverStreams) => (clientStreams, serverStreams) switch
    {
        (false, false) => RpcKind.Unary,
        (false, true) => RpcKind.ServerStreaming,
        (true, false) => RpcKind.ClientStreaming,
        _ => RpcKind.DuplexStreaming,
    };

    public static bool ClientStreams(RpcKind kind) => kind is RpcKind.ClientStreaming or RpcKind.DuplexStreaming;

    /// <summary><c>unary</c>, <c>server streaming</c>, <c>client streaming</c>, <c>bidirectional streaming</c>.</summary>
    public static string Name(RpcKind kind) => kind switch
    {
        RpcKind.Unary => "unary",
        RpcKind.ServerStreaming => "server streaming",
        RpcKind.ClientStreaming => "client streaming",
        _ => "bidirectional streaming",
    };

    /// <summary>The <see cref="Name"/> at the start of a sentence: <c>Server streaming</c>.</summary>
    public static string Title(RpcKind kind)
    {
        var name = Name(kind);
        return char.ToUpperInvariant(name[0]) + name.Substring(1);
    }

    /// <summary>The runtime's descriptor class for the kind, in namespace <c>GrpcServer</c>, with two type parameters.</summary>
    public static string DescriptorTypeName(RpcKind kind) => kind switch
    {
        RpcKind.Unary => "UnaryRpc",
        RpcKind.ServerStreaming => "ServerStreamingRpc",
        RpcKind.ClientStreaming => "ClientStreamingRpc",
        _ => "DuplexStreamingRpc",
    };

    /// <summary>What the runtime and the analyzer call an RPC in messages: <c>unary RPC /helloworld.Greeter/SayHello (HelloRequest to HelloReply)</c>.</summary>
    public static string Describe(RpcKind kind, string fullName, string request, string response) =>
        RpcMessages.Format(RpcMessages.RpcDescription, Name(kind), fullName, request, response);
}
