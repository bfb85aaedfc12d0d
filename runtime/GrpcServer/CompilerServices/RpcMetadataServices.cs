using System;
using System.ComponentModel;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using GrpcServer.Internal;

namespace GrpcServer.CompilerServices;

/// <summary>
/// Creates the services, RPC descriptors and catalogue that the GrpcServer source generator declares, and adds the
/// handlers of its <c>AddHandler(service, rpc, handler, package)</c> overloads. Called by generated code only; not
/// meant for code written by hand, and its members may change between versions.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class RpcMetadataServices
{
    /// <summary>Creates the descriptor of a service.</summary>
    /// <param name="package">The .proto package, or an empty string when there is none.</param>
    /// <param name="name">The service name as declared.</param>
    /// <param name="rpcs">Returns the service's RPC descriptors in declaration order; called once, on first use,
    /// so that it may name descriptors created after the service.</param>
    /// <param name="file">The protobuf descriptor of the .proto file that declares the service (protoc's
    /// <c>&lt;File&gt;Reflection.Descriptor</c>), for server reflection; read only when reflection is on.</param>
    /// <returns>The service.</returns>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static RpcService CreateService(string package, string name, Func<RpcDescriptor[]> rpcs, Func<FileDescriptor>? file) =>
        new(package, name, rpcs, file);

    /// <summary>Creates the descriptor of a unary RPC.</summary>
    /// <typeparam name="TRequest">The request message.</typeparam>
    /// <typeparam name="TResponse">The response message.</typeparam>
    /// <param name="service">The service that declares it.</param>
    /// <param name="name">The RPC name as declared.</param>
    /// <param name="requestParser">The parser of the request message.</param>
    /// <param name="responseParser">The parser of the response message.</param>
    /// <returns>The descriptor.</returns>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static UnaryRpc<TRequest, TResponse> CreateUnaryRpc<TRequest, TResponse>(
        RpcService service, string name, MessageParser<TRequest> requestParser, MessageParser<TResponse> responseParser)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
        => new(service, name, requestParser, responseParser);

    /// <summary>Creates the descriptor of a server streaming RPC.</summary>
    /// <typeparam name="TRequest">The request message.</typeparam>
    /// <typeparam name="TResponse">The response message.</typeparam>
    /// <param name="service">The service that declares it.</param>
    /// <param name="name">The RPC name as declared.</param>
    /// <param name="requestParser">The parser of the request message.</param>
    /// <param name="responseParser">The parser of the response message.</param>
    /// <returns>The descriptor.</returns>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static ServerStreamingRpc<TRequest, TResponse> CreateServerStreamingRpc<TRequest, TResponse>(
        RpcService service, string name, MessageParser<TRequest> requestParser, MessageParser<TResponse> responseParser)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
        => new(service, name, requestParser, responseParser);

    /// <summary>Creates the descriptor of a client streaming RPC.</summary>
    /// <typeparam name="TRequest">The request message.</typeparam>
    /// <typeparam name="TResponse">The response message.</typeparam>
    /// <param name="service">The service that declares it.</param>
    /// <param name="name">The RPC name as declared.</param>
    /// <param name="requestParser">The parser of the request message.</param>
    /// <param name="responseParser">The parser of the response message.</param>
    /// <returns>The descriptor.</returns>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static ClientStreamingRpc<TRequest, TResponse> CreateClientStreamingRpc<TRequest, TResponse>(
        RpcService service, string name, MessageParser<TRequest> requestParser, MessageParser<TResponse> responseParser)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
        => new(service, name, requestParser, responseParser);

    /// <summary>Creates the descriptor of a bidirectional streaming RPC.</summary>
    /// <typeparam name="TRequest">The request message.</typeparam>
    /// <typeparam name="TResponse">The response message.</typeparam>
    /// <param name="service">The service that declares it.</param>
    /// <param name="name">The RPC name as declared.</param>
    /// <param name="requestParser">The parser of the request message.</param>
    /// <param name="responseParser">The parser of the response message.</param>
    /// <returns>The descriptor.</returns>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static DuplexStreamingRpc<TRequest, TResponse> CreateDuplexStreamingRpc<TRequest, TResponse>(
        RpcService service, string name, MessageParser<TRequest> requestParser, MessageParser<TResponse> responseParser)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
        => new(service, name, requestParser, responseParser);

    /// <summary>Creates a project's catalogue of services.</summary>
    /// <param name="services">The services; each full name at most once.</param>
    /// <returns>The catalogue.</returns>
    /// <exception cref="ArgumentException">Two services have the same full name.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static RpcCatalog CreateCatalog(RpcService[] services) => new(services);

    /// <summary>
    /// Adds a handler to a server by the names of its RPC: what every generated
    /// <c>AddHandler(service, rpc, handler, package)</c> overload does, whatever the handler's type.
    /// </summary>
    /// <param name="server">The server.</param>
    /// <param name="catalog">The project's catalogue, in which the names are looked up.</param>
    /// <param name="service">The service name, or its full name.</param>
    /// <param name="rpc">The RPC name.</param>
    /// <param name="handler">The handler: a delegate of one of the RPC's handler shapes (delegate variance allowed).</param>
    /// <param name="package">The package, or <see langword="null"/>.</param>
    /// <returns>The server, for chaining.</returns>
    /// <exception cref="ArgumentException">No such RPC, an ambiguous service name, a handler that does not fit the RPC,
    /// or a second handler for the RPC.</exception>
    /// <exception cref="InvalidOperationException">The server has started serving.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static RpcServer AddHandler(RpcServer server, RpcCatalog catalog, string service, string rpc, Delegate handler, string? package)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(handler);
        var found = catalog.Find(service, rpc, package);
        server.Registry.Add(found.CreateRegistration(handler) ?? throw DescriptorHandlerFit.DoesNotFit(found, handler));
        return server;
    }
}
