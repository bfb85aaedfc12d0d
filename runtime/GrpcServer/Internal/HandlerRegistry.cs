using System;
using System.Collections.Generic;
using GrpcServer.Internal.Handlers;

namespace GrpcServer.Internal;

/// <summary>The handlers added to one server, keyed by full method name; frozen once serving starts.</summary>
internal sealed class HandlerRegistry
{
    private readonly Dictionary<string, HandlerRegistration> _handlers = new(StringComparer.Ordinal);
    private readonly List<HandlerRegistration> _ordered = [];
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
                throw new ArgumentException(
                    $"The {registration.Rpc} already has a handler; an RPC takes exactly one.",
                    "handler");
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

    /// <summary>
    /// Binds every handler, and for each served service an <c>UNIMPLEMENTED</c> method for each of its RPCs
    /// that has no handler, so that such a call is reported rather than silently refused.
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
            foreach (var sibling in registration.Rpc.ServiceRpcs)
            {
                if (bound.Add(sibling.FullName))
                {
                    sibling.BindUnimplemented(binder);
                }
            }
        }
    }
}
