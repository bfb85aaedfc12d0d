using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GrpcServer.Internal;
using Grpc.AspNetCore.Server.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GrpcServer;

/// <summary>The part of <see cref="RpcServer"/> that builds and runs the ASP.NET Core host.</summary>
public sealed partial class RpcServer
{
    private async Task ServeAsync(CancellationToken cancellationToken)
    {
        WebApplication app;
        try
        {
            app = BuildApplication();
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _serving.TrySetCanceled(cancellationToken);
            throw;
        }
        catch (Exception exception)
        {
            var error = new RpcErrorException($"The server could not start: {exception.Message}", exception);
            _serving.TrySetException(error);
            throw error;
        }

        await using (app.ConfigureAwait(false))
        {
            var urls = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToArray() ?? [];
            GrpcServerLog.Serving(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("GrpcServer"), _registry.Count, JoinUrls(urls));
            _serving.TrySetResult(urls);

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);

            // Returns on Ctrl+C / SIGTERM or the token, after the host has stopped: Kestrel refuses new calls and
            // in-flight ones get up to ShutdownTimeout to finish.
            await app.WaitForShutdownAsync(stop.Token).ConfigureAwait(false);
        }

        RethrowStopException();
    }

    private WebApplication BuildApplication()
    {
        var options = Options;
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = options.Args ?? [] });
        builder.WebHost.UseKestrelHttpsConfiguration();

        builder.Logging.SetMinimumLevel(options.LogLevel);

        // Per-request logs of ASP.NET Core and grpc-dotnet would double every call's cost; handler failures are logged by us.
        var frameworkLevel = options.LogLevel > LogLevel.Warning ? options.LogLevel : LogLevel.Warning;
        builder.Logging.AddFilter("Microsoft.AspNetCore", frameworkLevel);
        builder.Logging.AddFilter("Grpc", frameworkLevel);

        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ShutdownTimeout);
        builder.Services.Configure<ConsoleLifetimeOptions>(lifetime => lifetime.SuppressStatusMessages = true);

        // gRPC needs HTTP/2; plain http:// endpoints speak h2c with prior knowledge.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(endpoint => endpoint.Protocols = HttpProtocols.Http2));
        if (options.Urls.Count > 0)
        {
            builder.WebHost.UseUrls([.. options.Urls]);
        }
        else if (!HasConfiguredEndpoints(builder.Configuration))
        {
            builder.WebHost.UseUrls(RpcServerOptions.DefaultUrl);
        }

        builder.Services.AddGrpc(grpc =>
        {
            grpc.EnableDetailedErrors = options.EnableDetailedErrors;
            grpc.MaxReceiveMessageSize = options.MaxReceiveMessageSize;
            grpc.MaxSendMessageSize = options.MaxSendMessageSize;
        });
        builder.Services.AddSingleton(_registry);
        builder.Services.AddSingleton(services => new CallDispatcher(
            options,
            services.GetRequiredService<ILoggerFactory>().CreateLogger("GrpcServer"),
            StopOnHandlerException));
        builder.Services.AddSingleton<HandlerService>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IServiceMethodProvider<HandlerService>, HandlerMethodProvider>());

        var app = builder.Build();
        app.MapGrpcService<HandlerService>();
        return app;
    }

    private static bool HasConfiguredEndpoints(Microsoft.Extensions.Configuration.IConfiguration configuration) =>
        !string.IsNullOrEmpty(configuration["urls"])
        || !string.IsNullOrEmpty(configuration["http_ports"])
        || !string.IsNullOrEmpty(configuration["https_ports"])
        || configuration.GetSection("Kestrel:Endpoints").GetChildren().Any();
}
