using System;
using GrpcServer;
using GrpcServer.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Hosts GrpcServer handlers in an existing ASP.NET Core app.</summary>
public static class GrpcHandlersServiceCollectionExtensions
{
    /// <summary>
    /// Adds gRPC and the handlers that <paramref name="addHandlers"/> adds, to be served by
    /// <c>app.MapGrpcHandlers()</c> beside the app's other endpoints.
    /// </summary>
    /// <param name="services">The app's services.</param>
    /// <param name="addHandlers">Adds the handlers: <c>server =&gt; server.AddHandler("Greeter", "SayHello", SayHello)</c>.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddGrpcHandlers(this IServiceCollection services, Action<RpcServer> addHandlers) =>
        AddGrpcHandlers(services, new RpcServerOptions(), addHandlers);

    /// <summary>
    /// Adds gRPC and the handlers that <paramref name="addHandlers"/> adds, with options. The app owns Kestrel and
    /// logging, so the listening, TLS, shutdown and log level options do not apply; message sizes, compression,
    /// detailed errors, health, reflection and handler exception options do.
    /// </summary>
    /// <param name="services">The app's services.</param>
    /// <param name="options">How the handlers are served.</param>
    /// <param name="addHandlers">Adds the handlers.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddGrpcHandlers(this IServiceCollection services, RpcServerOptions options, Action<RpcServer> addHandlers)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(addHandlers);

        var server = new RpcServer(options);
        server.MarkHosted();
        addHandlers(server);

        // The app's lifetime is the app's own: a handler exception is reported, never a reason to stop it.
        HandlerHosting.AddServices(services, server, stop: null);
        return services;
    }
}
