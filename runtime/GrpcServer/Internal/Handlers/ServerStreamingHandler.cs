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
        : CallHandler<(TRequest Request, IServerStreamWriter<TResponse> Writer), bool>(dispatcher, counters)
    {
        public Task InvokeAsync(HandlerService service, TRequest request, IServerStreamWriter<TResponse> writer, ServerCallContext call) =>
            Handle((request, writer), call);

        protected override Task<bool> Start((TRequest Request, IServerStreamWriter<TResponse> Writer) input, Context context)
        {
            Counters.Received();
            var responses = handler(input.Request, context) ?? throw NullResponseException.For(context, typeof(IEnumerable<TResponse>), item: false);
            return ResponseStream.WriteAllAsync(responses, input.Writer, context, Counters);
        }

        // A call cancelled after the last response: the client saw CANCELLED. The responses were written with the
        // call's token, so reading it costs nothing more here.
        protected override bool Delivered(ServerCallContext call, bool written) => !call.CancellationToken.IsCancellationRequested;
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
        : CallHandler<(TRequest Request, IServerStreamWriter<TResponse> Writer), bool>(dispatcher, counters)
    {
        public Task InvokeAsync(HandlerService service, TRequest request, IServerStreamWriter<TResponse> writer, ServerCallContext call) =>
            Handle((request, writer), call);

        protected override Task<bool> Start((TRequest Request, IServerStreamWriter<TResponse> Writer) input, Context context)
        {
            Counters.Received();
            var responses = handler(input.Request, context) ?? throw NullResponseException.For(context, typeof(IAsyncEnumerable<TResponse>), item: false);
            return ResponseStream.WriteAllAsync(responses, input.Writer, context, Counters);
        }

        // A call cancelled after the last response: the client saw CANCELLED. The responses were written with the
        // call's token, so reading it costs nothing more here.
        protected override bool Delivered(ServerCallContext call, bool written) => !call.CancellationToken.IsCancellationRequested;
    }
}
