using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Threading;

namespace GrpcServer.Internal;

/// <summary>
/// The statistics of one RPC on one server: plain interlocked counters for <see cref="RpcServer.GetStatistics"/>,
/// mirrored to <see cref="Meter"/> instruments, which cost nothing more while no listener is attached.
/// </summary>
internal sealed class RpcCounters(string rpc)
{
    private static readonly Meter s_meter = new(RpcServer.MeterName);
    private static readonly Counter<long> s_successful = s_meter.CreateCounter<long>("grpcserver.rpc.successful", "{call}", "Calls that completed successfully.");
    private static readonly Counter<long> s_failed = s_meter.CreateCounter<long>("grpcserver.rpc.failed", "{call}", "Calls that ended with an error status.");
    private static readonly Counter<long> s_received = s_meter.CreateCounter<long>("grpcserver.rpc.messages_received", "{message}", "Request messages read.");
    private static readonly Counter<long> s_sent = s_meter.CreateCounter<long>("grpcserver.rpc.messages_sent", "{message}", "Response messages written.");

    private readonly KeyValuePair<string, object?> _tag = new("rpc", rpc);
    private long _successful;
    private long _failed;
    private long _received;
    private long _sent;

    public string Rpc => rpc;

    public void Successful()
    {
        Interlocked.Increment(ref _successful);
        s_successful.Add(1, _tag);
    }

    public void Failed()
    {
        Interlocked.Increment(ref _failed);
        s_failed.Add(1, _tag);
    }

    public void Received()
    {
        Interlocked.Increment(ref _received);
        s_received.Add(1, _tag);
    }

    public void Sent()
    {
        Interlocked.Increment(ref _sent);
        s_sent.Add(1, _tag);
    }

    public RpcStatistics Snapshot() => new(
        rpc,
        Interlocked.Read(ref _successful),
        Interlocked.Read(ref _failed),
        Interlocked.Read(ref _received),
        Interlocked.Read(ref _sent));
}
