using System;
using GrpcServer;
using GrpcServer.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Hosts GrpcServer handlers in an existing ASP.NET Core app.</summary>
public static class GrpcHandlersServiceCollectionExtensions
{
    /// <summary>
    /// Adds gRPC and the handlers that <paramref name="addHandlers"/> adds, to be served by
    /// <c>app.MapGrpcHandlers()</c> beside the app's other endpoints, with the default <see cref="RpcServiceOptions"/>.
    /// </summary>
    /// <param name="services">The app's services.</param>
    /// <param name="addHandlers">Adds the handlers: <c>server =&gt; server.AddHandler("Greeter", "SayHello", SayHello)</c>.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddGrpcHandlers(this IServiceCollection services, Action<RpcServer> addHandlers) =>
        AddGrpcHandlers(services, new RpcServiceOptions(), addHandlers);

    /// <summary>
    /// Adds gRPC and the handlers that <paramref name="addHandlers"/> adds, with options:
    /// <c>services.AddGrpcHandlers(options =&gt; options.EnableReflection = true, server =&gt; ...)</c>.
    /// </summary>
    /// <param name="services">The app's services.</param>
    /// <param name="configure">Sets the options, starting from the defaults.</param>
    /// <param name="addHandlers">Adds the handlers.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddGrpcHandlers(this IServiceCollection services, Action<RpcServiceOptions> configure, Action<RpcServer> addHandlers)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new RpcServiceOptions();
        configure(options);
        return AddGrpcHandlers(services, options, addHandlers);
    }

    /// <summary>
    /// Adds gRPC and the handlers that <paramref name="addHandlers"/> adds, with options. The app owns Kestrel,
    /// logging and its lifetime, so only what the handlers do is an option here (message sizes, compression, detailed
    /// errors, health, reflection, the handler exception callback), and every one of them applies.
    /// </summary>
    /// <param name="services">The app's services.</param>
    /// <param name="options">What the handlers do; read when the app builds its services and endpoints.</param>
    /// <param name="addHandlers">Adds the handlers.</param>
    /// <returns>The services, for chaining.</returns>
    /// <exception cref="ArgumentException"><paramref name="options"/> is an <see cref="RpcServerOptions"/>, whose
    /// listening, TLS, shutdown and logging settings the app would ignore.</exception>
    public static IServiceCollection AddGrpcHandlers(this IServiceCollection services, RpcServiceOptions options, Action<RpcServer> addHandlers)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(addHandlers);
        if (options is RpcServerOptions)
        {
            throw new ArgumentException(
                "AddGrpcHandlers takes RpcServiceOptions, not RpcServerOptions: the app decides how to listen, log and stop (configure Kestrel, "
                + "logging and the host in the app), so those settings would be ignored. Pass a new RpcServiceOptions { ... } instead.",
                nameof(options));
        }

        var server = RpcServer.ServedByAnApp(options);
        addHandlers(server);

        // The app's lifetime is the app's own: a handler exception is reported, never a reason to stop it.
        HandlerHosting.AddServices(services, server, stopOnHandlerException: null);
        return services;
    }
}
