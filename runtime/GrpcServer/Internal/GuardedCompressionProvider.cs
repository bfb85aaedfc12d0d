using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using Grpc.AspNetCore.Server;
using Grpc.Net.Compression;

namespace GrpcServer.Internal;

/// <summary>
/// A compression provider that decompresses requests as the one it wraps does, but refuses what a client must not be
/// able to do to the server: corrupt compressed bytes end the call with <c>INTERNAL</c> (grpc-dotnet would answer
/// <c>UNKNOWN</c> and log an error, and a streaming handler would see an exception of its own), and a message that
/// decompresses to more than the maximum message size ends it with <c>RESOURCE_EXHAUSTED</c> before it is all in
/// memory (grpc-dotnet checks only the compressed size, so a small gzip bomb could make it allocate gigabytes).
/// Compressing responses is left as it is.
/// </summary>
internal sealed class GuardedCompressionProvider(ICompressionProvider inner, int? maxMessageSize) : ICompressionProvider
{
    public string EncodingName => inner.EncodingName;

    public Stream CreateCompressionStream(Stream stream, CompressionLevel? compressionLevel) =>
        inner.CreateCompressionStream(stream, compressionLevel);

    public Stream CreateDecompressionStream(Stream stream) =>
        new GuardedStream(inner.CreateDecompressionStream(stream), inner.EncodingName, maxMessageSize);

    /// <summary>Guards every compression provider of a gRPC service's options (once; guarded ones are left alone).</summary>
    public static void GuardAll(GrpcServiceOptions options)
    {
        var guarded = new List<ICompressionProvider>(options.CompressionProviders.Count);
        foreach (var provider in options.CompressionProviders)
        {
            guarded.Add(provider is GuardedCompressionProvider ? provider : new GuardedCompressionProvider(provider, options.MaxReceiveMessageSize));
        }

        // A new list: grpc-dotnet hands the same list to every service's options.
        options.CompressionProviders = guarded;
    }

    private sealed class GuardedStream(Stream decompressing, string encoding, int? limit) : Stream
    {
        private long _total;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int read;
            try
            {
                read = decompressing.Read(buffer);
            }
            catch (InvalidDataException exception)
            {
                throw ClientProtocolException.CorruptCompression(encoding, exception);
            }

            _total += read;
            if (limit is { } max && _total > max)
            {
                throw ClientProtocolException.DecompressedTooLarge(max);
            }

            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                decompressing.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
