using Google.Protobuf;
using Grpc.Core;
using Grpc.Testing;
using GrpcServer;

namespace Interop;

/// <summary>
/// The handlers of <c>grpc.testing.TestService</c>, as the gRPC interop test cases expect them to behave.
/// <c>UnimplementedCall</c> has no handler on purpose: the server answers it <c>UNIMPLEMENTED</c>.
/// What a client can make them allocate is bounded (<see cref="InteropServer.MaxPayloadSize"/>), so that no request can exhaust the
/// server's memory: a request for more ends with <c>RESOURCE_EXHAUSTED</c>.
/// </summary>
internal static class TestServiceHandlers
{
    private const int MaxPayloadSize = InteropServer.MaxPayloadSize;

    private const string EchoInitialHeader = "x-grpc-test-echo-initial";
    private const string EchoTrailingHeader = "x-grpc-test-echo-trailing-bin";

    private static readonly WriteOptions s_uncompressed = new(WriteFlags.NoCompress);

    public static void AddTo(RpcServer server)
    {
        server.AddHandler("TestService", "EmptyCall", EmptyCall);
        server.AddHandler("TestService", "UnaryCall", UnaryCall);
        server.AddHandler("TestService", "CacheableUnaryCall", CacheableUnaryCall);
        server.AddHandler("TestService", "StreamingOutputCall", StreamingOutputCall);
        server.AddHandler("TestService", "StreamingInputCall", StreamingInputCall);
        server.AddHandler("TestService", "FullDuplexCall", FullDuplexCall);
        server.AddHandler("TestService", "HalfDuplexCall", HalfDuplexCall);
    }

    private static async Task<Empty> EmptyCall(Empty request, Context context)
    {
        await EchoMetadataAsync(context);
        context.WriteOptions = s_uncompressed;
        return new Empty();
    }

    private static async Task<SimpleResponse> UnaryCall(SimpleRequest request, Context context)
    {
        await EchoMetadataAsync(context);
        CheckCompressed(request.ExpectCompressed, context);
        EndWithStatusIfAsked(request.ResponseStatus, context);

        context.WriteOptions = CompressIf(request.ResponseCompressed);
        return new SimpleResponse { Payload = Zeros(request.ResponseSize, context) };
    }

    // For caching proxies: the response says it may be cached, and differs from call to call.
    private static async Task<SimpleResponse> CacheableUnaryCall(SimpleRequest request, Context context)
    {
        await EchoMetadataAsync(context, new Metadata { { "cache-control", "max-age=60, public" } });
        EndWithStatusIfAsked(request.ResponseStatus, context);

        context.WriteOptions = CompressIf(request.ResponseCompressed);
        var timestamp = DateTime.UtcNow.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new SimpleResponse { Payload = new Payload { Type = PayloadType.Compressable, Body = ByteString.CopyFromUtf8(timestamp) } };
    }

    private static async IAsyncEnumerable<StreamingOutputCallResponse> StreamingOutputCall(StreamingOutputCallRequest request, Context context)
    {
        await EchoMetadataAsync(context);
        EndWithStatusIfAsked(request.ResponseStatus, context);

        foreach (var parameters in request.ResponseParameters)
        {
            yield return await RespondAsync(parameters, context);
        }
    }

    private static async Task<StreamingInputCallResponse> StreamingInputCall(IAsyncEnumerable<StreamingInputCallRequest> requests, Context context)
    {
        await EchoMetadataAsync(context);

        // Nothing is kept, so any amount may be sent; only the sum must fit the response's int32.
        var size = 0L;
        await foreach (var request in requests)
        {
            CheckCompressed(request.ExpectCompressed, context);
            size += request.Payload?.Body.Length ?? 0;
            if (size > int.MaxValue)
            {
                context.Abort(StatusCode.ResourceExhausted, "The aggregated payload size is over 2 GB, more than the response can say.");
            }
        }

        context.WriteOptions = s_uncompressed;
        return new StreamingInputCallResponse { AggregatedPayloadSize = (int)size };
    }

    // Answers each request as it arrives.
    private static async IAsyncEnumerable<StreamingOutputCallResponse> FullDuplexCall(IAsyncEnumerable<StreamingOutputCallRequest> requests, Context context)
    {
        await EchoMetadataAsync(context);

        await foreach (var request in requests)
        {
            EndWithStatusIfAsked(request.ResponseStatus, context);
            foreach (var parameters in request.ResponseParameters)
            {
                yield return await RespondAsync(parameters, context);
            }
        }
    }

    // Reads every request first, then answers them in order.
    private static async IAsyncEnumerable<StreamingOutputCallResponse> HalfDuplexCall(IAsyncEnumerable<StreamingOutputCallRequest> requests, Context context)
    {
        await EchoMetadataAsync(context);

        var all = new List<StreamingOutputCallRequest>();
        var kept = 0L;
        await foreach (var request in requests)
        {
            kept += request.CalculateSize();
            if (kept > MaxPayloadSize)
            {
                context.Abort(StatusCode.ResourceExhausted, $"HalfDuplexCall keeps at most {MaxPayloadSize} bytes of requests before it answers.");
            }

            all.Add(request);
        }

        foreach (var request in all)
        {
            EndWithStatusIfAsked(request.ResponseStatus, context);
            foreach (var parameters in request.ResponseParameters)
            {
                yield return await RespondAsync(parameters, context);
            }
        }
    }

    /// <summary>Waits <c>interval_us</c>, then makes the response and sets whether it is compressed.</summary>
    private static async Task<StreamingOutputCallResponse> RespondAsync(ResponseParameters parameters, Context context)
    {
        if (parameters.IntervalUs > 0)
        {
            await Task.Delay(TimeSpan.FromMicroseconds(parameters.IntervalUs), context.CancellationToken);
        }

        context.WriteOptions = CompressIf(parameters.Compressed);
        return new StreamingOutputCallResponse { Payload = Zeros(parameters.Size, context) };
    }

    /// <summary>
    /// Echoes <c>x-grpc-test-echo-initial</c> into the response headers (sent now, with <paramref name="headers"/>)
    /// and <c>x-grpc-test-echo-trailing-bin</c> into the trailers.
    /// </summary>
    private static async Task EchoMetadataAsync(Context context, Metadata? headers = null)
    {
        if (context.RequestHeaders.Get(EchoInitialHeader) is { } initial)
        {
            (headers ??= new Metadata()).Add(initial);
        }

        if (headers is not null)
        {
            await context.WriteResponseHeadersAsync(headers);
        }

        if (context.RequestHeaders.Get(EchoTrailingHeader) is { } trailing)
        {
            context.ResponseTrailers.Add(trailing);
        }
    }

    /// <summary>Ends the call with <c>response_status</c> when the client set one.</summary>
    private static void EndWithStatusIfAsked(EchoStatus? status, Context context)
    {
        if (status is null || status.Code == 0)
        {
            return;
        }

        var code = Enum.IsDefined((StatusCode)status.Code) ? (StatusCode)status.Code : StatusCode.Unknown;
        context.Abort(code, status.Message);
    }

    /// <summary>Fails the call with <c>INVALID_ARGUMENT</c> when the client said it compressed the request and it did not.</summary>
    private static void CheckCompressed(BoolValue? expectCompressed, Context context)
    {
        if (expectCompressed?.Value != true)
        {
            return;
        }

        // grpc-encoding is not among ServerCallContext.RequestHeaders (grpc-dotnet keeps grpc-* headers to itself).
        var encoding = context.ServerCallContext.GetHttpContext().Request.Headers["grpc-encoding"].ToString();
        if (encoding is "" or "identity")
        {
            context.Abort(StatusCode.InvalidArgument, "Expected a compressed request, but it was not compressed.");
        }
    }

    /// <summary>The server compresses responses (gzip) unless a response is written with <see cref="WriteFlags.NoCompress"/>.</summary>
    private static WriteOptions? CompressIf(BoolValue? compressed) => compressed?.Value == true ? null : s_uncompressed;

    private static Payload Zeros(int size, Context context)
    {
        if (size < 0)
        {
            context.Abort(StatusCode.InvalidArgument, $"Response size {size} is negative.");
        }

        if (size > MaxPayloadSize)
        {
            context.Abort(StatusCode.ResourceExhausted, $"Response size {size} is over this server's limit of {MaxPayloadSize} bytes.");
        }

        return new Payload { Type = PayloadType.Compressable, Body = ByteString.CopyFrom(new byte[size]) };
    }
}
