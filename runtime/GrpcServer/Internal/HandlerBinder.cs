using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace GrpcServer.Internal;

/// <summary>Adds methods to grpc-dotnet's service model for one server, with that server's call dispatcher.</summary>
internal sealed class HandlerBinder(ServiceMethodProviderContext<HandlerService> context, CallDispatcher dispatcher, HandlerRegistry registry)
{
    public CallDispatcher Dispatcher => dispatcher;

    public RpcCounters CountersFor(RpcDescriptor rpc) => registry.CountersFor(rpc);

    public void AddUnary<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<HandlerService, TRequest, TResponse> invoker)
        where TRequest : class
        where TResponse : class
        => context.AddUnaryMethod(method, [], invoker);

    public void AddServerStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<HandlerService, TRequest, TResponse> invoker)
        where TRequest : class
        where TResponse : class
        => context.AddServerStreamingMethod(method, [], invoker);

    public void AddClientStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<HandlerService, TRequest, TResponse> invoker)
        where TRequest : class
        where TResponse : class
        => context.AddClientStreamingMethod(method, [], invoker);

    public void AddDuplexStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<HandlerService, TRequest, TResponse> invoker)
        where TRequest : class
        where TResponse : class
        => context.AddDuplexStreamingMethod(method, [], invoker);

    public void AddUnimplementedUnary<TRequest, TResponse>(Method<TRequest, TResponse> method, RpcCounters counters)
        where TRequest : class
        where TResponse : class
        => AddUnary(method, (_, _, call) => throw dispatcher.Unimplemented(call, counters));

    public void AddUnimplementedServerStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, RpcCounters counters)
        where TRequest : class
        where TResponse : class
        => AddServerStreaming(method, (_, _, _, call) => throw dispatcher.Unimplemented(call, counters));

    public void AddUnimplementedClientStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, RpcCounters counters)
        where TRequest : class
        where TResponse : class
        => AddClientStreaming(method, (_, _, call) => throw dispatcher.Unimplemented(call, counters));

    public void AddUnimplementedDuplexStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, RpcCounters counters)
        where TRequest : class
        where TResponse : class
        => AddDuplexStreaming(method, (_, _, _, call) => throw dispatcher.Unimplemented(call, counters));
}
