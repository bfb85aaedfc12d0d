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
    {
        public async Task<TResponse> InvokeAsync(HandlerService service, IAsyncStreamReader<TRequest> reader, ServerCallContext call)
        {
            var context = new Context(call);
            TResponse response;
            try
            {
                var task = handler(new RequestStream<TRequest>(reader, call, counters), context)
                    ?? throw NullResponseException.For(context, typeof(Task<TResponse>), item: false);
                response = await task.ConfigureAwait(false) ?? throw NullResponseException.For(context, typeof(TResponse), item: false);
            }
            catch (Exception exception)
            {
                throw dispatcher.Fail(context, exception, counters);
            }

            counters.Sent();
            counters.Successful();
            return response;
        }
    }
}
