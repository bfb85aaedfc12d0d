using System.Collections.Concurrent;
using System.Collections.ObjectModel;
using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using Helloworld;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using StatusCode = Grpc.Core.StatusCode;

namespace GrpcServer.Tests;

/// <summary>
/// OpenTelemetry's listeners are process-wide: these tests run alone, so that no other test's calls are measured.
/// </summary>
[CollectionDefinition(nameof(TelemetryTests), DisableParallelization = true)]
public sealed class TelemetryCollection;

/// <summary>
/// The server's spans and call-duration histogram, as the OpenTelemetry SDK sees them (in-memory exporters), with the
/// server serving itself (in memory) and hosted by an ASP.NET Core app (on a socket).
/// </summary>
[Collection(nameof(TelemetryTests))]
public sealed class TelemetryTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    public enum Hosting
    {
        /// <summary><see cref="RpcServer"/>'s own host (<see cref="TestServer"/>, in memory).</summary>
        Server,

        /// <summary>An ASP.NET Core app with <c>AddGrpcHandlers</c> (<see cref="HostedApp"/>, on 127.0.0.1).</summary>
        App,
    }

    /// <summary>The handler: an OK call, an aborted one, a failing one; what was current while it ran.</summary>
    private sealed class Greeter
    {
        public ConcurrentDictionary<string, Activity?> Current { get; } = new();

        public void AddTo(RpcServer server) => server.AddHandler(GreeterRpcs.SayHello, async (request, context) =>
        {
            Current[request.Name] = Activity.Current;
            await Task.Yield();
            return request.Name switch
            {
                "missing" => throw new AbortException(StatusCode.NotFound),
                "crash" => throw new InvalidOperationException("crash"),
                "wait" => await WaitForDeadline(context),
                _ => new HelloReply { Message = "Hello " + request.Name },
            };
        });

        private static async Task<HelloReply> WaitForDeadline(Context context)
        {
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
            return new HelloReply();
        }
    }

    [Theory]
    [InlineData(Hosting.Server)]
    [InlineData(Hosting.App)]
    public async Task Each_call_is_one_server_span_parented_from_the_client_traceparent_with_the_status_the_client_was_told(Hosting hosting)
    {
        using var telemetry = new Telemetry();
        var greeter = new Greeter();
        await using var server = await StartAsync(hosting, greeter.AddTo);
        var client = new Helloworld.Greeter.GreeterClient(server.Channel);

        var parent = new ClientSpan();
        var ok = await client.SayHelloAsync(new HelloRequest { Name = "ok" }, parent.Headers);
        var notFound = await Assert.ThrowsAsync<RpcException>(() => client.SayHelloAsync(new HelloRequest { Name = "missing" }, parent.Headers).ResponseAsync);
        var crashed = await Assert.ThrowsAsync<RpcException>(() => client.SayHelloAsync(new HelloRequest { Name = "crash" }, parent.Headers).ResponseAsync);
        var unimplemented = await Assert.ThrowsAsync<RpcException>(() => client.SayHelloAgainAsync(new HelloRequest(), parent.Headers).ResponseAsync);
        var spans = await telemetry.ServerSpansAsync(parent.TraceId, count: 4);
        var durations = telemetry.Durations();

        Assert.Equal("Hello ok", ok.Message);
        Assert.Equal((StatusCode.NotFound, StatusCode.Internal, StatusCode.Unimplemented), (notFound.StatusCode, crashed.StatusCode, unimplemented.StatusCode));
        foreach (var span in spans)
        {
            Assert.Equal(RpcServer.ActivitySourceName, span.Source.Name);
            Assert.Equal(ActivityKind.Server, span.Kind);
            Assert.Equal(parent.SpanId, span.ParentSpanId);
            Assert.Equal("grpc", span.GetTagItem("rpc.system"));
            Assert.Equal("helloworld.Greeter", span.GetTagItem("rpc.service"));
        }

        Assert.Equal(
            [
                ("helloworld.Greeter/SayHello", "SayHello", 0, ActivityStatusCode.Unset),
                ("helloworld.Greeter/SayHello", "SayHello", 5, ActivityStatusCode.Unset),
                ("helloworld.Greeter/SayHello", "SayHello", 13, ActivityStatusCode.Error),
                ("helloworld.Greeter/SayHelloAgain", "SayHelloAgain", 12, ActivityStatusCode.Error),
            ],
            spans.Select(s => (s.DisplayName, (string?)s.GetTagItem("rpc.method"), (int)s.GetTagItem("rpc.grpc.status_code")!, s.Status)));

        // The handler ran inside its call's span, so that its own spans and logs belong to the call.
        Assert.Equal(spans[0].SpanId, greeter.Current["ok"]?.SpanId);

        Assert.Equal("ms", durations.Unit);
        Assert.Equal(
            [("SayHello", 0, 1L), ("SayHello", 5, 1L), ("SayHello", 13, 1L), ("SayHelloAgain", 12, 1L)],
            durations.Points.Select(p => (p.Method, p.StatusCode, p.Count)).Order());
        Assert.All(durations.Points, p =>
        {
            Assert.Equal(("grpc", "helloworld.Greeter"), (p.System, p.Service));
            Assert.Equal([5, 10, 25, 50, 75, 100, 250, 500, 750, 1_000, 2_500, 5_000, 7_500, 10_000, double.PositiveInfinity], p.Bounds);
        });
    }

    [Fact]
    public async Task A_call_ended_by_its_deadline_is_measured_with_DEADLINE_EXCEEDED()
    {
        using var telemetry = new Telemetry();
        await using var server = await StartAsync(Hosting.Server, new Greeter().AddTo);

        var parent = new ClientSpan();
        var error = await Assert.ThrowsAsync<RpcException>(() => new Helloworld.Greeter.GreeterClient(server.Channel)
            .SayHelloAsync(new HelloRequest { Name = "wait" }, parent.Headers, deadline: DateTime.UtcNow.AddMilliseconds(200)).ResponseAsync.WaitAsync(s_timeout));
        var span = Assert.Single(await telemetry.ServerSpansAsync(parent.TraceId, count: 1));

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.Equal((int)StatusCode.DeadlineExceeded, span.GetTagItem("rpc.grpc.status_code"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal([((int)StatusCode.DeadlineExceeded, 1L)], telemetry.Durations().Points.Select(p => (p.StatusCode, p.Count)));
    }

    [Fact]
    public async Task A_call_refused_before_its_handler_runs_is_measured_too()
    {
        using var telemetry = new Telemetry();
        var greeter = new Greeter();
        await using var server = await TestServer.StartAsync(greeter.AddTo, o => o.MaxReceiveMessageSize = 64);

        var parent = new ClientSpan();
        var error = await Assert.ThrowsAsync<RpcException>(() => new Helloworld.Greeter.GreeterClient(server.Channel)
            .SayHelloAsync(new HelloRequest { Name = new string('x', 1024) }, parent.Headers).ResponseAsync);
        var span = Assert.Single(await telemetry.ServerSpansAsync(parent.TraceId, count: 1));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Empty(greeter.Current);
        Assert.Equal((int)StatusCode.ResourceExhausted, span.GetTagItem("rpc.grpc.status_code"));
        Assert.Equal([((int)StatusCode.ResourceExhausted, 1L)], telemetry.Durations().Points.Select(p => (p.StatusCode, p.Count)));
    }

    [Theory]
    [InlineData(Hosting.Server)]
    [InlineData(Hosting.App)]
    public async Task ASP_NET_Cores_request_span_when_recorded_is_the_calls_one_span(Hosting hosting)
    {
        using var telemetry = new Telemetry("Microsoft.AspNetCore");
        var greeter = new Greeter();
        await using var server = await StartAsync(hosting, greeter.AddTo);

        var parent = new ClientSpan();
        await new Helloworld.Greeter.GreeterClient(server.Channel).SayHelloAsync(new HelloRequest { Name = "ok" }, parent.Headers);
        var span = Assert.Single(await telemetry.ServerSpansAsync(parent.TraceId, count: 1));

        Assert.Equal("Microsoft.AspNetCore", span.Source.Name);
        Assert.Equal("helloworld.Greeter/SayHello", span.DisplayName);
        Assert.Equal(parent.SpanId, span.ParentSpanId);
        Assert.Equal(("grpc", "helloworld.Greeter", "SayHello", 0), (span.GetTagItem("rpc.system"), span.GetTagItem("rpc.service"), span.GetTagItem("rpc.method"), span.GetTagItem("rpc.grpc.status_code")));
        Assert.Same(span, greeter.Current["ok"]);
        Assert.DoesNotContain(telemetry.Spans(), s => s.Source.Name == RpcServer.ActivitySourceName);
    }

    [Fact]
    public async Task Nobody_listening_means_no_span()
    {
        var greeter = new Greeter();
        await using var server = await StartAsync(Hosting.Server, greeter.AddTo);

        await new Helloworld.Greeter.GreeterClient(server.Channel).SayHelloAsync(new HelloRequest { Name = "ok" });

        Assert.NotEqual(RpcServer.ActivitySourceName, greeter.Current["ok"]?.Source.Name);
    }

    private static async Task<Served> StartAsync(Hosting hosting, Action<RpcServer> addHandlers)
    {
        if (hosting == Hosting.Server)
        {
            var server = await TestServer.StartAsync(addHandlers);
            return new Served(server.Channel, server);
        }

        var app = await HostedApp.StartAsync(addHandlers);
        return new Served(app.Channel, app);
    }

    private sealed class Served(GrpcChannel channel, IAsyncDisposable owner) : IAsyncDisposable
    {
        public GrpcChannel Channel => channel;

        public ValueTask DisposeAsync() => owner.DisposeAsync();
    }

    /// <summary>The span of a client elsewhere, sampled, that sends itself as the calls' <c>traceparent</c> header.</summary>
    private sealed class ClientSpan
    {
        public ActivityTraceId TraceId { get; } = ActivityTraceId.CreateRandom();

        public ActivitySpanId SpanId { get; } = ActivitySpanId.CreateRandom();

        public Metadata Headers => new() { { "traceparent", $"00-{TraceId}-{SpanId}-01" } };
    }

    /// <summary>A point of the <c>rpc.server.duration</c> histogram.</summary>
    private sealed record DurationPoint(string? System, string? Service, string? Method, int StatusCode, long Count, double[] Bounds);

    /// <summary>
    /// OpenTelemetry's SDK with in-memory exporters, listening to the server's source and meter (and any other sources
    /// named).
    /// </summary>
    private sealed class Telemetry : IDisposable
    {
        private readonly SignallingCollection<Activity> _spans = new();
        private readonly List<MetricSnapshot> _metrics = [];
        private readonly TracerProvider _tracing;
        private readonly MeterProvider _metering;

        public Telemetry(params string[] moreSources)
        {
            _tracing = Sdk.CreateTracerProviderBuilder()
                .AddSource(RpcServer.ActivitySourceName)
                .AddSource(moreSources)
                .SetSampler(new AlwaysOnSampler())
                .AddInMemoryExporter(_spans)
                .Build();
            _metering = Sdk.CreateMeterProviderBuilder()
                .AddMeter(RpcServer.MeterName)
                .AddInMemoryExporter(_metrics)
                .Build();
        }

        public IReadOnlyList<Activity> Spans() => _spans.Snapshot();

        /// <summary>The server spans of a trace, in the order they started, once <paramref name="count"/> have ended.</summary>
        public async Task<IReadOnlyList<Activity>> ServerSpansAsync(ActivityTraceId traceId, int count)
        {
            using var timeout = new CancellationTokenSource(s_timeout);
            while (true)
            {
                var spans = _spans.Snapshot().Where(s => s.TraceId == traceId && s.Kind == ActivityKind.Server).ToList();
                if (spans.Count >= count)
                {
                    return [.. spans.OrderBy(s => s.StartTimeUtc)];
                }

                await _spans.Added.WaitAsync(timeout.Token);
            }
        }

        public (string? Unit, IReadOnlyList<DurationPoint> Points) Durations()
        {
            _metering.ForceFlush();
            var metric = _metrics.Last(m => m.Name == "rpc.server.duration");
            var points = new List<DurationPoint>();
            foreach (var point in metric.MetricPoints)
            {
                var tags = new Dictionary<string, object?>();
                foreach (var tag in point.Tags)
                {
                    tags[tag.Key] = tag.Value;
                }

                var bounds = new List<double>();
                foreach (var bucket in point.GetHistogramBuckets())
                {
                    bounds.Add(bucket.ExplicitBound);
                }

                points.Add(new DurationPoint(
                    tags["rpc.system"] as string, tags["rpc.service"] as string, tags["rpc.method"] as string,
                    (int)tags["rpc.grpc.status_code"]!, point.GetHistogramCount(), [.. bounds]));
            }

            return (metric.Unit, points);
        }

        public void Dispose()
        {
            _tracing.Dispose();
            _metering.Dispose();
        }
    }

    /// <summary>The exporter's collection: thread-safe, and it tells waiters when an item is added.</summary>
    private sealed class SignallingCollection<T> : Collection<T>
    {
        public SemaphoreSlim Added { get; } = new(0);

        public IReadOnlyList<T> Snapshot()
        {
            lock (Items)
            {
                return [.. Items];
            }
        }

        protected override void InsertItem(int index, T item)
        {
            lock (Items)
            {
                base.InsertItem(index, item);
            }

            Added.Release();
        }
    }
}
