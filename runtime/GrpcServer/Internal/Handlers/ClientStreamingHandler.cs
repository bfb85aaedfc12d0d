using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Google.Protobuf;
using Grpc.Core;

namespace GrpcServer.Internal.Handlers;

/// <summary>A client streaming handler: reads the request stream, returns one response.</summary>
internal sealed class ClientStreamingHandler<TRequest, TResponse>(ClientStreamingRpc<TRequest, TResponse> rpc, Func<IAsyncEnumerable<TRequest>, Context, Task<TResponse>> handler)
    : HandlerRegistration(rpc)
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    public override void Bind(HandlerBinder binder) =>
        binder.AddClientStreaming(rpc.Method, new Invoker(handler, binder.Dispatcher, binder.CountersFor(rpc)).InvokeAsync);

    private sealed class Invoker(Func<IAsyncEnumerable<TRequest>, Context, Task<TResponse>> handler, CallDispatcher dispatcher, RpcCounters counters)
        : CallHandler<IAsyncStreamReader<TRequest>, TResponse>(dispatcher, counters)
    {
        public Task<TResponse> InvokeAsync(HandlerService service, IAsyncStreamReader<TRequest> reader, ServerCallContext call) => Handle(reader, call);

        protected override Task<TResponse> Start(IAsyncStreamReader<TRequest> reader, Context context) =>
            handler(new RequestStream<TRequest>(reader, context.ServerCallContext, Counters), context)
                ?? throw NullResponseException.For(context, typeof(Task<TResponse>), item: false);

        // The handler has read the requests with the call's token, so reading it costs nothing more here.
        protected override bool Delivered(ServerCallContext call, TResponse response) =>
            !call.CancellationToken.IsCancellationRequested && Dispatcher.FitsSendLimit(response);

        // The one response is written when the call succeeds.
        protected override void Succeeded()
        {
            Counters.Sent();
            base.Succeeded();
        }
    }
}
