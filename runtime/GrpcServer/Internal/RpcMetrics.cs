using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;

namespace GrpcServer.Internal;

/// <summary>
/// Publishes one server's per-RPC statistics as observable counters on the <see cref="RpcServer.MeterName"/> meter.
/// They are read when a listener collects, so calls pay nothing for them; disposing removes the server's instruments.
/// </summary>
internal sealed class RpcMetrics : IDisposable
{
    private readonly Meter _meter = new(RpcServer.MeterName);

    public RpcMetrics(HandlerRegistry registry)
    {
        _meter.CreateObservableCounter("grpcserver.rpc.successful", () => Measure(registry, static s => s.Successful), "{call}", "Calls that completed successfully.");
        _meter.CreateObservableCounter("grpcserver.rpc.failed", () => Measure(registry, static s => s.Failed), "{call}", "Calls that ended with an error status.");
        _meter.CreateObservableCounter("grpcserver.rpc.messages_received", () => Measure(registry, static s => s.MessagesReceived), "{message}", "Request messages read.");
        _meter.CreateObservableCounter("grpcserver.rpc.messages_sent", () => Measure(registry, static s => s.MessagesSent), "{message}", "Response messages written.");
    }

    public void Dispose() => _meter.Dispose();

    private static IEnumerable<Measurement<long>> Measure(HandlerRegistry registry, Func<RpcStatistics, long> value)
    {
        foreach (var statistics in registry.Snapshot())
        {
            yield return new Measurement<long>(value(statistics), new KeyValuePair<string, object?>("rpc", statistics.Rpc));
        }
    }
}
