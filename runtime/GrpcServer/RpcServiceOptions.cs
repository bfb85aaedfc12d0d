using System;
using System.IO.Compression;

namespace GrpcServer;

/// <summary>
/// What a set of handlers does, in whichever host serves them: message sizes, compression, error details, the
/// health and reflection services, and the handler exception callback. Every property works both under
/// <see cref="RpcServer.HandleRpc"/> (through <see cref="RpcServerOptions"/>, which adds how the server's own host
/// listens and stops) and in an ASP.NET Core app (<c>services.AddGrpcHandlers(options, ...)</c>).
/// </summary>
public class RpcServiceOptions
{
    /// <summary>The largest request message accepted, in bytes; larger ones end the call with
    /// <c>RESOURCE_EXHAUSTED</c>. Default 4 MB; <see langword="null"/> for no limit.</summary>
    public int? MaxReceiveMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>The largest response message sent, in bytes; a larger one ends the call with
    /// <c>RESOURCE_EXHAUSTED</c>. <see langword="null"/> (the default) for no limit.</summary>
    public int? MaxSendMessageSize { get; set; }

    /// <summary>
    /// Compresses response messages with this algorithm (<c>gzip</c>) when the client accepts it. A handler can send
    /// one message uncompressed with <c>context.WriteOptions = new WriteOptions(WriteFlags.NoCompress)</c>.
    /// Compressed requests (gzip) are always accepted. Default: no response compression.
    /// </summary>
    public string? ResponseCompressionAlgorithm { get; set; }

    /// <summary>The compression level of <see cref="ResponseCompressionAlgorithm"/>; <see langword="null"/> (the
    /// default) for the algorithm's own default.</summary>
    public CompressionLevel? ResponseCompressionLevel { get; set; }

    /// <summary>
    /// Whether the client receives the message of a handler's exception in the <c>INTERNAL</c> status.
    /// Off by default: exception messages can reveal internals. Turn on while developing.
    /// </summary>
    public bool EnableDetailedErrors { get; set; }

    /// <summary>
    /// Serves the gRPC health service (<c>grpc.health.v1.Health</c>): <c>SERVING</c> for the server (empty service
    /// name) and each served service while running, <c>NOT_SERVING</c> once stopping. Default on.
    /// </summary>
    public bool EnableHealthService { get; set; } = true;

    /// <summary>
    /// Serves gRPC server reflection (<c>grpc.reflection.v1</c> and <c>v1alpha</c>) so that tools such as
    /// <c>grpcurl</c> can list and call the services. Default off: it reveals the API to anyone who can connect.
    /// </summary>
    public bool EnableReflection { get; set; }

    /// <summary>
    /// Called with each exception a handler fails with (also a <see langword="null"/> response and a call of an
    /// RPC without a handler), before the client is sent its status. Runs on the call's thread: keep it short;
    /// an exception it throws is logged and otherwise ignored.
    /// </summary>
    public Action<Context, Exception>? OnHandlerException { get; set; }
}
