using System;
using System.Collections.Generic;
using GrpcServer.Internal.Handlers;

namespace GrpcServer.Internal;

/// <summary>The handlers added to one server, keyed by full method name; frozen once serving starts.</summary>
internal sealed class HandlerRegistry
{
    private readonly Dictionary<string, HandlerRegistration> _handlers = new(StringComparer.Ordinal);
    private readonly List<HandlerRegistration> _ordered = [];
    private readonly Dictionary<string, RpcCounters> _counters = new(StringComparer.Ordinal);
    private readonly List<RpcCounters> _orderedCounters = [];
    private bool _frozen;

    public int Count => _ordered.Count;

    public void Add(HandlerRegistration registration)
    {
        lock (_handlers)
        {
            if (_frozen)
            {
                throw new InvalidOperationException(
                    $"Cannot add a handler for {registration.Rpc.FullName}: the server has started serving. Add every handler before calling HandleRpc.");
            }

            if (!_handlers.TryAdd(registration.Rpc.FullName, registration))
            {
                throw new ArgumentException(RpcMessages.Format(RpcMessages.AlreadyHasHandler, registration.Rpc), "handler");
            }

            _ordered.Add(registration);
        }
    }

    /// <summary>Stops accepting handlers; returns false, and leaves the registry open, when there are none to serve.</summary>
    public bool Freeze()
    {
        lock (_handlers)
        {
            _frozen = _ordered.Count > 0;
            return _frozen;
        }
    }

    /// <summary>The RPCs that have a handler, in the order they were added.</summary>
    public IEnumerable<RpcDescriptor> Rpcs()
    {
        foreach (var registration in _ordered)
        {
            yield return registration.Rpc;
        }
    }

    /// <summary>The full names of the services that have at least one handler.</summary>
    public IReadOnlySet<string> ServiceNames()
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var registration in _ordered)
        {
            names.Add(registration.Rpc.Service.FullName);
        }

        return names;
    }

    /// <summary>The statistics of one bound RPC; the same object however often the service is bound.</summary>
    public RpcCounters CountersFor(RpcDescriptor rpc)
    {
        lock (_counters)
        {
            if (!_counters.TryGetValue(rpc.FullName, out var counters))
            {
                _counters.Add(rpc.FullName, counters = new RpcCounters(rpc.FullName, rpc.Kind == Grpc.Core.MethodType.Unary));
                _orderedCounters.Add(counters);
            }

            return counters;
        }
    }

    /// <summary>The calls of this server's handlers that have begun and not ended.</summary>
    public long InFlight()
    {
        lock (_counters)
        {
            long inFlight = 0;
            foreach (var counters in _orderedCounters)
            {
                inFlight += counters.InFlight();
            }

            return inFlight;
        }
    }

    /// <summary>The RPCs of the served services that have no handler (their calls get <c>UNIMPLEMENTED</c>), by full name.</summary>
    public IReadOnlyList<string> RpcsWithoutHandler()
    {
        var handled = new HashSet<string>(StringComparer.Ordinal);
        var services = new List<RpcService>();
        lock (_handlers)
        {
            foreach (var registration in _ordered)
            {
                handled.Add(registration.Rpc.FullName);
                if (!services.Contains(registration.Rpc.Service))
                {
                    services.Add(registration.Rpc.Service);
                }
            }
        }

        var without = new List<string>();
        foreach (var service in services)
        {
            foreach (var rpc in service.Rpcs)
            {
                if (!handled.Contains(rpc.FullName))
                {
                    without.Add(rpc.FullName);
                }
            }
        }

        return without;
    }

    public IReadOnlyList<RpcStatistics> Snapshot()
    {
        lock (_counters)
        {
            var snapshot = new RpcStatistics[_orderedCounters.Count];
            for (var i = 0; i < snapshot.Length; i++)
            {
                snapshot[i] = _orderedCounters[i].Snapshot();
            }

            return snapshot;
        }
    }

    /// <summary>
    /// Binds every handler, and for each served service an <c>UNIMPLEMENTED</c> method for each of its RPCs
    /// that has no handler, so that such a call is reported rather than silently refused. A descriptor knows its
    /// service's RPCs, so this is the same however the handlers were added.
    /// </summary>
    public void Bind(HandlerBinder binder)
    {
        var bound = new HashSet<string>(StringComparer.Ordinal);
        foreach (var registration in _ordered)
        {
            registration.Bind(binder);
            bound.Add(registration.Rpc.FullName);
        }

        foreach (var registration in _ordered)
        {
            foreach (var sibling in registration.Rpc.Service.Rpcs)
            {
                if (bound.Add(sibling.FullName))
                {
                    sibling.BindUnimplemented(binder);
                }
            }
        }
    }
}
