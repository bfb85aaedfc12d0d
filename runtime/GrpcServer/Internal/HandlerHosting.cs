using System;
using System.Linq;
using System.Threading.Tasks;
using Grpc.AspNetCore.Server;
using Grpc.AspNetCore.Server.Model;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GrpcServer.Internal;

/// <summary>
/// The services and endpoints that serve a server's handlers with its <see cref="RpcServiceOptions"/>, in any
/// ASP.NET Core app: the server's own host (<see cref="RpcServerHost"/>) and an app that hosts the handlers
/// (<c>AddGrpcHandlers</c> / <c>MapGrpcHandlers</c>) use exactly this.
/// </summary>
internal static class HandlerHosting
{
    public const string LoggerCategory = "GrpcServer";

    /// <param name="services">The app's services.</param>
    /// <param name="server">The server whose handlers are served.</param>
    /// <param name="stopOnHandlerException">Stops the server's own host on a reported handler exception; returns
    /// whether this exception is the one that stops it. <see langword="null"/>: a failure never stops the host.</param>
    public static void AddServices(IServiceCollection services, RpcServer server, Func<Exception, bool>? stopOnHandlerException)
    {
        var options = server.Options;
        services.AddGrpc(grpc =>
        {
            grpc.EnableDetailedErrors = options.EnableDetailedErrors;
            grpc.MaxReceiveMessageSize = options.MaxReceiveMessageSize;
            grpc.MaxSendMessageSize = options.MaxSendMessageSize;
            grpc.ResponseCompressionAlgorithm = options.ResponseCompressionAlgorithm;
            grpc.ResponseCompressionLevel = options.ResponseCompressionLevel;
        });

        // The handlers' methods decompress requests through a guard (in an app too): corrupt bytes are the client's
        // protocol error, and a small message must not decompress to gigabytes.
        services.PostConfigure<GrpcServiceOptions<HandlerService>>(GuardedCompressionProvider.GuardAll);
        services.AddSingleton(server);
        services.AddSingleton(server.Registry);
        services.AddSingleton<RpcMetrics>();
        services.AddSingleton(provider => new CallDispatcher(
            options, provider.GetRequiredService<ILoggerFactory>().CreateLogger(LoggerCategory), stopOnHandlerException));

        // A singleton, so that grpc-dotnet's activator finds it instead of creating one per call.
        services.AddSingleton<HandlerService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IServiceMethodProvider<HandlerService>, HandlerMethodProvider>());

        if (options.EnableHealthService)
        {
            services.AddSingleton<HealthServiceImpl>();
        }

        if (options.EnableReflection)
        {
            ServerReflection.AddServices(services, server.Registry, options.EnableHealthService);
        }
    }

    /// <param name="endpoints">The app.</param>
    /// <param name="server">The server whose handlers are served.</param>
    /// <param name="checkHttp2">Whether to check, once the app listens, that an endpoint speaks HTTP/2 (an app that
    /// hosts the handlers sets its own protocols; the server's own host sets Http2 itself).</param>
    public static GrpcServiceEndpointConventionBuilder MapEndpoints(IEndpointRouteBuilder endpoints, RpcServer server, bool checkHttp2)
    {
        if (!server.Registry.Freeze())
        {
            throw new InvalidOperationException("No handler has been added: add at least one in AddGrpcHandlers before MapGrpcHandlers.");
        }

        var handlers = endpoints.MapGrpcService<HandlerService>();

        // Created now so that the instruments exist from the start; the container disposes them. Every RPC's calls get
        // a span and a duration when anyone listens.
        RpcTelemetry.Observe(handlers, endpoints.ServiceProvider.GetRequiredService<RpcMetrics>());
        if (server.Options.EnableHealthService)
        {
            endpoints.MapGrpcService<HealthServiceImpl>();
            var health = endpoints.ServiceProvider.GetRequiredService<HealthServiceImpl>();
            var lifetime = endpoints.ServiceProvider.GetRequiredService<IHostApplicationLifetime>();
            var services = server.Registry.ServiceNames().Prepend("").ToArray();
            lifetime.ApplicationStarted.Register(() => SetHealth(health, services, HealthCheckResponse.Types.ServingStatus.Serving));
            lifetime.ApplicationStopping.Register(() => SetHealth(health, services, HealthCheckResponse.Types.ServingStatus.NotServing));
        }

        if (server.Options.EnableReflection)
        {
            ServerReflection.MapEndpoints(endpoints);
        }

        LogStartAndStop(endpoints.ServiceProvider, server.Registry, checkHttp2);
        return handlers;
    }

    /// <summary>
    /// The lines an operator needs about serving, in either host: at start, the RPCs of served services that have no
    /// handler (and, in an app, an endpoint problem that fails every call); at stop, how many calls were in flight.
    /// </summary>
    private static void LogStartAndStop(IServiceProvider services, HandlerRegistry registry, bool checkHttp2)
    {
        var lifetime = services.GetRequiredService<IHostApplicationLifetime>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(LoggerCategory);
        lifetime.ApplicationStarted.Register(() =>
        {
            var withoutHandler = registry.RpcsWithoutHandler();
            if (withoutHandler.Count > 0)
            {
                GrpcServerLog.RpcsWithoutHandler(logger, withoutHandler.Count, string.Join(", ", withoutHandler));
            }

            if (checkHttp2 && services.GetService<IServer>() is { } server)
            {
                // In the background: a loopback connection or two, which must not hold up the app's start.
                _ = Task.Run(() => Http2EndpointCheck.RunAsync(server, logger, lifetime.ApplicationStopping));
            }
        });

        long inFlightWhenStopping = 0;
        lifetime.ApplicationStopping.Register(() => inFlightWhenStopping = registry.InFlight());
        lifetime.ApplicationStopped.Register(() =>
        {
            var inFlight = registry.InFlight();
            GrpcServerLog.Stopped(logger, inFlight > 0 ? LogLevel.Warning : LogLevel.Information, inFlightWhenStopping, inFlight);
        });
    }

    private static void SetHealth(HealthServiceImpl health, string[] services, HealthCheckResponse.Types.ServingStatus status)
    {
        foreach (var service in services)
        {
            health.SetStatus(service, status);
        }
    }
}
