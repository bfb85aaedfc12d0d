using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;

namespace GrpcServer.Internal;

/// <summary>
/// One server's instruments on the <see cref="RpcServer.MeterName"/> meter: its per-RPC statistics as observable
/// counters, read when a listener collects, so that calls pay nothing for them; and the call-duration histogram
/// <c>rpc.server.duration</c>, which <see cref="RpcTelemetry"/> records into only while a listener has enabled it.
/// Disposing removes the server's instruments.
/// </summary>
internal sealed class RpcMetrics : IDisposable
{
    /// <summary>
    /// The bucket boundaries OpenTelemetry's semantic conventions recommend for an RPC server's call duration
    /// (those of <c>rpc.server.call.duration</c>, 5 ms to 10 s), in this histogram's unit, milliseconds.
    /// </summary>
    internal static readonly double[] DurationBucketBoundaries = [5, 10, 25, 50, 75, 100, 250, 500, 750, 1_000, 2_500, 5_000, 7_500, 10_000];

    private readonly Meter _meter = new(RpcServer.MeterName);
    private readonly Histogram<double> _duration;

    public RpcMetrics(HandlerRegistry registry)
    {
        _meter.CreateObservableCounter("grpcserver.rpc.successful", () => Measure(registry, static s => s.Successful), "{call}", "Calls that completed successfully.");
        _meter.CreateObservableCounter("grpcserver.rpc.failed", () => Measure(registry, static s => s.Failed), "{call}", "Calls that ended with an error status.");
        _meter.CreateObservableCounter("grpcserver.rpc.messages_received", () => Measure(registry, static s => s.MessagesReceived), "{message}", "Request messages read.");
        _meter.CreateObservableCounter("grpcserver.rpc.messages_sent", () => Measure(registry, static s => s.MessagesSent), "{message}", "Response messages written.");
        _duration = _meter.CreateHistogram(
            "rpc.server.duration", "ms", "Measures the duration of inbound RPC.", tags: null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBucketBoundaries });
    }

    /// <summary>The span and duration of each call of one RPC, recorded on this server's histogram.</summary>
    public RpcTelemetry TelemetryFor(Grpc.Core.IMethod rpc) => new(rpc, _duration);

    public void Dispose() => _meter.Dispose();

    private static IEnumerable<Measurement<long>> Measure(HandlerRegistry registry, Func<RpcStatistics, long> value)
    {
        foreach (var statistics in registry.Snapshot())
        {
            yield return new Measurement<long>(value(statistics), new KeyValuePair<string, object?>("rpc", statistics.Rpc));
        }
    }
}
