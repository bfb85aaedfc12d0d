using System;
using System.Threading;

namespace GrpcServer.Internal;

/// <summary>
/// The statistics of one RPC on one server: plain interlocked counters, read by
/// <see cref="RpcServer.GetStatistics"/> and by the observable instruments of <see cref="RpcMetrics"/>, so that a call
/// pays two increments (its start and its outcome) and no metrics call. A unary call's messages follow from its
/// outcome (a handler that ran read one request; a successful call wrote one response), so only streaming calls count
/// messages one by one.
/// </summary>
internal sealed class RpcCounters(string rpc, bool unary)
{
    private long _started;
    private long _successful;
    private long _failed;
    private long _received;
    private long _sent;

    public string Rpc => rpc;

    /// <summary>A call of a handler began; it ends as <see cref="Successful"/> or <see cref="Failed"/>.</summary>
    public void Started() => Interlocked.Increment(ref _started);

    public void Successful() => Interlocked.Increment(ref _successful);

    public void Failed() => Interlocked.Increment(ref _failed);

    /// <summary>A request message read by a streaming call.</summary>
    public void Received() => Interlocked.Increment(ref _received);

    /// <summary>A response message written by a streaming call.</summary>
    public void Sent() => Interlocked.Increment(ref _sent);

    /// <summary>
    /// The calls that began and have not ended. Ends are read before starts, so the result is never below the truth;
    /// an RPC without a handler fails its calls without starting them, hence never less than zero.
    /// </summary>
    public long InFlight()
    {
        var ended = Interlocked.Read(ref _successful) + Interlocked.Read(ref _failed);
        return Math.Max(0, Interlocked.Read(ref _started) - ended);
    }

    public RpcStatistics Snapshot()
    {
        var successful = Interlocked.Read(ref _successful);
        var failed = Interlocked.Read(ref _failed);
        return unary
            ? new RpcStatistics(rpc, successful, failed, MessagesReceived: successful + failed, MessagesSent: successful)
            : new RpcStatistics(rpc, successful, failed, Interlocked.Read(ref _received), Interlocked.Read(ref _sent));
    }
}
