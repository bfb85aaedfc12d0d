using System;
using System.Threading;
using System.Threading.Tasks;
using GrpcServer.Internal.InMemory;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace GrpcServer;

public sealed partial class RpcServer
{
    /// <summary>
    /// Serves the added handlers in memory, for tests: the server runs as <see cref="HandleRpc"/> runs it (Kestrel,
    /// HTTP/2, grpc-dotnet, the options), but listens on no port, and the returned object's
    /// <see cref="InMemoryRpcServer.Channel"/> is a real <see cref="Grpc.Net.Client.GrpcChannel"/> connected to it
    /// through in-process pipes. Status, trailers, deadlines, cancellation and streaming behave as over a socket.
    /// Disposing the returned object closes its channels and stops the server.
    /// </summary>
    /// <example>
    /// <code>
    /// var server = new RpcServer();
    /// server.AddHandler(GreeterRpcs.SayHello, (request, context) => new HelloReply { Message = "Hello " + request.Name });
    /// await using var test = await server.StartInMemoryAsync();
    /// var reply = await new Greeter.GreeterClient(test.Channel).SayHelloAsync(new HelloRequest { Name = "World" });
    /// </code>
    /// </example>
    /// <remarks>
    /// In memory the server listens on nothing else: <see cref="RpcServerOptions.Urls"/> and URLs or endpoints in
    /// configuration are not used. It serves plain HTTP/2 (there is no TLS in memory), so the TLS options are refused;
    /// test TLS on a real socket with <see cref="HandleRpcAsync"/>.
    /// </remarks>
    /// <param name="cancellationToken">Gives up starting; the server is then stopped.</param>
    /// <returns>The running server, with a channel to it.</returns>
    /// <exception cref="InvalidOperationException">No handler has been added, the server has already served, an
    /// ASP.NET Core app serves its handlers, or a TLS option is set.</exception>
    /// <exception cref="RpcErrorException">The server could not start.</exception>
    /// <exception cref="OperationCanceledException">The server was stopped, or <paramref name="cancellationToken"/>
    /// cancelled, before it started.</exception>
    public async Task<InMemoryRpcServer> StartInMemoryAsync(CancellationToken cancellationToken = default)
    {
        var options = _hostOptions ?? throw new InvalidOperationException(ServedByApp);
        if (options.TlsCertificate is not null || options.TlsCertificatePath is not null
            || options.ClientCertificateMode != ClientCertificateMode.NoCertificate
            || options.ClientCertificateAuthority is not null || options.ClientCertificateValidation is not null)
        {
            throw new InvalidOperationException(
                "An in-memory server has no TLS: its options set a TLS certificate or client certificates, which it would ignore. "
                + "Test TLS with HandleRpcAsync on an https:// URL, or leave the TLS options out of the in-memory server's options.");
        }

        var transport = new InMemoryTransport();
        var serving = Serve(transport, CancellationToken.None);
        try
        {
            await WaitForServingAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Not serving (it failed to start, was stopped, or the caller gave up): leave it stopped, its task observed.
            await StopAsync().ConfigureAwait(false);
            await serving.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }

        return new InMemoryRpcServer(this, transport, serving);
    }
}
