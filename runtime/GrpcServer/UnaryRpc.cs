using System;
using System.Threading.Tasks;
using Google.Protobuf;
using Grpc.Core;
using GrpcServer.Internal;
using GrpcServer.Internal.Handlers;

namespace GrpcServer;

/// <summary>A unary RPC: one request, one response. Emitted by the source generator; pass it to <c>RpcServer.AddHandler</c>.</summary>
/// <typeparam name="TRequest">The request message.</typeparam>
/// <typeparam name="TResponse">The response message.</typeparam>
public sealed class UnaryRpc<TRequest, TResponse> : RpcDescriptor<TRequest, TResponse>
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    internal UnaryRpc(RpcService service, string name, MessageParser<TRequest> requestParser, MessageParser<TResponse> responseParser)
        : base(service, name, MethodType.Unary, requestParser, responseParser)
    {
    }

    // Type tests, which delegate variance passes as the compiler's conversions do; no reflection.
    internal override HandlerRegistration? CreateRegistration(Delegate handler) => handler switch
    {
        Func<TRequest, Context, TResponse> typed => new UnaryHandler<TRequest, TResponse>(this, typed),
        Func<TRequest, Context, Task<TResponse>> typed => new AsyncUnaryHandler<TRequest, TResponse>(this, typed),
        _ => null,
    };

    internal override void BindUnimplemented(HandlerBinder binder) => binder.AddUnimplementedUnary(Method, binder.CountersFor(this));
}
