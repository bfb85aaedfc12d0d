using System;
using System.Linq;
using Google.Protobuf.Reflection;
using Grpc.Core;
using GrpcServer.Internal;

namespace GrpcServer;

/// <summary>
/// One RPC declared in a .proto file: its names, kind and message types. The source generator emits
/// one typed descriptor per RPC (for example <c>GreeterRpcs.SayHello</c>) and a catalogue of them.
/// </summary>
public abstract class RpcDescriptor
{
    private readonly Func<FileDescriptor>? _file;

    private protected RpcDescriptor(string package, string service, string name, MethodType kind, Func<FileDescriptor>? file)
    {
        _file = file;
        ArgumentNullException.ThrowIfNull(package);
        ArgumentException.ThrowIfNullOrEmpty(service);
        ArgumentException.ThrowIfNullOrEmpty(name);
        Package = package;
        Service = service;
        Name = name;
        Kind = kind;
        ServiceFullName = package.Length == 0 ? service : package + "." + service;
        FullName = "/" + ServiceFullName + "/" + name;
    }

    /// <summary>The .proto package, or an empty string when the file declares none.</summary>
    public string Package { get; }

    /// <summary>The service name as declared, such as <c>Greeter</c>.</summary>
    public string Service { get; }

    /// <summary>The service name with its package, such as <c>helloworld.Greeter</c>.</summary>
    public string ServiceFullName { get; }

    /// <summary>The RPC name as declared, such as <c>SayHello</c>.</summary>
    public string Name { get; }

    /// <summary>The full method path on the wire, such as <c>/helloworld.Greeter/SayHello</c>; the value of <see cref="Context.Rpc"/>.</summary>
    public string FullName { get; }

    /// <summary>Whether the client, the server, both or neither stream messages.</summary>
    public MethodType Kind { get; }

    /// <summary>
    /// The protobuf descriptor of the RPC's service, from the code protoc generated for its .proto file; used by
    /// server reflection. <see langword="null"/> when the descriptor was created without its file.
    /// </summary>
    public ServiceDescriptor? ServiceDescriptor =>
        _file?.Invoke().Services.FirstOrDefault(service => service.FullName == ServiceFullName);

    /// <summary>The C# type of the request message.</summary>
    public abstract Type RequestType { get; }

    /// <summary>The C# type of the response message.</summary>
    public abstract Type ResponseType { get; }

    /// <summary>
    /// The RPCs of this RPC's service, set when a catalogue lists it: serving one RPC of a service serves them
    /// all, those without a handler answering <c>UNIMPLEMENTED</c>.
    /// </summary>
    internal RpcDescriptor[] ServiceRpcs { get; set; } = [];

    /// <summary>The handler types that fit this RPC, for error messages.</summary>
    internal abstract string HandlerShapes { get; }

    /// <summary>Binds a method that answers <c>UNIMPLEMENTED</c>, for an RPC of a served service that has no handler.</summary>
    internal abstract void BindUnimplemented(HandlerBinder binder);

    /// <summary>Describes the RPC as in error messages: <c>unary RPC /helloworld.Greeter/SayHello (HelloRequest to HelloReply)</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString() =>
        $"{KindName(Kind)} RPC {FullName} ({TypeNames.Format(RequestType)} to {TypeNames.Format(ResponseType)})";

    internal static string KindName(MethodType kind) => kind switch
    {
        MethodType.Unary => "unary",
        MethodType.ServerStreaming => "server streaming",
        MethodType.ClientStreaming => "client streaming",
        _ => "bidirectional streaming",
    };
}
