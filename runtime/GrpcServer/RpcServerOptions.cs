using System;
using System.Collections.Generic;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;

namespace GrpcServer;

/// <summary>
/// The options of an <see cref="RpcServer"/> that serves its handlers itself (<see cref="RpcServer.HandleRpc"/>):
/// what the handlers do (inherited from <see cref="RpcServiceOptions"/>) and how the server's own host listens and
/// stops (URLs, TLS, shutdown, logging, <see cref="StopOnHandlerException"/>). The defaults serve h2c on
/// <c>http://localhost:50051</c> and keep serving whatever a handler does.
/// </summary>
/// <remarks>
/// An ASP.NET Core app that hosts the handlers (<c>services.AddGrpcHandlers</c>) listens, logs and stops as the app
/// is configured, so it takes <see cref="RpcServiceOptions"/> only.
/// </remarks>
public sealed class RpcServerOptions : RpcServiceOptions
{
    /// <summary>The default URL when neither <see cref="Urls"/> nor ASP.NET Core configuration names one.</summary>
    public const string DefaultUrl = "http://localhost:50051";

    /// <summary>
    /// The URLs to listen on, such as <c>http://0.0.0.0:50051</c> (h2c) or <c>https://localhost:5001</c> (TLS).
    /// Port 0 picks a free port (see <see cref="RpcServer.WaitForServingAsync"/>). When empty, standard
    /// ASP.NET Core configuration applies (<c>ASPNETCORE_URLS</c>, <c>--urls</c> in <see cref="Args"/>, a
    /// <c>Kestrel:Endpoints</c> section), else <see cref="DefaultUrl"/>.
    /// </summary>
    public IList<string> Urls { get; set; } = new List<string>();

    /// <summary>Command-line arguments read as ASP.NET Core configuration, such as <c>--urls http://*:8080</c>;
    /// pass <c>Main</c>'s <c>args</c> to let users configure the server from the command line.</summary>
    public string[]? Args { get; set; }

    /// <summary>The certificate of <c>https://</c> URLs. Takes precedence over <see cref="TlsCertificatePath"/>.</summary>
    public X509Certificate2? TlsCertificate { get; set; }

    /// <summary>
    /// The certificate file of <c>https://</c> URLs: a PFX/PKCS#12 file (<c>.pfx</c>, <c>.p12</c>, with
    /// <see cref="TlsCertificatePassword"/>) or a PEM file, whose private key is in <see cref="TlsKeyPath"/> or in
    /// the same file.
    /// </summary>
    public string? TlsCertificatePath { get; set; }

    /// <summary>The PEM private key file of <see cref="TlsCertificatePath"/>, when the key is in a file of its own.</summary>
    public string? TlsKeyPath { get; set; }

    /// <summary>The password of a PFX <see cref="TlsCertificatePath"/>, or of an encrypted PEM key.</summary>
    public string? TlsCertificatePassword { get; set; }

    /// <summary>Whether <c>https://</c> URLs ask clients for a certificate (mutual TLS). Default: no certificate.</summary>
    public ClientCertificateMode ClientCertificateMode { get; set; } = ClientCertificateMode.NoCertificate;

    /// <summary>
    /// A certificate authority that client certificates must chain to, for mutual TLS with a private CA. When
    /// neither this nor <see cref="ClientCertificateValidation"/> is set, the system's trusted roots decide.
    /// </summary>
    public X509Certificate2? ClientCertificateAuthority { get; set; }

    /// <summary>Decides whether a client certificate is accepted, replacing the default chain validation.</summary>
    public Func<X509Certificate2, X509Chain?, SslPolicyErrors, bool>? ClientCertificateValidation { get; set; }

    /// <summary>How long a stop waits for in-flight calls to finish before cancelling them. Default 30 seconds.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the server goes on serving once a stop begins, with its health service already answering
    /// <c>NOT_SERVING</c>, before it closes its listener and lets in-flight calls finish (<see cref="ShutdownTimeout"/>,
    /// which this delay does not shorten). A load balancer that checks the health service takes the server out of
    /// rotation in that time, so no call is sent to a closed port. Set it longer than the balancer takes to notice.
    /// Default zero: the listener closes at once. Under Kubernetes a <c>preStop</c> sleep does the same job.
    /// </summary>
    public TimeSpan DrainDelay { get; set; } = TimeSpan.Zero;

    /// <summary>The least severe log level written to the console. Default <see cref="LogLevel.Information"/>;
    /// ASP.NET Core's per-request logs stay at <see cref="LogLevel.Warning"/> and above.</summary>
    public LogLevel LogLevel { get; set; } = LogLevel.Information;

    /// <summary>
    /// The SR OS module's literal behaviour: the first handler exception stops the server, which lets in-flight
    /// calls finish and then rethrows the exception from <see cref="RpcServer.HandleRpc"/>. Off by default, so
    /// that no client can stop the server by sending a request.
    /// </summary>
    public bool StopOnHandlerException { get; set; }

    /// <summary>
    /// The most connections the server keeps open at once; one more is closed as soon as it is accepted (its client
    /// sees <c>UNAVAILABLE</c>), and a Warning says so at most every ten seconds. Default <see langword="null"/>: no
    /// limit, Kestrel's default, unless configuration sets <c>Kestrel:Limits:MaxConcurrentConnections</c>. An idle
    /// HTTP/2 connection costs memory until Kestrel's keep-alive timeout (130 seconds) closes it.
    /// </summary>
    public long? MaxConcurrentConnections { get; set; }

    /// <summary>
    /// The most calls (HTTP/2 streams) one connection may have in flight, announced to clients as
    /// <c>SETTINGS_MAX_CONCURRENT_STREAMS</c>: a gRPC client queues further calls, and a stream opened over the limit is
    /// refused (<c>REFUSED_STREAM</c>, which clients may retry). Default <see langword="null"/>: Kestrel's default,
    /// 100, unless configuration sets <c>Kestrel:Limits:Http2:MaxStreamsPerConnection</c>.
    /// </summary>
    public int? MaxConcurrentStreamsPerConnection { get; set; }

    /// <summary>
    /// Adds to the logging of the server's own host after GrpcServer's defaults (the console at <see cref="LogLevel"/>,
    /// framework logs at Warning): a provider of your own (OpenTelemetry, Serilog), a filter, or <c>ClearProviders()</c>
    /// to replace the console.
    /// </summary>
    public Action<ILoggingBuilder>? ConfigureLogging { get; set; }
}
