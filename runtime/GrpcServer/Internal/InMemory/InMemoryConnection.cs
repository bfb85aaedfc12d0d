using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.IO.Pipelines;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace GrpcServer.Internal.InMemory;

/// <summary>
/// One in-memory connection: Kestrel's end (this <see cref="ConnectionContext"/>) and the client's end
/// (<see cref="ClientStream"/>) of two pipes, one each way. Each pipe has one reader and one writer, as a socket's two
/// directions do; closing one end is seen by the other as a socket's FIN or reset would be.
/// </summary>
internal sealed class InMemoryConnection : ConnectionContext
{
    private static long s_lastId;

    // Kestrel's pipes are scheduled on the thread pool, as the socket transport's are: neither side ever runs the
    // other's continuations inline.
    private static readonly PipeOptions s_pipeOptions = new(useSynchronizationContext: false);

    private readonly Pipe _toServer = new(s_pipeOptions);
    private readonly Pipe _toClient = new(s_pipeOptions);
    private readonly CancellationTokenSource _closed = new();
    private readonly ClientEnd _client;
    private int _closing;

    public InMemoryConnection(EndPoint endPoint)
    {
        ConnectionId = "in-memory-" + Interlocked.Increment(ref s_lastId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        LocalEndPoint = endPoint;
        RemoteEndPoint = endPoint;
        Transport = new DuplexPipe(_toServer.Reader, _toClient.Writer);
        ConnectionClosed = _closed.Token;
        _client = new ClientEnd(this, _toClient.Reader, _toServer.Writer);
    }

    /// <summary>The client's end, for <see cref="System.Net.Http.SocketsHttpHandler.ConnectCallback"/>.</summary>
    public Stream ClientStream => _client;

    public override IDuplexPipe Transport { get; set; }

    public override string ConnectionId { get; set; }

    public override IFeatureCollection Features { get; } = new FeatureCollection();

    public override IDictionary<object, object?> Items { get; set; } = new Dictionary<object, object?>();

    /// <summary>Kestrel ends the connection at once (shutdown timeout, protocol error): the client sees a reset.</summary>
    public override void Abort(ConnectionAbortedException abortReason)
    {
        _client.Reset(abortReason);
        Closed();
    }

    /// <summary>Kestrel is done with the connection: the client reads its end and its writes fail.</summary>
    public override ValueTask DisposeAsync()
    {
        _toServer.Reader.Complete();
        _toClient.Writer.Complete();
        Closed();
        return default;
    }

    /// <summary>
    /// Tells Kestrel the connection is gone (<c>ConnectionClosed</c>), once, off the caller's
    /// thread: Kestrel's reaction must not run inside a client's dispose or inside Kestrel's own abort.
    /// </summary>
    private void Closed()
    {
        if (Interlocked.Exchange(ref _closing, 1) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static closed => closed.Cancel(), _closed, preferLocal: false);
        }
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input => input;

        public PipeWriter Output => output;
    }

    /// <summary>
    /// The client's end as a <see cref="Stream"/>. Its reader and writer are the client's alone; a close or a reset
    /// that arrives while a read or write is pending wakes it (<c>CancelPendingRead</c>, <c>CancelPendingFlush</c>, the
    /// pipes' thread-safe calls) and that operation completes its pipe end as it leaves, so an end is never completed
    /// under an operation that uses it.
    /// </summary>
    private sealed class ClientEnd(InMemoryConnection connection, PipeReader input, PipeWriter output) : Stream
    {
        private readonly object _gate = new();
        private bool _reading;
        private bool _writing;
        private bool _closed;
        private bool _outputCompleted;
        private Exception? _reset;

        public override bool CanRead => true;

        public override bool CanWrite => true;

        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_closed, this);
                ThrowIfReset();
                _reading = true;
            }

            try
            {
                var result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
                if (result.IsCanceled)
                {
                    // Woken by a reset, or by the client closing its own end while reading.
                    lock (_gate)
                    {
                        ThrowIfReset();
                    }

                    return 0;
                }

                var data = result.Buffer;
                if (buffer.Length == 0)
                {
                    // A zero-byte read waits for data without taking any (SocketsHttpHandler uses them).
                    input.AdvanceTo(data.Start);
                    return 0;
                }

                var count = (int)Math.Min(data.Length, buffer.Length);
                data.Slice(0, count).CopyTo(buffer.Span);
                input.AdvanceTo(data.GetPosition(count));
                return count;
            }
            catch (Exception exception) when (IsServerFailure(exception, cancellationToken))
            {
                throw new IOException("The in-memory connection was closed by the server.", exception);
            }
            finally
            {
                lock (_gate)
                {
                    _reading = false;
                    if (_closed)
                    {
                        input.Complete();
                    }
                }
            }
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_closed, this);
                ThrowIfReset();
                _writing = true;
            }

            try
            {
                var result = await output.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (result.IsCanceled || result.IsCompleted)
                {
                    lock (_gate)
                    {
                        ThrowIfReset();
                    }

                    throw new IOException("The in-memory connection was closed by the server.");
                }
            }
            catch (Exception exception) when (IsServerFailure(exception, cancellationToken))
            {
                throw new IOException("The in-memory connection was closed by the server.", exception);
            }
            finally
            {
                lock (_gate)
                {
                    _writing = false;
                    if (_closed || _reset is not null)
                    {
                        CompleteOutput();
                    }
                }
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        // Each write is flushed to the pipe as it is made.
        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override void Flush()
        {
        }

        // SocketsHttpHandler's HTTP/2 is asynchronous; these exist for completeness.
        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        /// <summary>The server reset the connection: pending and later reads and writes fail, Kestrel's reads end.</summary>
        public void Reset(Exception reason)
        {
            lock (_gate)
            {
                if (_closed || _reset is not null)
                {
                    return;
                }

                _reset = reason;
                if (_reading)
                {
                    input.CancelPendingRead();
                }

                if (_writing)
                {
                    output.CancelPendingFlush();
                }
                else
                {
                    CompleteOutput();
                }
            }
        }

        /// <summary>The client closes the connection: the server reads the end of its input, then sees it closed.</summary>
        protected override void Dispose(bool disposing)
        {
            lock (_gate)
            {
                if (_closed)
                {
                    return;
                }

                _closed = true;
                if (_reading)
                {
                    input.CancelPendingRead();
                }
                else
                {
                    input.Complete();
                }

                if (_writing)
                {
                    output.CancelPendingFlush();
                }
                else
                {
                    CompleteOutput();
                }
            }

            connection.Closed();
            base.Dispose(disposing);
        }

        private void CompleteOutput()
        {
            if (!_outputCompleted)
            {
                _outputCompleted = true;
                output.Complete(_reset);
            }
        }

        /// <summary>
        /// An exception the server's end completed a pipe with (Kestrel's <see cref="ConnectionAbortedException"/> is an
        /// <see cref="OperationCanceledException"/>): the client sees it as a socket's error, an <see cref="IOException"/>.
        /// </summary>
        private static bool IsServerFailure(Exception exception, CancellationToken cancellationToken) =>
            exception is not IOException and not ObjectDisposedException
            && !(exception is OperationCanceledException && cancellationToken.IsCancellationRequested);

        private void ThrowIfReset()
        {
            if (_reset is not null)
            {
                throw new IOException("The in-memory connection was reset by the server.", _reset);
            }
        }
    }
}
