using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Google.Protobuf;
using Grpc.Core;

namespace GrpcServer.Internal.Handlers;

/// <summary>A server streaming handler that returns a (lazy) sequence of responses.</summary>
internal sealed class ServerStreamingHandler<TRequest, TResponse>(ServerStreamingRpc<TRequest, TResponse> rpc, Func<TRequest, Context, IEnumerable<TResponse>> handler)
    : HandlerRegistration(rpc)
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    public override void Bind(HandlerBinder binder) =>
        binder.AddServerStreaming(rpc.Method, new Invoker(handler, binder.Dispatcher, binder.CountersFor(rpc)).InvokeAsync);

    private sealed class Invoker(Func<TRequest, Context, IEnumerable<TResponse>> handler, CallDispatcher dispatcher, RpcCounters counters)
    {
        public async Task InvokeAsync(HandlerService service, TRequest request, IServerStreamWriter<TResponse> writer, ServerCallContext call)
        {
            counters.Received();
            var context = new Context(call);
            try
            {
                var responses = handler(request, context) ?? throw NullResponseException.For(context, typeof(IEnumerable<TResponse>), item: false);

                // Each response is written, flow control permitting, before the handler produces the next.
                foreach (var response in responses)
                {
                    await ResponseStream.WriteAsync(writer, response ?? throw NullResponseException.For(context, typeof(TResponse), item: true), call, counters).ConfigureAwait(false);
                }
            }
            catch (Exception exception)
            {
                throw dispatcher.Fail(context, exception, counters);
            }

            counters.Successful();
        }
    }
}

/// <summary>A server streaming handler that returns an asynchronous sequence of responses (an async iterator).</summary>
internal sealed class AsyncServerStreamingHandler<TRequest, TResponse>(ServerStreamingRpc<TRequest, TResponse> rpc, Func<TRequest, Context, IAsyncEnumerable<TResponse>> handler)
    : HandlerRegistration(rpc)
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    public override void Bind(HandlerBinder binder) =>
        binder.AddServerStreaming(rpc.Method, new Invoker(handler, binder.Dispatcher, binder.CountersFor(rpc)).InvokeAsync);

    private sealed class Invoker(Func<TRequest, Context, IAsyncEnumerable<TResponse>> handler, CallDispatcher dispatcher, RpcCounters counters)
    {
        public async Task InvokeAsync(HandlerService service, TRequest request, IServerStreamWriter<TResponse> writer, ServerCallContext call)
        {
            counters.Received();
            var context = new Context(call);
            try
            {
                var responses = handler(request, context) ?? throw NullResponseException.For(context, typeof(IAsyncEnumerable<TResponse>), item: false);
                await ResponseStream.WriteAllAsync(responses, writer, context, counters).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                throw dispatcher.Fail(context, exception, counters);
            }

            counters.Successful();
        }
    }
}
