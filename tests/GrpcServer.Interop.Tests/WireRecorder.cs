using System.Collections.Concurrent;
using System.Net;

namespace GrpcServer.Interop.Tests;

/// <summary>
/// Sits between Grpc.Net.Client and the socket and records what crosses the wire per call: the
/// <c>grpc-encoding</c> header each way and the compressed flag of every message frame each way. The bytes pass
/// through unchanged, as they arrive (streams stay streams).
/// </summary>
internal sealed class WireRecorder : DelegatingHandler
{
    private readonly ConcurrentQueue<RecordedCall> _calls = new();

    public WireRecorder(HttpMessageHandler inner)
        : base(inner)
    {
    }

    /// <summary>The calls to <paramref name="method"/>, such as <c>/grpc.testing.TestService/UnaryCall</c>, in the order they started.</summary>
    public IReadOnlyList<RecordedCall> CallsTo(string method) => [.. _calls.Where(call => call.Method == method)];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var call = new RecordedCall(request.RequestUri!.AbsolutePath, Header(request.Headers, "grpc-encoding"));
        _calls.Enqueue(call);
        if (request.Content is { } requestContent)
        {
            request.Content = new RecordingContent(requestContent, call.RequestFrames);
        }

        var response = await base.SendAsync(request, cancellationToken);
        call.ResponseEncoding = Header(response.Headers, "grpc-encoding");
        response.Content = new RecordingContent(response.Content, call.ResponseFrames);
        return response;
    }

    private static string? Header(System.Net.Http.Headers.HttpHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    /// <summary>A content that parses the gRPC message frames of another as they are read or written.</summary>
    private sealed class RecordingContent : HttpContent
    {
        private readonly HttpContent _inner;
        private readonly FrameParser _parser;

        public RecordingContent(HttpContent inner, ConcurrentQueue<bool> frames)
        {
            _inner = inner;
            _parser = new FrameParser(frames);
            foreach (var header in inner.Headers)
            {
                Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        protected override async Task<Stream> CreateContentReadStreamAsync() =>
            new RecordingStream(await _inner.ReadAsStreamAsync(), _parser, ownsInner: true);

        protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
            new RecordingStream(await _inner.ReadAsStreamAsync(cancellationToken), _parser, ownsInner: true);

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            _inner.CopyToAsync(new RecordingStream(stream, _parser, ownsInner: false), context);

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
            _inner.CopyToAsync(new RecordingStream(stream, _parser, ownsInner: false), context, cancellationToken);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>Passes reads and writes through to another stream, feeding the bytes to a <see cref="FrameParser"/>.</summary>
    private sealed class RecordingStream(Stream inner, FrameParser parser, bool ownsInner) : Stream
    {
        public override bool CanRead => inner.CanRead;

        public override bool CanSeek => false;

        public override bool CanWrite => inner.CanWrite;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var read = inner.Read(buffer);
            parser.Feed(buffer[..read]);
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            parser.Feed(buffer.Span[..read]);
            return read;
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            parser.Feed(buffer);
            inner.Write(buffer);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            parser.Feed(buffer.Span);
            return inner.WriteAsync(buffer, cancellationToken);
        }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing && ownsInner)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>
    /// Follows the gRPC length-prefixed message framing (1 byte compressed flag, 4 bytes big-endian length, the
    /// message) across arbitrary chunks and records each frame's compressed flag.
    /// </summary>
    private sealed class FrameParser(ConcurrentQueue<bool> frames)
    {
        private readonly Lock _lock = new();
        private int _headerBytes;
        private byte _flag;
        private uint _length;
        private long _remaining;

        public void Feed(ReadOnlySpan<byte> data)
        {
            lock (_lock)
            {
                while (!data.IsEmpty)
                {
                    if (_remaining > 0)
                    {
                        var skip = (int)Math.Min(_remaining, data.Length);
                        _remaining -= skip;
                        data = data[skip..];
                        continue;
                    }

                    var b = data[0];
                    data = data[1..];
                    if (_headerBytes == 0)
                    {
                        _flag = b;
                    }
                    else
                    {
                        _length = (_length << 8) | b;
                    }

                    if (++_headerBytes == 5)
                    {
                        frames.Enqueue(_flag != 0);
                        _remaining = _length;
                        _headerBytes = 0;
                        _length = 0;
                    }
                }
            }
        }
    }
}

/// <summary>What <see cref="WireRecorder"/> saw of one call.</summary>
/// <param name="Method">The path, such as <c>/grpc.testing.TestService/UnaryCall</c>.</param>
/// <param name="RequestEncoding">The request's <c>grpc-encoding</c> header, if any.</param>
internal sealed record RecordedCall(string Method, string? RequestEncoding)
{
    /// <summary>The response's <c>grpc-encoding</c> header, if any.</summary>
    public string? ResponseEncoding { get; set; }

    /// <summary>Whether each request message was sent compressed, in order.</summary>
    public ConcurrentQueue<bool> RequestFrames { get; } = new();

    /// <summary>Whether each response message arrived compressed, in order.</summary>
    public ConcurrentQueue<bool> ResponseFrames { get; } = new();
}
