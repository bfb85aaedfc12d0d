using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using Google.Protobuf;
using GrpcServer.Internal;
using GrpcServer.Internal.Handlers;

namespace GrpcServer;

/// <summary>
/// A gRPC server whose RPCs are plain functions: add a handler per RPC with <c>AddHandler</c>, then call
/// <see cref="HandleRpc"/>. The SR OS <c>grpcserver</c> module's programming model, served by ASP.NET Core
/// gRPC on Kestrel (HTTP/2).
/// </summary>
/// <example>
/// <code>
/// var server = new RpcServer();
/// server.AddHandler("Greeter", "SayHello", (HelloRequest request, Context context) =>
///     new HelloReply { Message = "Hello " + request.Name });
/// server.HandleRpc();
/// </code>
/// </example>
/// <remarks>
/// The string-named <c>AddHandler(service, rpc, handler, package)</c> overloads are generated into each project that
/// has .proto files (internal extension methods, one per handler shape); the analyzer checks their names and handler
/// types at build time. The overloads on this class take the generated typed descriptors (such as <c>GreeterRpcs.SayHello</c>).
/// </remarks>
public sealed partial class RpcServer
{
    private readonly HandlerRegistry _registry = new();
    private readonly TaskCompletionSource<IReadOnlyList<string>> _serving = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private int _started;
    private bool _hosted;
    private Exception? _stopException;

    /// <summary>Creates a server with the default options: h2c on <c>http://localhost:50051</c> unless configured otherwise.</summary>
    public RpcServer()
        : this(new RpcServerOptions())
    {
    }

    /// <summary>Creates a server with options.</summary>
    /// <param name="options">How the server listens and behaves; read when serving starts.</param>
    public RpcServer(RpcServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
    }

    /// <summary>The name of the <see cref="System.Diagnostics.Metrics.Meter"/> that publishes per-RPC statistics:
    /// counters <c>grpcserver.rpc.successful</c>, <c>grpcserver.rpc.failed</c>, <c>grpcserver.rpc.messages_received</c>
    /// and <c>grpcserver.rpc.messages_sent</c>, each tagged with <c>rpc</c> (the full method path).</summary>
    public const string MeterName = "GrpcServer";

    /// <summary>The options the server was created with.</summary>
    public RpcServerOptions Options { get; }

    internal HandlerRegistry Registry => _registry;

    /// <summary>
    /// What each served RPC has done so far: successful and failed calls, messages in and out. Every RPC of a served
    /// service is listed once serving has started, those without a handler too.
    /// </summary>
    /// <returns>A snapshot, one entry per RPC.</returns>
    public IReadOnlyList<RpcStatistics> GetStatistics() => _registry.Snapshot();

    /// <summary>Adds the handler of a unary RPC that returns its response.</summary>
    /// <typeparam name="TRequest">The request message.</typeparam>
    /// <typeparam name="TResponse">The response message.</typeparam>
    /// <param name="rpc">The generated descriptor of the RPC, such as <c>GreeterRpcs.SayHello</c>.</param>
    /// <param name="handler">Answers each call; return the response or call <see cref="Context.Abort"/>.</param>
    /// <returns>This server, for chaining.</returns>
    /// <exception cref="ArgumentException">The RPC already has a handler.</exception>
    /// <exception cref="InvalidOperationException">The server has started serving.</exception>
    public RpcServer AddHandler<TRequest, TResponse>(UnaryRpc<TRequest, TResponse> rpc, Func<TRequest, Context, TResponse> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
        => Add(rpc, handler, static (r, h) => new UnaryHandler<TRequest, TResponse>(r, h));

    /// <summary>Adds the handler of a unary RPC that returns a task of its response.</summary>
    /// <typeparam name="TRequest">The request message.</typeparam>
    /// <typeparam name="TResponse">The response message.</typeparam>
    /// <param name="rpc">The generated descriptor of the RPC, such as <c>GreeterRpcs.SayHello</c>.</param>
    /// <param name="handler">Answers each call; return the response or call <see cref="Context.Abort"/>.</param>
    /// <returns>This server, for chaining.</returns>
    /// <exception cref="ArgumentException">The RPC already has a handler.</exception>
    /// <exception cref="InvalidOperationException">The server has started serving.</exception>
    public RpcServer AddHandler<TRequest, TResponse>(UnaryRpc<TRequest, TResponse> rpc, Func<TRequest, Context, Task<TResponse>> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
        => Add(rpc, handler, static (r, h) => new AsyncUnaryHandler<TRequest, TResponse>(r, h));

    /// <summary>Adds the handler of a server streaming RPC that returns a sequence of responses (a <c>yield return</c> iterator).</summary>
    /// <typeparam name="TRequest">The request message.</typeparam>
    /// <typeparam name="TResponse">The response message.</typeparam>
    /// <param name="rpc">The generated descriptor of the RPC.</param>
    /// <param name="handler">Answers each call; each response is sent as it is produced.</param>
    /// <returns>This server, for chaining.</returns>
    /// <exception cref="ArgumentException">The RPC already has a handler.</exception>
    /// <exception cref="InvalidOperationException">The server has started serving.</exception>
    public RpcServer AddHandler<TRequest, TResponse>(ServerStreamingRpc<TRequest, TResponse> rpc, Func<TRequest, Context, IEnumerable<TResponse>> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
        => Add(rpc, handler, static (r, h) => new ServerStreamingHandler<TRequest, TResponse>(r, h));

    /// <summary>Adds the handler of a server streaming RPC that returns an asynchronous sequence of responses (an async iterator).</summary>
    /// <typeparam name="TRequest">The request message.</typeparam>
    /// <typeparam name="TResponse">The response message.</typeparam>
    /// <param name="rpc">The generated descriptor of the RPC.</param>
    /// <param name="handler">Answers each call; each response is sent as it is yielded.</param>
    /// <returns>This server, for chaining.</returns>
    /// <exception cref="ArgumentException">The RPC already has a handler.</exception>
    /// <exception cref="InvalidOperationException">The server has started serving.</exception>
    public RpcServer AddHandler<TRequest, TResponse>(ServerStreamingRpc<TRequest, TResponse> rpc, Func<TRequest, Context, IAsyncEnumerable<TResponse>> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
        => Add(rpc, handler, static (r, h) => new AsyncServerStreamingHandler<TRequest, TResponse>(r, h));

    /// <summary>Adds the handler of a client streaming RPC: it reads the requests and returns one response.</summary>
    /// <typeparam name="TRequest">The request message.</typeparam>
    /// <typeparam name="TResponse">The response message.</typeparam>
    /// <param name="rpc">The generated descriptor of the RPC.</param>
    /// <param name="handler">Answers each call; <c>await foreach</c> over the requests.</param>
    /// <returns>This server, for chaining.</returns>
    /// <exception cref="ArgumentException">The RPC already has a handler.</exception>
    /// <exception cref="InvalidOperationException">The server has started serving.</exception>
    public RpcServer AddHandler<TRequest, TResponse>(ClientStreamingRpc<TRequest, TResponse> rpc, Func<IAsyncEnumerable<TRequest>, Context, Task<TResponse>> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
        => Add(rpc, handler, static (r, h) => new ClientStreamingHandler<TRequest, TResponse>(r, h));

    /// <summary>Adds the handler of a bidirectional streaming RPC: an async iterator over the requests that yields responses.</summary>
    /// <typeparam name="TRequest">The request message.</typeparam>
    /// <typeparam name="TResponse">The response message.</typeparam>
    /// <param name="rpc">The generated descriptor of the RPC.</param>
    /// <param name="handler">Answers each call; each response is sent as it is yielded.</param>
    /// <returns>This server, for chaining.</returns>
    /// <exception cref="ArgumentException">The RPC already has a handler.</exception>
    /// <exception cref="InvalidOperationException">The server has started serving.</exception>
    public RpcServer AddHandler<TRequest, TResponse>(DuplexStreamingRpc<TRequest, TResponse> rpc, Func<IAsyncEnumerable<TRequest>, Context, IAsyncEnumerable<TResponse>> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
        => Add(rpc, handler, static (r, h) => new DuplexStreamingHandler<TRequest, TResponse>(r, h));

    /// <summary>
    /// Serves the added handlers until the process is asked to stop (Ctrl+C, SIGTERM) or <see cref="StopAsync"/>
    /// is called, then lets in-flight calls finish (up to <see cref="RpcServerOptions.ShutdownTimeout"/>) and returns.
    /// The SR OS module's <c>handle_rpc()</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">No handler has been added, or the server has already served.</exception>
    /// <exception cref="RpcErrorException">The server could not start, for example because the address is in use.</exception>
    public void HandleRpc() => HandleRpcAsync(CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>
    /// Serves the added handlers until <paramref name="cancellationToken"/> is cancelled, the process is asked to
    /// stop, or <see cref="StopAsync"/> is called; then stops gracefully and completes.
    /// </summary>
    /// <param name="cancellationToken">Cancelling it stops the server gracefully.</param>
    /// <returns>A task that completes when the server has stopped.</returns>
    /// <exception cref="InvalidOperationException">No handler has been added, or the server has already served.</exception>
    /// <exception cref="RpcErrorException">The server could not start, for example because the address is in use.</exception>
    public Task HandleRpcAsync(CancellationToken cancellationToken = default)
    {
        if (_hosted)
        {
            throw new InvalidOperationException("This server's handlers are served by an ASP.NET Core app (AddGrpcHandlers); the app serves them, HandleRpc does not.");
        }

        if (!_registry.Freeze())
        {
            throw new InvalidOperationException("No handler has been added: call AddHandler for at least one RPC before HandleRpc.");
        }

        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("This server has already served; HandleRpc can be called once. Create a new RpcServer to serve again.");
        }

        return ServeAsync(cancellationToken);
    }

    /// <summary>
    /// Waits until the server listens and returns the URLs it listens on, with actual port numbers where the
    /// configured port was 0.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The URLs, such as <c>http://127.0.0.1:50051</c>.</returns>
    /// <exception cref="RpcErrorException">The server could not start.</exception>
    public Task<IReadOnlyList<string>> WaitForServingAsync(CancellationToken cancellationToken = default) =>
        _serving.Task.WaitAsync(cancellationToken);

    /// <summary>Asks the server to stop gracefully: <see cref="HandleRpc"/> returns once in-flight calls are done.</summary>
    /// <returns>A completed task; await <see cref="HandleRpcAsync"/> to know when the server has stopped.</returns>
    public Task StopAsync()
    {
        _stop.Cancel();
        return Task.CompletedTask;
    }

    private RpcServer Add<TRpc, THandler>(TRpc rpc, THandler handler, Func<TRpc, THandler, HandlerRegistration> create)
        where TRpc : RpcDescriptor
        where THandler : Delegate
    {
        ArgumentNullException.ThrowIfNull(rpc);
        ArgumentNullException.ThrowIfNull(handler);
        _registry.Add(create(rpc, handler));
        return this;
    }

    /// <summary>Called by the dispatcher when a handler fails and <see cref="RpcServerOptions.StopOnHandlerException"/> is set.</summary>
    private void StopOnHandlerException(Exception exception)
    {
        if (Interlocked.CompareExchange(ref _stopException, exception, null) is null)
        {
            _stop.Cancel();
        }
    }

    /// <summary>Marks a server whose handlers an ASP.NET Core app serves.</summary>
    internal void MarkHosted() => _hosted = true;

    private static string JoinUrls(IEnumerable<string> urls) => string.Join(", ", urls.Order(StringComparer.Ordinal));

    private void RethrowStopException()
    {
        if (_stopException is { } exception)
        {
            ExceptionDispatchInfo.Throw(exception);
        }
    }
}
