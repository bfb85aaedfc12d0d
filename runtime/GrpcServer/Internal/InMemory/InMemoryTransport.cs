using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace GrpcServer.Internal.InMemory;

/// <summary>
/// A Kestrel transport whose connections are pairs of in-process pipes instead of sockets: Kestrel listens on an
/// endpoint only this transport binds, and a <see cref="SocketsHttpHandler"/> whose <c>ConnectCallback</c> returns
/// the client end of a new connection talks HTTP/2 to it. Everything above the transport is the production stack
/// (Kestrel's HTTP/2, grpc-dotnet, the handlers), so status, trailers, deadlines, cancellation, flow control and
/// streaming behave as over a socket.
/// </summary>
internal sealed class InMemoryTransport : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    /// <summary>The address clients use: the handler ignores it, HTTP/2 needs one (http: h2c with prior knowledge).</summary>
    public static readonly Uri Address = new("http://in-memory");

    private readonly InMemoryEndPoint _endPoint = new();
    private Listener? _listener;

    /// <summary>Makes the app's Kestrel listen on this transport only, whatever URLs its configuration names.</summary>
    public void Configure(WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IConnectionListenerFactory>(this);

        // No URL from the environment, the command line or appsettings.json: the server listens in memory alone.
        builder.WebHost.UseSetting(WebHostDefaults.ServerUrlsKey, "");
        builder.WebHost.UseSetting(WebHostDefaults.HttpPortsKey, "");
        builder.WebHost.UseSetting(WebHostDefaults.HttpsPortsKey, "");
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Configure(new ConfigurationBuilder().Build());
            kestrel.Listen(_endPoint, listen => listen.Protocols = HttpProtocols.Http2);
        });
    }

    /// <summary>A handler whose every connection is a new in-memory connection to the server.</summary>
    public SocketsHttpHandler CreateHandler() => new()
    {
        ConnectCallback = (_, _) => ValueTask.FromResult(Connect()),

        // As GrpcChannel's own handler does: more streams than one connection allows open another connection.
        EnableMultipleHttp2Connections = true,
    };

    public bool CanBind(EndPoint endpoint) => ReferenceEquals(endpoint, _endPoint);

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        if (!CanBind(endpoint))
        {
            throw new NotSupportedException($"The in-memory transport binds only its own endpoint, not {endpoint}.");
        }

        var listener = new Listener(_endPoint);
        if (Interlocked.CompareExchange(ref _listener, listener, null) is not null)
        {
            throw new InvalidOperationException("The in-memory endpoint is already bound.");
        }

        return ValueTask.FromResult<IConnectionListener>(listener);
    }

    private Stream Connect() =>
        Volatile.Read(ref _listener) is { } listener
            ? listener.Connect()
            : throw new IOException("The in-memory server is not listening: it has not started, or it has stopped.");

    /// <summary>Where Kestrel listens: nowhere on the network.</summary>
    private sealed class InMemoryEndPoint : EndPoint
    {
        public override string ToString() => Address.Host;
    }

    /// <summary>Hands Kestrel the server end of each connection a client opens, until it unbinds.</summary>
    private sealed class Listener(EndPoint endPoint) : IConnectionListener
    {
        private readonly Channel<InMemoryConnection> _pending = Channel.CreateUnbounded<InMemoryConnection>(new UnboundedChannelOptions { SingleReader = true });

        public EndPoint EndPoint => endPoint;

        public Stream Connect()
        {
            var connection = new InMemoryConnection(endPoint);
            if (!_pending.Writer.TryWrite(connection))
            {
                // Like a refused connection: the client's call fails with UNAVAILABLE.
                throw new IOException("The in-memory server has stopped listening.");
            }

            return connection.ClientStream;
        }

        public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
        {
            try
            {
                return await _pending.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ChannelClosedException)
            {
                // Unbound: Kestrel's accept loop ends.
                return null;
            }
        }

        public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
        {
            _pending.Writer.TryComplete();
            return default;
        }

        public ValueTask DisposeAsync()
        {
            _pending.Writer.TryComplete();

            // Connections opened after Kestrel stopped accepting are reset, as a closing socket would reset them.
            while (_pending.Reader.TryRead(out var connection))
            {
                connection.Abort(new ConnectionAbortedException("The in-memory server has stopped listening."));
            }

            return default;
        }
    }
}
