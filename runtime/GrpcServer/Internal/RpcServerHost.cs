using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using GrpcServer.Internal.InMemory;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GrpcServer.Internal;

/// <summary>
/// The ASP.NET Core host of an <see cref="RpcServer"/> that serves its handlers itself (<see cref="RpcServer.HandleRpc"/>):
/// builds the web application from <see cref="RpcServerOptions"/> (Kestrel, URLs, TLS, logging, shutdown timeout),
/// adds the handlers' services and endpoints as an app that hosts them would (<see cref="HandlerHosting"/>), plus the
/// endpoint that answers unknown methods, and runs it until it is told to stop.
/// </summary>
internal sealed class RpcServerHost : IAsyncDisposable
{
    /// <summary>The category of ASP.NET Core's per-request hosting logs (request starting/finished, the request scope).</summary>
    internal const string HostingDiagnosticsCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    private readonly WebApplication _app;

    private RpcServerHost(WebApplication app, IReadOnlyList<string> urls)
    {
        _app = app;
        Urls = urls;
    }

    /// <summary>The URLs the host listens on, with the real port where port 0 was asked for.</summary>
    public IReadOnlyList<string> Urls { get; }

    /// <summary>Builds and starts the host.</summary>
    /// <param name="server">The server whose handlers are served.</param>
    /// <param name="options">How to listen and stop.</param>
    /// <param name="inMemory">Listen on this in-memory transport instead of the URLs; <see langword="null"/>: on the URLs.</param>
    /// <param name="stopOnHandlerException">Asks the server to stop because of a handler exception; returns whether
    /// this exception is the one that stops it. Used only when <see cref="RpcServerOptions.StopOnHandlerException"/> is set.</param>
    /// <param name="cancellationToken">Abandons the start.</param>
    /// <exception cref="RpcErrorException">The host could not be built or could not start.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<RpcServerHost> StartAsync(
        RpcServer server, RpcServerOptions options, InMemoryTransport? inMemory, Func<Exception, bool> stopOnHandlerException, CancellationToken cancellationToken)
    {
        WebApplication app;
        try
        {
            app = Build(server, options, inMemory, options.StopOnHandlerException ? stopOnHandlerException : null);
        }
        catch (Exception exception)
        {
            throw CouldNotStart(exception);
        }

        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            if (exception is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            throw CouldNotStart(exception);
        }

        var urls = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToArray() ?? [];
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(HandlerHosting.LoggerCategory);
        GrpcServerLog.Serving(logger, server.Registry.Count, string.Join(", ", urls.Order(StringComparer.Ordinal)));
        return new RpcServerHost(app, urls);
    }

    /// <summary>
    /// Serves until the process is asked to stop (Ctrl+C, SIGTERM) or <paramref name="stop"/> fires, then stops
    /// gracefully: Kestrel refuses new calls and in-flight ones get up to the shutdown timeout to finish.
    /// </summary>
    /// <param name="stop">Stops the host.</param>
    /// <returns>A task that completes when the host has stopped.</returns>
    public Task WaitForShutdownAsync(CancellationToken stop) => _app.WaitForShutdownAsync(stop);

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private static RpcErrorException CouldNotStart(Exception exception) =>
        new($"The server could not start: {exception.Message}", exception);

    private static WebApplication Build(RpcServer server, RpcServerOptions options, InMemoryTransport? inMemory, Func<Exception, bool>? stopOnHandlerException)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = options.Args ?? [] });
        builder.WebHost.UseKestrelHttpsConfiguration();

        builder.Logging.SetMinimumLevel(options.LogLevel);

        // Per-request logs of ASP.NET Core and grpc-dotnet would double every call's cost; handler failures are logged by us.
        var frameworkLevel = options.LogLevel > LogLevel.Warning ? options.LogLevel : LogLevel.Warning;
        builder.Logging.AddFilter("Microsoft.AspNetCore", frameworkLevel);
        builder.Logging.AddFilter("Grpc.AspNetCore", frameworkLevel);

        // ASP.NET Core's hosting diagnostics begin a logging scope and start an Activity for every request whenever
        // this category is enabled at any level, although all it logs per request is Information (never written here;
        // its only other messages are startup failures, which RpcServer reports itself as RpcErrorException).
        // Off, a call no longer pays for them (about 950 B; docs/benchmarks.md); an Activity is still started for
        // a listener that asks for one (OpenTelemetry, a DiagnosticListener), parented from the traceparent header.
        // Inserted first, so that a level configured for the category (appsettings.json "Logging") still wins.
        builder.Services.Configure<LoggerFilterOptions>(filters =>
            filters.Rules.Insert(0, new LoggerFilterRule(null, HostingDiagnosticsCategory, LogLevel.None, null)));

        var drainDelay = options.DrainDelay > TimeSpan.Zero ? options.DrainDelay : TimeSpan.Zero;
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout =
            options.ShutdownTimeout == Timeout.InfiniteTimeSpan ? Timeout.InfiniteTimeSpan : options.ShutdownTimeout + drainDelay);
        if (drainDelay > TimeSpan.Zero)
        {
            builder.Services.AddSingleton<IHostedService>(provider => new DrainDelayService(drainDelay, provider.GetRequiredService<IHostApplicationLifetime>()));
        }

        builder.Services.Configure<ConsoleLifetimeOptions>(lifetime => lifetime.SuppressStatusMessages = true);

        var certificate = LoadCertificate(options);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // gRPC needs HTTP/2; plain http:// endpoints speak h2c with prior knowledge.
            kestrel.ConfigureEndpointDefaults(endpoint => endpoint.Protocols = HttpProtocols.Http2);
            kestrel.ConfigureHttpsDefaults(https =>
            {
                if (certificate is not null)
                {
                    https.ServerCertificate = certificate;
                }

                https.ClientCertificateMode = options.ClientCertificateMode;
                if (ClientCertificateValidation(options) is { } validation)
                {
                    https.ClientCertificateValidation = validation;
                }
            });
        });

        if (inMemory is not null)
        {
            inMemory.Configure(builder);
        }
        else if (options.Urls.Count > 0)
        {
            builder.WebHost.UseUrls([.. options.Urls]);
        }
        else if (!HasConfiguredEndpoints(builder.Configuration))
        {
            builder.WebHost.UseUrls(RpcServerOptions.DefaultUrl);
        }

        ConfigureForClients(builder, options);
        HandlerHosting.AddServices(builder.Services, server, stopOnHandlerException);

        // Unknown services and methods fall through to an endpoint that reports them before answering UNIMPLEMENTED.
        builder.Services.Configure<Grpc.AspNetCore.Server.GrpcServiceOptions>(grpc => grpc.IgnoreUnknownServices = true);
        var app = builder.Build();
        HandlerHosting.MapEndpoints(app, server, checkHttp2: false);
        UnknownMethodEndpoint.Map(app, server.Registry);
        return app;
    }

    /// <summary>
    /// What this host does about its clients: the limits on connections and calls, the guard on compressed requests,
    /// and the log, where what a client can cause at will is never an Error (<see cref="ClientErrorLoggerFactory"/>).
    /// The application's own logging (<see cref="RpcServerOptions.ConfigureLogging"/>) comes after the defaults.
    /// </summary>
    private static void ConfigureForClients(WebApplicationBuilder builder, RpcServerOptions options)
    {
        options.ConfigureLogging?.Invoke(builder.Logging);
        builder.Services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(provider => new ClientErrorLoggerFactory(new LoggerFactory(
            provider.GetServices<ILoggerProvider>(),
            provider.GetRequiredService<IOptionsMonitor<LoggerFilterOptions>>(),
            provider.GetService<IOptions<LoggerFactoryOptions>>(),
            provider.GetService<IExternalScopeProvider>()))));

        // The options, else the configuration keys (appsettings.json, Kestrel__Limits__... variables, --Kestrel:Limits:...
        // arguments), else Kestrel's defaults. The slim builder binds no Kestrel:Limits section itself, and binding all
        // of it would need reflection; these two are the ones a production server wants.
        var configuration = builder.Configuration;
        var connections = options.MaxConcurrentConnections ?? Limit<long>(configuration, "Kestrel:Limits:MaxConcurrentConnections");
        var streams = options.MaxConcurrentStreamsPerConnection ?? Limit<int>(configuration, "Kestrel:Limits:Http2:MaxStreamsPerConnection");
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            if (connections is { } maxConnections)
            {
                kestrel.Limits.MaxConcurrentConnections = maxConnections;
            }

            if (streams is { } maxStreams)
            {
                kestrel.Limits.Http2.MaxStreamsPerConnection = maxStreams;
            }
        });

        // Every gRPC service of this host, health and reflection included: corrupt or oversized compressed requests.
        builder.Services.PostConfigure<Grpc.AspNetCore.Server.GrpcServiceOptions>(GuardedCompressionProvider.GuardAll);
    }

    private static T? Limit<T>(IConfiguration configuration, string key)
        where T : struct, IParsable<T>
    {
        if (configuration[key] is not { Length: > 0 } text)
        {
            return null;
        }

        return T.TryParse(text, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InvalidOperationException($"The configuration value {key} = '{text}' is not a number.");
    }

    private static X509Certificate2? LoadCertificate(RpcServerOptions options)
    {
        if (options.TlsCertificate is not null)
        {
            return options.TlsCertificate;
        }

        if (options.TlsCertificatePath is not { } path)
        {
            return null;
        }

        var extension = Path.GetExtension(path);
        if (extension.Equals(".pfx", StringComparison.OrdinalIgnoreCase) || extension.Equals(".p12", StringComparison.OrdinalIgnoreCase))
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, options.TlsCertificatePassword);
        }

        return options.TlsCertificatePassword is { } password
            ? X509Certificate2.CreateFromEncryptedPemFile(path, password, options.TlsKeyPath)
            : X509Certificate2.CreateFromPemFile(path, options.TlsKeyPath);
    }

    private static Func<X509Certificate2, X509Chain?, SslPolicyErrors, bool>? ClientCertificateValidation(RpcServerOptions options)
    {
        if (options.ClientCertificateValidation is { } validation)
        {
            return validation;
        }

        if (options.ClientCertificateAuthority is not { } authority)
        {
            return null;
        }

        // Trust exactly the given CA for client certificates, instead of the machine's roots.
        return (certificate, _, _) =>
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(authority);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(certificate);
        };
    }

    private static bool HasConfiguredEndpoints(IConfiguration configuration) =>
        !string.IsNullOrEmpty(configuration["urls"])
        || !string.IsNullOrEmpty(configuration["http_ports"])
        || !string.IsNullOrEmpty(configuration["https_ports"])
        || configuration.GetSection("Kestrel:Endpoints").GetChildren().Any();
}
