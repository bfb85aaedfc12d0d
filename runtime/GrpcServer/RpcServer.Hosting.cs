using System;
using System.IO;
using System.Linq;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using GrpcServer.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GrpcServer;

/// <summary>The part of <see cref="RpcServer"/> that builds and runs its own ASP.NET Core host.</summary>
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
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(HandlerHosting.LoggerCategory);
            GrpcServerLog.Serving(logger, _registry.Count, JoinUrls(urls));
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
        builder.Logging.AddFilter("Grpc.AspNetCore", frameworkLevel);

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

        if (options.Urls.Count > 0)
        {
            builder.WebHost.UseUrls([.. options.Urls]);
        }
        else if (!HasConfiguredEndpoints(builder.Configuration))
        {
            builder.WebHost.UseUrls(RpcServerOptions.DefaultUrl);
        }

        HandlerHosting.AddServices(builder.Services, this, StopOnHandlerException);

        // Unknown services and methods fall through to an endpoint that reports them before answering UNIMPLEMENTED.
        builder.Services.Configure<Grpc.AspNetCore.Server.GrpcServiceOptions>(grpc => grpc.IgnoreUnknownServices = true);
        var app = builder.Build();
        HandlerHosting.MapEndpoints(app, this);
        UnknownMethodEndpoint.Map(app, _registry);
        return app;
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
