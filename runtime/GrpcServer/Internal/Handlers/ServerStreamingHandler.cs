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
    public override void Bind(HandlerBinder binder) => binder.AddServerStreaming(rpc.Method, new Invoker(handler, binder.Dispatcher).InvokeAsync);

    private sealed class Invoker(Func<TRequest, Context, IEnumerable<TResponse>> handler, CallDispatcher dispatcher)
    {
        public async Task InvokeAsync(HandlerService service, TRequest request, IServerStreamWriter<TResponse> writer, ServerCallContext call)
        {
            var context = new Context(call);
            try
            {
                // Each response is written (and flow control honoured) before the handler produces the next.
                foreach (var response in handler(request, context) ?? throw dispatcher.NullResponse(context, typeof(IEnumerable<TResponse>), item: false))
                {
                    await ResponseStream.WriteAsync(writer, response ?? throw dispatcher.NullResponse(context, typeof(TResponse), item: true), call).ConfigureAwait(false);
                }
            }
            catch (Exception exception) when (exception is not RpcException)
            {
                throw dispatcher.Fail(context, exception);
            }
        }
    }
}

/// <summary>A server streaming handler that returns an asynchronous sequence of responses (an async iterator).</summary>
internal sealed class AsyncServerStreamingHandler<TRequest, TResponse>(ServerStreamingRpc<TRequest, TResponse> rpc, Func<TRequest, Context, IAsyncEnumerable<TResponse>> handler)
    : HandlerRegistration(rpc)
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    public override void Bind(HandlerBinder binder) => binder.AddServerStreaming(rpc.Method, new Invoker(handler, binder.Dispatcher).InvokeAsync);

    private sealed class Invoker(Func<TRequest, Context, IAsyncEnumerable<TResponse>> handler, CallDispatcher dispatcher)
    {
        public async Task InvokeAsync(HandlerService service, TRequest request, IServerStreamWriter<TResponse> writer, ServerCallContext call)
        {
            var context = new Context(call);
            try
            {
                var responses = handler(request, context) ?? throw dispatcher.NullResponse(context, typeof(IAsyncEnumerable<TResponse>), item: false);
                await ResponseStream.WriteAllAsync(responses, writer, context, dispatcher).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not RpcException)
            {
                throw dispatcher.Fail(context, exception);
            }
        }
    }
}
