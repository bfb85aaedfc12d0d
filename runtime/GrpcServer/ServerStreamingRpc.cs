using System;
using System.Collections.Generic;
using Google.Protobuf;
using Grpc.Core;
using GrpcServer.Internal;
using GrpcServer.Internal.Handlers;

namespace GrpcServer;

/// <summary>A server streaming RPC: one request, a stream of responses. Emitted by the source generator; pass it to <c>RpcServer.AddHandler</c>.</summary>
/// <typeparam name="TRequest">The request message.</typeparam>
/// <typeparam name="TResponse">The response message.</typeparam>
public sealed class ServerStreamingRpc<TRequest, TResponse> : RpcDescriptor<TRequest, TResponse>
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    internal ServerStreamingRpc(RpcService service, string name, MessageParser<TRequest> requestParser, MessageParser<TResponse> responseParser)
        : base(service, name, MethodType.ServerStreaming, requestParser, responseParser)
    {
    }

    // Type tests, which delegate variance passes as the compiler's conversions do; no reflection.
    internal override HandlerRegistration? CreateRegistration(Delegate handler) => handler switch
    {
        Func<TRequest, Context, IEnumerable<TResponse>> typed => new ServerStreamingHandler<TRequest, TResponse>(this, typed),
        Func<TRequest, Context, IAsyncEnumerable<TResponse>> typed => new AsyncServerStreamingHandler<TRequest, TResponse>(this, typed),
        _ => null,
    };

    internal override void BindUnimplemented(HandlerBinder binder) => binder.AddUnimplementedServerStreaming(Method, binder.CountersFor(this));
}
