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
    {
        public Task<TResponse> Invoke(HandlerService service, TRequest request, ServerCallContext call)
        {
            var context = new Context(call);
            TResponse response;
            try
            {
                response = handler(request, context) ?? throw NullResponseException.For(context, typeof(TResponse), item: false);
            }
            catch (Exception exception)
            {
                throw dispatcher.Fail(context, exception, counters);
            }

            counters.Successful();
            return Task.FromResult(response);
        }
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
    {
        public Task<TResponse> Invoke(HandlerService service, TRequest request, ServerCallContext call)
        {
            var context = new Context(call);
            Task<TResponse> task;
            try
            {
                task = handler(request, context) ?? throw NullResponseException.For(context, typeof(Task<TResponse>), item: false);
            }
            catch (Exception exception)
            {
                throw dispatcher.Fail(context, exception, counters);
            }

            // A handler that finished synchronously costs no extra state machine.
            if (task is { IsCompletedSuccessfully: true, Result: not null })
            {
                counters.Successful();
                return task;
            }

            return AwaitAsync(task, context);
        }

        private async Task<TResponse> AwaitAsync(Task<TResponse> task, Context context)
        {
            TResponse response;
            try
            {
                response = await task.ConfigureAwait(false) ?? throw NullResponseException.For(context, typeof(TResponse), item: false);
            }
            catch (Exception exception)
            {
                throw dispatcher.Fail(context, exception, counters);
            }

            counters.Successful();
            return response;
        }
    }
}
