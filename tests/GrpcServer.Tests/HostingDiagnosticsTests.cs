using System.Diagnostics;
using Grpc.Core;
using Helloworld;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace GrpcServer.Tests;

/// <summary>
/// ASP.NET Core's per-request hosting diagnostics (a request Activity and logging scope) cost every call about 1 KB
/// when its log category is enabled, so RpcServer's own host turns that category off; an Activity is still started
/// for whoever listens. Not run in parallel with other tests: an ActivityListener is process-wide.
/// </summary>
[Collection(nameof(HostingDiagnosticsTests))]
public sealed class HostingDiagnosticsTests
{
    private const string AspNetCoreSource = "Microsoft.AspNetCore";

    [Fact]
    public async Task Default_options_start_no_request_Activity_when_nobody_listens()
    {
        var (activity, _) = await CallAsync(headers: null);

        Assert.Null(activity);
    }

    [Fact]
    public async Task A_listener_gets_the_request_Activity_parented_from_traceparent()
    {
        var sampled = 0;
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == AspNetCoreSource,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStarted = _ => Interlocked.Increment(ref sampled),
        };
        ActivitySource.AddActivityListener(listener);
        var traceId = ActivityTraceId.CreateRandom();
        var parentSpanId = ActivitySpanId.CreateRandom();

        var (activity, current) = await CallAsync(new Metadata { { "traceparent", $"00-{traceId}-{parentSpanId}-01" } });

        Assert.NotNull(activity);
        Assert.Equal(traceId, activity.TraceId);
        Assert.Equal(parentSpanId, activity.ParentSpanId);
        Assert.Equal(traceId, current?.TraceId);
        Assert.True(sampled > 0);
    }

    [Fact]
    public async Task Configuration_turns_the_hosting_category_back_on()
    {
        var (activity, _) = await CallAsync(headers: null, args: ["--Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics=Warning"]);

        Assert.NotNull(activity);
    }

    /// <summary>Calls a server with default options (LogLevel Information); returns the request's hosting Activity
    /// and <see cref="Activity.Current"/> as the handler saw them.</summary>
    private static async Task<(Activity? Hosting, Activity? Current)> CallAsync(Metadata? headers, string[]? args = null)
    {
        Activity? hosting = null;
        Activity? current = null;
        await using var server = await TestServer.StartAsync(
            s => s.AddHandler("Greeter", "SayHello", (HelloRequest request, Context context) =>
            {
                hosting = context.ServerCallContext.GetHttpContext().Features.Get<IHttpActivityFeature>()?.Activity;
                current = Activity.Current;
                return new HelloReply();
            }),
            options =>
            {
                options.LogLevel = LogLevel.Information;
                options.Args = args;
            });

        await new Greeter.GreeterClient(server.Channel).SayHelloAsync(new HelloRequest(), headers);
        return (hosting, current);
    }
}

[CollectionDefinition(nameof(HostingDiagnosticsTests), DisableParallelization = true)]
public sealed class HostingDiagnosticsCollection;
