using System;
using System.Collections.Generic;
using Microsoft.Extensions.Logging;

namespace GrpcServer;

/// <summary>How an <see cref="RpcServer"/> listens and behaves. The defaults serve h2c on
/// <c>http://localhost:50051</c> and keep serving whatever a handler does.</summary>
public sealed class RpcServerOptions
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

    /// <summary>The largest request message accepted, in bytes; larger ones end the call with
    /// <c>RESOURCE_EXHAUSTED</c>. Default 4 MB; <see langword="null"/> for no limit.</summary>
    public int? MaxReceiveMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>The largest response message sent, in bytes; <see langword="null"/> (the default) for no limit.</summary>
    public int? MaxSendMessageSize { get; set; }

    /// <summary>
    /// Whether the client receives the message of a handler's exception in the <c>INTERNAL</c> status.
    /// Off by default: exception messages can reveal internals. Turn on while developing.
    /// </summary>
    public bool EnableDetailedErrors { get; set; }

    /// <summary>How long a stop waits for in-flight calls to finish before cancelling them. Default 30 seconds.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The least severe log level written to the console. Default <see cref="LogLevel.Information"/>;
    /// ASP.NET Core's per-request logs stay at <see cref="LogLevel.Warning"/> and above.</summary>
    public LogLevel LogLevel { get; set; } = LogLevel.Information;

    /// <summary>
    /// Called with each exception a handler fails with (also a <see langword="null"/> response and a call of an
    /// RPC without a handler), after the client has been sent its status. Runs on the call's thread: keep it short.
    /// </summary>
    public Action<Context, Exception>? OnHandlerException { get; set; }

    /// <summary>
    /// The SR OS module's literal behaviour: the first handler exception stops the server, which lets in-flight
    /// calls finish and then rethrows the exception from <see cref="RpcServer.HandleRpc"/>. Off by default, so
    /// that no client can stop the server by sending a request.
    /// </summary>
    public bool StopOnHandlerException { get; set; }
}
