using System.Collections.Generic;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace GrpcServer.Internal;

/// <summary>Adds methods to grpc-dotnet's service model for one server, with that server's call dispatcher.</summary>
internal sealed class HandlerBinder(ServiceMethodProviderContext<HandlerService> context, CallDispatcher dispatcher, HandlerRegistry registry)
{
    /// <summary>
    /// The endpoint metadata of every method: POST only, as grpc-dotnet's own binder gives each method it binds
    /// (accepting a CORS preflight, which grpc-dotnet answers itself). Any other HTTP method never reaches a handler.
    /// Shared, since grpc-dotnet only reads it.
    /// </summary>
    private static readonly IList<object> s_metadata = [new HttpMethodMetadata([HttpMethods.Post], acceptCorsPreflight: true)];

    public CallDispatcher Dispatcher => dispatcher;

    public RpcCounters CountersFor(RpcDescriptor rpc) => registry.CountersFor(rpc);

    public void AddUnary<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<HandlerService, TRequest, TResponse> invoker)
        where TRequest : class
        where TResponse : class
        => context.AddUnaryMethod(method, s_metadata, invoker);

    public void AddServerStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<HandlerService, TRequest, TResponse> invoker)
        where TRequest : class
        where TResponse : class
        => context.AddServerStreamingMethod(method, s_metadata, invoker);

    public void AddClientStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<HandlerService, TRequest, TResponse> invoker)
        where TRequest : class
        where TResponse : class
        => context.AddClientStreamingMethod(method, s_metadata, invoker);

    public void AddDuplexStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<HandlerService, TRequest, TResponse> invoker)
        where TRequest : class
        where TResponse : class
        => context.AddDuplexStreamingMethod(method, s_metadata, invoker);

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
