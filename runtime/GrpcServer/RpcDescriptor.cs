using System;
using Grpc.Core;
using GrpcServer.Internal;
using GrpcServer.Internal.Handlers;

namespace GrpcServer;

/// <summary>
/// One RPC declared in a .proto file: its service, name, kind and message types. The source generator emits one
/// typed descriptor per RPC (for example <c>GreeterRpcs.SayHello</c>); pass it to <c>RpcServer.AddHandler</c>.
/// Immutable and complete when created.
/// </summary>
public abstract class RpcDescriptor
{
    private protected RpcDescriptor(RpcService service, string name, MethodType kind)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (kind is not (MethodType.Unary or MethodType.ClientStreaming or MethodType.ServerStreaming or MethodType.DuplexStreaming))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a kind of RPC.");
        }

        Service = service;
        Name = name;
        Kind = kind;
        FullName = "/" + service.FullName + "/" + name;
    }

    /// <summary>The service that declares the RPC.</summary>
    public RpcService Service { get; }

    /// <summary>The RPC name as declared, such as <c>SayHello</c>.</summary>
    public string Name { get; }

    /// <summary>The full method path on the wire, such as <c>/helloworld.Greeter/SayHello</c>; the value of <see cref="Context.Rpc"/>.</summary>
    public string FullName { get; }

    /// <summary>Whether the client, the server, both or neither stream messages.</summary>
    public MethodType Kind { get; }

    /// <summary>The C# type of the request message.</summary>
    public abstract Type RequestType { get; }

    /// <summary>The C# type of the response message.</summary>
    public abstract Type ResponseType { get; }

    /// <summary>The kind as the shared rules name it; its values are <see cref="MethodType"/>'s.</summary>
    internal RpcKind RpcKind => (RpcKind)Kind;

    /// <summary>Describes the RPC as in error messages: <c>unary RPC /helloworld.Greeter/SayHello (HelloRequest to HelloReply)</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString() =>
        RpcKinds.Describe(RpcKind, FullName, TypeNames.Format(RequestType), TypeNames.Format(ResponseType));

    /// <summary>The request or response type in a form (<c>Task&lt;TResponse&gt;</c>, ...), known without reflection.</summary>
    internal abstract Type MessageIn(MessageForm form, bool request);

    /// <summary>A handler of this RPC for grpc-dotnet, when the delegate has one of the RPC's shapes; otherwise <see langword="null"/>.</summary>
    internal abstract HandlerRegistration? CreateRegistration(Delegate handler);

    /// <summary>Binds a method that answers <c>UNIMPLEMENTED</c>, for an RPC of a served service that has no handler.</summary>
    internal abstract void BindUnimplemented(HandlerBinder binder);
}
