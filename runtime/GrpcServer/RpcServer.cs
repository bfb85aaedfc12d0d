using System;
using System.Collections.Generic;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using Google.Protobuf;
using GrpcServer.Internal;
using GrpcServer.Internal.Handlers;
using GrpcServer.Internal.InMemory;

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
/// <para>
/// The string-named <c>AddHandler(service, rpc, handler, package)</c> overloads are generated into each project that
/// has .proto files (internal extension methods: one generic overload per handler shape and a last-resort <see cref="System.Delegate"/> one); the analyzer checks their names and handler
/// types at build time. The overloads on this class take the generated typed descriptors (such as <c>GreeterRpcs.SayHello</c>).
/// </para>
/// <para>
/// A server holds handlers and serves them. It serves them itself with <see cref="HandleRpc"/>, on a host built from
/// <see cref="RpcServerOptions"/>; or an ASP.NET Core app serves them beside its other endpoints
/// (<c>services.AddGrpcHandlers(...)</c>, <c>app.MapGrpcHandlers()</c>), and then the app listens and stops.
/// </para>
/// </remarks>
public sealed partial class RpcServer
{
    private const string ServedByApp =
        "This server's handlers are served by an ASP.NET Core app (services.AddGrpcHandlers): the app listens and stops, "
        + "not HandleRpc, WaitForServingAsync or StopAsync. Run the app, or create the server with new RpcServer(...) to serve it itself.";

    private readonly HandlerRegistry _registry = new();

    // Null when an ASP.NET Core app serves the handlers: then the app decides how to listen and stop.
    private readonly RpcServerOptions? _hostOptions;
    private readonly TaskCompletionSource<IReadOnlyList<string>> _serving = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private int _started;
    private Exception? _stopException;

    /// <summary>Creates a server with the default options: h2c on <c>http://localhost:50051</c> unless configured otherwise.</summary>
    public RpcServer()
        : this(new RpcServerOptions())
    {
    }

    /// <summary>Creates a server that serves its handlers itself, with options.</summary>
    /// <param name="options">What the handlers do and how the server listens and stops; read when serving starts.</param>
    public RpcServer(RpcServerOptions options)
        : this(options, options)
    {
    }

    private RpcServer(RpcServiceOptions options, RpcServerOptions? hostOptions)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        _hostOptions = hostOptions;
    }

    /// <summary>The name of the <see cref="System.Diagnostics.Metrics.Meter"/> that publishes per-RPC statistics:
    /// counters <c>grpcserver.rpc.successful</c>, <c>grpcserver.rpc.failed</c>, <c>grpcserver.rpc.messages_received</c>
    /// and <c>grpcserver.rpc.messages_sent</c>, each tagged with <c>rpc</c> (the full method path); and the histogram
    /// <c>rpc.server.duration</c> (milliseconds, OpenTelemetry's semantic conventions).</summary>
    public const string MeterName = "GrpcServer";

    /// <summary>
    /// The name of the <see cref="System.Diagnostics.ActivitySource"/> of the server's spans, one per RPC call, with
    /// OpenTelemetry's semantic-convention attributes (<c>rpc.system</c>, <c>rpc.service</c>, <c>rpc.method</c>,
    /// <c>rpc.grpc.status_code</c>): <c>.AddSource(RpcServer.ActivitySourceName)</c>. The same meter,
    /// <see cref="MeterName"/>, also has the call-duration histogram <c>rpc.server.duration</c> (milliseconds).
    /// </summary>
    public const string ActivitySourceName = "GrpcServer";

    /// <summary>
    /// What the handlers do: the <see cref="RpcServerOptions"/> the server was created with, or the
    /// <see cref="RpcServiceOptions"/> given to <c>services.AddGrpcHandlers</c> when an app serves the handlers.
    /// </summary>
    public RpcServiceOptions Options { get; }

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
    /// <exception cref="InvalidOperationException">No handler has been added, the server has already served, or an
    /// ASP.NET Core app serves its handlers.</exception>
    /// <exception cref="RpcErrorException">The server could not start, for example because the address is in use.</exception>
    public void HandleRpc() => HandleRpcAsync(CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>
    /// Serves the added handlers until <paramref name="cancellationToken"/> is cancelled, the process is asked to
    /// stop, or <see cref="StopAsync"/> is called; then stops gracefully and completes.
    /// </summary>
    /// <param name="cancellationToken">Cancelling it stops the server gracefully.</param>
    /// <returns>A task that completes when the server has stopped.</returns>
    /// <exception cref="InvalidOperationException">No handler has been added, the server has already served, or an
    /// ASP.NET Core app serves its handlers.</exception>
    /// <exception cref="RpcErrorException">The server could not start, for example because the address is in use.</exception>
    public Task HandleRpcAsync(CancellationToken cancellationToken = default) => Serve(inMemory: null, cancellationToken);

    /// <summary>Serves on the URLs of the options, or in memory (<see cref="StartInMemoryAsync"/>).</summary>
    private Task Serve(InMemoryTransport? inMemory, CancellationToken cancellationToken)
    {
        var hostOptions = _hostOptions ?? throw new InvalidOperationException(ServedByApp);

        if (!_registry.Freeze())
        {
            throw new InvalidOperationException("No handler has been added: call AddHandler for at least one RPC before HandleRpc.");
        }

        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("This server has already served; HandleRpc can be called once. Create a new RpcServer to serve again.");
        }

        var serving = ServeAsync(hostOptions, inMemory, cancellationToken);

        // StopAsync's task completes once this one has, whatever its outcome: then the server has stopped.
        serving.ContinueWith(
            static (_, stopped) => ((TaskCompletionSource)stopped!).TrySetResult(),
            _stopped, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return serving;
    }

    /// <summary>
    /// Waits until the server listens and returns the URLs it listens on, with actual port numbers where the
    /// configured port was 0.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The URLs, such as <c>http://127.0.0.1:50051</c>. The task is cancelled when the server was stopped
    /// before it listened.</returns>
    /// <exception cref="RpcErrorException">The server could not start.</exception>
    /// <exception cref="InvalidOperationException">An ASP.NET Core app serves the handlers (ask the app for its URLs).</exception>
    public Task<IReadOnlyList<string>> WaitForServingAsync(CancellationToken cancellationToken = default) =>
        _hostOptions is null ? throw new InvalidOperationException(ServedByApp) : _serving.Task.WaitAsync(cancellationToken);

    /// <summary>
    /// Stops the server gracefully, as Ctrl+C does: new calls are refused, in-flight calls get up to
    /// <see cref="RpcServerOptions.ShutdownTimeout"/> to finish, then <see cref="HandleRpc"/> returns. Safe to call at
    /// any time and more than once: before serving, it makes a later <see cref="HandleRpc"/> return without listening;
    /// after serving, it does nothing.
    /// </summary>
    /// <remarks>A handler that awaits this waits for itself to finish (up to the shutdown timeout): call it from a
    /// handler without awaiting it.</remarks>
    /// <returns>A task that completes when the server has stopped; it never fails (a handler exception that stopped the
    /// server is rethrown by <see cref="HandleRpc"/>, not here).</returns>
    /// <exception cref="InvalidOperationException">An ASP.NET Core app serves the handlers (stop the app).</exception>
    public Task StopAsync()
    {
        if (_hostOptions is null)
        {
            throw new InvalidOperationException(ServedByApp);
        }

        _stop.Cancel();

        // Read after the stop is requested: a HandleRpc that starts later sees the request and never listens.
        return Volatile.Read(ref _started) == 0 ? Task.CompletedTask : _stopped.Task;
    }

    /// <summary>Creates the server whose handlers an ASP.NET Core app serves (<c>services.AddGrpcHandlers</c>).</summary>
    internal static RpcServer ServedByAnApp(RpcServiceOptions options) => new(options, hostOptions: null);

    private RpcServer Add<TRpc, THandler>(TRpc rpc, THandler handler, Func<TRpc, THandler, HandlerRegistration> create)
        where TRpc : RpcDescriptor
        where THandler : Delegate
    {
        ArgumentNullException.ThrowIfNull(rpc);
        ArgumentNullException.ThrowIfNull(handler);
        _registry.Add(create(rpc, handler));
        return this;
    }

    private async Task ServeAsync(RpcServerOptions options, InMemoryTransport? inMemory, CancellationToken cancellationToken)
    {
        using (var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token))
        {
            if (_stop.IsCancellationRequested)
            {
                // StopAsync came first: nothing to serve.
                _serving.TrySetCanceled(_stop.Token);
                return;
            }

            RpcServerHost host;
            try
            {
                host = await RpcServerHost.StartAsync(this, options, inMemory, StopOnHandlerException, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                _serving.TrySetCanceled(stop.Token);
                if (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }

                // StopAsync during the start: stopped before serving, which is not an error.
                return;
            }
            catch (Exception exception)
            {
                _serving.TrySetException(exception);
                throw;
            }

            await using (host.ConfigureAwait(false))
            {
                _serving.TrySetResult(host.Urls);
                await host.WaitForShutdownAsync(stop.Token).ConfigureAwait(false);
            }
        }

        if (_stopException is { } handlerException)
        {
            ExceptionDispatchInfo.Throw(handlerException);
        }
    }

    /// <summary>
    /// Called by the dispatcher when a handler fails and <see cref="RpcServerOptions.StopOnHandlerException"/> is set:
    /// the first such exception stops the server and is rethrown by <see cref="HandleRpc"/>.
    /// </summary>
    /// <returns>Whether this exception is the one that stops the server.</returns>
    private bool StopOnHandlerException(Exception exception)
    {
        if (Interlocked.CompareExchange(ref _stopException, exception, null) is not null)
        {
            return false;
        }

        _stop.Cancel();
        return true;
    }
}
