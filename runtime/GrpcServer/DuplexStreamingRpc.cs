using System;
using System.Collections.Generic;
using Google.Protobuf;
using Grpc.Core;
using GrpcServer.Internal;
using GrpcServer.Internal.Handlers;

namespace GrpcServer;

/// <summary>A bidirectional streaming RPC: a stream of requests and a stream of responses. Emitted by the source generator; pass it to <c>RpcServer.AddHandler</c>.</summary>
/// <typeparam name="TRequest">The request message.</typeparam>
/// <typeparam name="TResponse">The response message.</typeparam>
public sealed class DuplexStreamingRpc<TRequest, TResponse> : RpcDescriptor<TRequest, TResponse>
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    internal DuplexStreamingRpc(RpcService service, string name, MessageParser<TRequest> requestParser, MessageParser<TResponse> responseParser)
        : base(service, name, MethodType.DuplexStreaming, requestParser, responseParser)
    {
    }

    // Type tests, which delegate variance passes as the compiler's conversions do; no reflection.
    internal override HandlerRegistration? CreateRegistration(Delegate handler) => handler switch
    {
        Func<IAsyncEnumerable<TRequest>, Context, IAsyncEnumerable<TResponse>> typed => new DuplexStreamingHandler<TRequest, TResponse>(this, typed),
        _ => null,
    };

    internal override void BindUnimplemented(HandlerBinder binder) => binder.AddUnimplementedDuplexStreaming(Method, binder.CountersFor(this));
}
