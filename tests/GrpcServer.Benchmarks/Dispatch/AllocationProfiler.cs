using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace GrpcServer.Benchmarks.Dispatch;

/// <summary>
/// Allocation by type, sampled in-process with the runtime's randomized allocation sampling (.NET 10's
/// <c>AllocationSampled</c> event: every allocated byte has the same chance to be sampled, once per 100 KB on
/// average, so each sample of an object of size s stands for s / (1 - e^(-s / 100 KB)) bytes of its type: an
/// unbiased estimate). Runtimes without it fall back to <c>GCAllocationTick</c> (once per 100 KB, charged to the
/// object that crossed the mark; biased by where objects fall in the allocation contexts). Costs CPU while on, so it
/// runs in a pass of its own, never during a measured window.
/// </summary>
internal sealed class AllocationProfiler : EventListener
{
    private const string RuntimeSource = "Microsoft-Windows-DotNETRuntime";
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private const EventKeywords AllocationSamplingKeyword = (EventKeywords)0x80000000000;
    private const double MeanSamplingDistance = 100 * 1024;

    // Events can arrive while the base constructor runs, before these fields are assigned.
    private readonly ConcurrentDictionary<string, long>? _bytes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long>? _ticked = new(StringComparer.Ordinal);
    private long _ticks;
    private long _samples;

    /// <summary>The samples the estimate rests on: randomized samples when the runtime has them, else ticks.</summary>
    public long Samples => Interlocked.Read(ref _samples) > 0 ? Interlocked.Read(ref _samples) : Interlocked.Read(ref _ticks);

    /// <summary>Which event the estimate comes from.</summary>
    public string Method => Interlocked.Read(ref _samples) > 0 ? "AllocationSampled" : "GCAllocationTick";

    /// <summary>Estimated bytes by type name, largest first.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> Snapshot()
    {
        var source = Interlocked.Read(ref _samples) > 0 ? _bytes : _ticked;
        return source is null ? [] : [.. source.OrderByDescending(pair => pair.Value)];
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == RuntimeSource)
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword | AllocationSamplingKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (_bytes is null || _ticked is null || eventData.EventName is not { } name || eventData.PayloadNames is null || eventData.Payload is null)
        {
            return;
        }

        var sampled = name == "AllocationSampled";
        if (!sampled && !name.StartsWith("GCAllocationTick", StringComparison.Ordinal))
        {
            return;
        }

        string? type = null;
        ulong amount = 0;
        ulong size = 0;
        for (var i = 0; i < eventData.PayloadNames.Count; i++)
        {
            switch (eventData.PayloadNames[i])
            {
                case "TypeName":
                    type = eventData.Payload[i] as string;
                    break;
                case "ObjectSize":
                    size = Convert.ToUInt64(eventData.Payload[i], System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case "AllocationAmount64":
                    amount = Convert.ToUInt64(eventData.Payload[i], System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case "AllocationAmount" when amount == 0:
                    amount = Convert.ToUInt64(eventData.Payload[i], System.Globalization.CultureInfo.InvariantCulture);
                    break;
            }
        }

        var key = string.IsNullOrEmpty(type) ? "(unknown)" : type;
        if (sampled)
        {
            if (size == 0)
            {
                return;
            }

            var bytes = (double)size;
            var weight = (long)(bytes / (1 - Math.Exp(-bytes / MeanSamplingDistance)));
            Interlocked.Increment(ref _samples);
            _bytes.AddOrUpdate(key, weight, (_, total) => total + weight);
        }
        else
        {
            Interlocked.Increment(ref _ticks);
            _ticked.AddOrUpdate(key, (long)amount, (_, total) => total + (long)amount);
        }
    }
}
