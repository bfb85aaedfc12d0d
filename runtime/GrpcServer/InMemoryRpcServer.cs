using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Grpc.Net.Client;
using GrpcServer.Internal.InMemory;

namespace GrpcServer;

/// <summary>
/// An <see cref="RpcServer"/> serving its handlers in memory, with channels to it: what
/// <see cref="RpcServer.StartInMemoryAsync"/> returns, for tests that call handlers through a real
/// <see cref="GrpcChannel"/> without a port. Disposing it closes its channels and stops the server.
/// </summary>
/// <example>
/// <code>
/// await using var test = await server.StartInMemoryAsync();
/// var client = new Greeter.GreeterClient(test.Channel);
/// </code>
/// </example>
public sealed class InMemoryRpcServer : IAsyncDisposable
{
    private readonly InMemoryTransport _transport;
    private readonly List<GrpcChannel> _channels = [];
    private bool _disposed;

    internal InMemoryRpcServer(RpcServer server, InMemoryTransport transport, Task completion)
    {
        Server = server;
        Completion = completion;
        _transport = transport;
        Channel = CreateChannel();
    }

    /// <summary>The server, for its statistics or to stop it (<see cref="RpcServer.StopAsync"/>) while the test goes on.</summary>
    public RpcServer Server { get; }

    /// <summary>A channel to the server, with the default <see cref="GrpcChannelOptions"/>; pass it to a generated client.</summary>
    public GrpcChannel Channel { get; }

    /// <summary>
    /// Completes when the server has stopped, as <see cref="RpcServer.HandleRpcAsync"/>'s task does: it fails with the
    /// handler exception that stopped the server when <see cref="RpcServerOptions.StopOnHandlerException"/> is set.
    /// </summary>
    public Task Completion { get; }

    /// <summary>
    /// Creates another channel to the server, on connections of its own, with options (message sizes, compression,
    /// credentials, a service config, ...). The channel is disposed with this object.
    /// </summary>
    /// <param name="options">The channel's options, without <see cref="GrpcChannelOptions.HttpHandler"/> or
    /// <see cref="GrpcChannelOptions.HttpClient"/>: the connection to the in-memory server is this object's to make.
    /// <see langword="null"/>: the defaults.</param>
    /// <returns>The channel.</returns>
    /// <exception cref="ArgumentException"><paramref name="options"/> sets an HTTP handler or client.</exception>
    /// <exception cref="ObjectDisposedException">This object has been disposed.</exception>
    public GrpcChannel CreateChannel(GrpcChannelOptions? options = null)
    {
        if (options is { HttpHandler: not null } or { HttpClient: not null })
        {
            throw new ArgumentException(
                "An in-memory channel connects through the server's own handler: leave HttpHandler and HttpClient unset.", nameof(options));
        }

        options ??= new GrpcChannelOptions();
        var disposeHttpClient = options.DisposeHttpClient;
        GrpcChannel channel;
        try
        {
            // The channel reads its options when created: the caller's object is left as it was, to be used again.
            options.HttpHandler = _transport.CreateHandler();
            options.DisposeHttpClient = true;
            channel = GrpcChannel.ForAddress(InMemoryTransport.Address, options);
        }
        finally
        {
            options.HttpHandler = null;
            options.DisposeHttpClient = disposeHttpClient;
        }

        lock (_channels)
        {
            if (_disposed)
            {
                channel.Dispose();
                throw new ObjectDisposedException(nameof(InMemoryRpcServer));
            }

            _channels.Add(channel);
        }

        return channel;
    }

    /// <summary>
    /// Closes the channels, which ends the calls still open on them (their handlers see the cancellation), then stops
    /// the server and waits until it has stopped. A handler exception that stopped the server is not rethrown here; it
    /// is <see cref="Completion"/>'s.
    /// </summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        GrpcChannel[] channels;
        lock (_channels)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            channels = [.. _channels];
        }

        foreach (var channel in channels)
        {
            channel.Dispose();
        }

        await Server.StopAsync().ConfigureAwait(false);
        await Completion.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }
}
