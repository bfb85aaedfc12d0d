using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Threading.Tasks;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace GrpcServer.Internal;

/// <summary>
/// The span and the <c>rpc.server.duration</c> measurement of each call of one RPC on one server, with OpenTelemetry's
/// semantic-convention attributes (<c>rpc.system</c>, <c>rpc.service</c>, <c>rpc.method</c>, <c>rpc.grpc.status_code</c>).
/// </summary>
/// <remarks>
/// <para>
/// It wraps the request delegate of the RPC's endpoint (<see cref="Observe"/>), so that a call is observed from the
/// moment its request reaches grpc-dotnet until grpc-dotnet has set the status: calls that end before the handler runs
/// (a deadline already passed, a request too large or malformed) are measured too, and the status recorded is the one
/// the client was told. While nobody listens to the <see cref="RpcServer.ActivitySourceName"/> source or the duration
/// histogram, a call costs the two flag reads and nothing else.
/// </para>
/// <para>
/// One span per RPC. When ASP.NET Core's own request activity is recorded (someone exports HTTP server spans, such as
/// OpenTelemetry's ASP.NET Core instrumentation), that span is the RPC's: it gets the RPC's name and attributes and no
/// second span is started. Otherwise the RPC's span is started here, parented from the request's <c>traceparent</c>
/// (ASP.NET Core's unrecorded activity is passed over: it is never exported, so the trace would have a hole), or from a
/// recorded activity that middleware started around the call.
/// </para>
/// </remarks>
internal sealed class RpcTelemetry
{
    private const string AspNetCoreSourceName = "Microsoft.AspNetCore";
    private const string AspNetCoreActivityName = "Microsoft.AspNetCore.Hosting.HttpRequestIn";
    private const string StatusCodeTag = "rpc.grpc.status_code";

    private static readonly ActivitySource s_source = new(RpcServer.ActivitySourceName, typeof(RpcServer).Assembly.GetName().Version?.ToString());

    // Boxed once, so that tagging a call with its status allocates nothing.
    private static readonly object[] s_statusCodes = CreateStatusCodes();

    private static readonly DistributedContextPropagator.PropagatorGetterCallback s_getHeader =
        static (object? carrier, string name, out string? value, out IEnumerable<string>? values) =>
        {
            values = null;
            value = null;
            if (((IHeaderDictionary)carrier!).TryGetValue(name, out var header))
            {
                if (header.Count == 1)
                {
                    value = header[0];
                }
                else
                {
                    values = header;
                }
            }
        };

    private readonly Histogram<double> _duration;
    private readonly string _spanName;
    private readonly KeyValuePair<string, object?>[] _tags;

    public RpcTelemetry(IMethod method, Histogram<double> duration)
    {
        _duration = duration;
        _spanName = method.ServiceName + "/" + method.Name;
        _tags = [new("rpc.system", "grpc"), new("rpc.service", method.ServiceName), new("rpc.method", method.Name)];
    }

    /// <summary>
    /// Observes every call of the RPC endpoints of a server's handlers: wraps each endpoint's request delegate, once,
    /// when the app builds its endpoints. Endpoints without an RPC (grpc-dotnet's unimplemented-method ones) are left
    /// alone, so that no client-chosen path becomes a span name or a metric attribute.
    /// </summary>
    /// <param name="endpoints">The endpoints of the server's handlers.</param>
    /// <param name="metrics">The server's instruments.</param>
    public static void Observe(IEndpointConventionBuilder endpoints, RpcMetrics metrics) =>
        endpoints.Add(endpoint =>
        {
            foreach (var metadata in endpoint.Metadata)
            {
                if (metadata is GrpcMethodMetadata rpc && endpoint.RequestDelegate is { } call)
                {
                    endpoint.RequestDelegate = metrics.TelemetryFor(rpc.Method).Wrap(call);
                    return;
                }
            }
        });

    private RequestDelegate Wrap(RequestDelegate call) =>
        http => _duration.Enabled || s_source.HasListeners() ? ObserveAsync(http, call) : call(http);

    private async Task ObserveAsync(HttpContext http, RequestDelegate call)
    {
        var started = Stopwatch.GetTimestamp();
        var (activity, owned) = StartActivity(http);
        try
        {
            // The call runs with the RPC's span current, so that the handler's own spans and logs belong to it; being
            // an async method, this one gives its caller back the activity it had.
            await call(http).ConfigureAwait(false);
        }
        finally
        {
            var code = Sent(http);
            var boxed = (uint)code < (uint)s_statusCodes.Length ? s_statusCodes[(int)code] : (int)code;
            if (_duration.Enabled)
            {
                var tags = new TagList(_tags.AsSpan()) { { StatusCodeTag, boxed } };
                _duration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, in tags);
            }

            if (activity is not null)
            {
                if (activity.IsAllDataRequested)
                {
                    activity.SetTag(StatusCodeTag, boxed);
                }

                if (IsServerError(code))
                {
                    activity.SetStatus(ActivityStatusCode.Error);
                }

                if (owned)
                {
                    activity.Stop();
                }
            }
        }
    }

    /// <summary>The RPC's span, and whether it is ours to stop; none when nobody listens to our source or samples it.</summary>
    private (Activity? Activity, bool Owned) StartActivity(HttpContext http)
    {
        if (!s_source.HasListeners())
        {
            return (null, false);
        }

        var current = Activity.Current;
        if (current is { IsAllDataRequested: true, OperationName: AspNetCoreActivityName } && current.Source.Name == AspNetCoreSourceName)
        {
            // ASP.NET Core's recorded span of this request becomes the RPC's span: one span per RPC, not two.
            current.DisplayName = _spanName;
            foreach (var tag in _tags)
            {
                current.SetTag(tag.Key, tag.Value);
            }

            return (current, false);
        }

        ActivityContext parent = default;
        if (current is not { IsAllDataRequested: true } || current.Source.Name.Length == 0)
        {
            // Nothing recorded encloses the call: the parent is the client's span, from the traceparent header, or
            // none. An unrecorded activity (ASP.NET Core's, when nobody records it) must not stay current, or it would
            // become a parent that is never exported.
            parent = RemoteParent(http.Request.Headers);
            if (current is not null)
            {
                Activity.Current = null;
            }
        }

        var activity = s_source.StartActivity(_spanName, ActivityKind.Server, parent, _tags);
        if (activity is null && current is not null)
        {
            // Sampled out: the handler keeps the activity it would have had, for its logs' trace id.
            Activity.Current = current;
        }

        return (activity, activity is not null);
    }

    private static ActivityContext RemoteParent(IHeaderDictionary headers)
    {
        DistributedContextPropagator.Current.ExtractTraceIdAndState(headers, s_getHeader, out var traceParent, out var traceState);
        return ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var context) ? context : default;
    }

    /// <summary>
    /// The status the client was told: the <c>grpc-status</c> grpc-dotnet set in the trailers or, for a trailers-only
    /// response, the headers; the call's own status when neither was set. A call cancelled once its deadline had
    /// passed ended, for the client, with DEADLINE_EXCEEDED: a gRPC client enforces the deadline itself, whatever the
    /// server then writes on the reset stream.
    /// </summary>
    private static StatusCode Sent(HttpContext http)
    {
        const string Header = "grpc-status";
        var call = http.Features.Get<IServerCallContextFeature>()?.ServerCallContext;
        var trailers = http.Features.Get<IHttpResponseTrailersFeature>()?.Trailers;
        var code = ((trailers is not null && trailers.TryGetValue(Header, out var value)) || http.Response.Headers.TryGetValue(Header, out value))
            && int.TryParse(value.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var sent)
                ? (StatusCode)sent
                : call?.Status.StatusCode ?? StatusCode.Unknown;
        return code == StatusCode.Cancelled && call is not null && call.Deadline <= DateTime.UtcNow ? StatusCode.DeadlineExceeded : code;
    }

    private static object[] CreateStatusCodes()
    {
        var codes = new object[(int)StatusCode.Unauthenticated + 1];
        for (var code = 0; code < codes.Length; code++)
        {
            codes[code] = code;
        }

        return codes;
    }

    /// <summary>The codes OpenTelemetry's gRPC conventions mark as a server span's error.</summary>
    private static bool IsServerError(StatusCode code) => code is StatusCode.Unknown or StatusCode.DeadlineExceeded
        or StatusCode.Unimplemented or StatusCode.Internal or StatusCode.Unavailable or StatusCode.DataLoss;
}
