using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Google.Protobuf;
using Grpc.Core;

namespace GrpcServer.Internal.Handlers;

/// <summary>A bidirectional streaming handler: an async iterator over the request stream that yields responses.</summary>
internal sealed class DuplexStreamingHandler<TRequest, TResponse>(DuplexStreamingRpc<TRequest, TResponse> rpc, Func<IAsyncEnumerable<TRequest>, Context, IAsyncEnumerable<TResponse>> handler)
    : HandlerRegistration(rpc)
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    public override void Bind(HandlerBinder binder) =>
        binder.AddDuplexStreaming(rpc.Method, new Invoker(handler, binder.Dispatcher, binder.CountersFor(rpc)).InvokeAsync);

    private sealed class Invoker(Func<IAsyncEnumerable<TRequest>, Context, IAsyncEnumerable<TResponse>> handler, CallDispatcher dispatcher, RpcCounters counters)
        : CallHandler<(IAsyncStreamReader<TRequest> Reader, IServerStreamWriter<TResponse> Writer), bool>(dispatcher, counters)
    {
        public Task InvokeAsync(HandlerService service, IAsyncStreamReader<TRequest> reader, IServerStreamWriter<TResponse> writer, ServerCallContext call) =>
            Handle((reader, writer), call);

        protected override Task<bool> Start((IAsyncStreamReader<TRequest> Reader, IServerStreamWriter<TResponse> Writer) input, Context context)
        {
            var responses = handler(new RequestStream<TRequest>(input.Reader, context.ServerCallContext, Counters), context)
                ?? throw NullResponseException.For(context, typeof(IAsyncEnumerable<TResponse>), item: false);
            return ResponseStream.WriteAllAsync(responses, input.Writer, context, Counters);
        }

        // A call cancelled after the last response: the client saw CANCELLED. The responses were written with the
        // call's token, so reading it costs nothing more here.
        protected override bool Delivered(ServerCallContext call, bool written) => !call.CancellationToken.IsCancellationRequested;
    }
}
