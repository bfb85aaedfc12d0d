using System;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using GrpcServer.Internal;

namespace GrpcServer;

/// <summary>A client streaming RPC: a stream of requests, one response. Emitted by the source generator; pass it to <c>RpcServer.AddHandler</c>.</summary>
/// <typeparam name="TRequest">The request message.</typeparam>
/// <typeparam name="TResponse">The response message.</typeparam>
public sealed class ClientStreamingRpc<TRequest, TResponse> : RpcDescriptor<TRequest, TResponse>
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    /// <summary>Describes the RPC <c>/package.service/name</c>.</summary>
    /// <param name="package">The .proto package, or an empty string when there is none.</param>
    /// <param name="service">The service name.</param>
    /// <param name="name">The RPC name.</param>
    /// <param name="requestParser">The parser of the request message.</param>
    /// <param name="responseParser">The parser of the response message.</param>
    /// <param name="file">The protobuf descriptor of the .proto file that declares the service (protoc's
    /// <c>&lt;File&gt;Reflection.Descriptor</c>), for server reflection; read only when reflection is on.</param>
    public ClientStreamingRpc(
        string package, string service, string name,
        MessageParser<TRequest> requestParser, MessageParser<TResponse> responseParser, Func<FileDescriptor>? file = null)
        : base(package, service, name, MethodType.ClientStreaming, requestParser, responseParser, file)
    {
    }

    internal override string HandlerShapes
    {
        get
        {
            string req = TypeNames.Format(typeof(TRequest)), resp = TypeNames.Format(typeof(TResponse));
            return $"Func<IAsyncEnumerable<{req}>, Context, Task<{resp}>>";
        }
    }

    internal override void BindUnimplemented(HandlerBinder binder) => binder.AddUnimplementedClientStreaming(Method, binder.CountersFor(this));
}
