using System;
using System.Threading.Tasks;
using Google.Protobuf;
using Grpc.Core;

namespace GrpcServer.Internal.Handlers;

/// <summary>A unary handler that returns its response directly.</summary>
internal sealed class UnaryHandler<TRequest, TResponse>(UnaryRpc<TRequest, TResponse> rpc, Func<TRequest, Context, TResponse> handler)
    : HandlerRegistration(rpc)
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    public override void Bind(HandlerBinder binder) =>
        binder.AddUnary(rpc.Method, new Invoker(handler, binder.Dispatcher, binder.CountersFor(rpc)).Invoke);

    private sealed class Invoker(Func<TRequest, Context, TResponse> handler, CallDispatcher dispatcher, RpcCounters counters)
        : CallHandler<TRequest, TResponse>(dispatcher, counters)
    {
        public Task<TResponse> Invoke(HandlerService service, TRequest request, ServerCallContext call) => Handle(request, call);

        protected override Task<TResponse> Start(TRequest request, Context context) =>
            Task.FromResult(handler(request, context) ?? throw NullResponseException.For(context, typeof(TResponse), item: false));

        protected override bool Delivered(ServerCallContext call, TResponse response) => Dispatcher.FitsSendLimit(response);
    }
}

/// <summary>A unary handler that returns a task of its response.</summary>
internal sealed class AsyncUnaryHandler<TRequest, TResponse>(UnaryRpc<TRequest, TResponse> rpc, Func<TRequest, Context, Task<TResponse>> handler)
    : HandlerRegistration(rpc)
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    public override void Bind(HandlerBinder binder) =>
        binder.AddUnary(rpc.Method, new Invoker(handler, binder.Dispatcher, binder.CountersFor(rpc)).Invoke);

    private sealed class Invoker(Func<TRequest, Context, Task<TResponse>> handler, CallDispatcher dispatcher, RpcCounters counters)
        : CallHandler<TRequest, TResponse>(dispatcher, counters)
    {
        public Task<TResponse> Invoke(HandlerService service, TRequest request, ServerCallContext call) => Handle(request, call);

        // The handler's own task: when it has already completed, the call costs nothing more.
        protected override Task<TResponse> Start(TRequest request, Context context) =>
            handler(request, context) ?? throw NullResponseException.For(context, typeof(Task<TResponse>), item: false);

        protected override bool Delivered(ServerCallContext call, TResponse response) => Dispatcher.FitsSendLimit(response);
    }
}
