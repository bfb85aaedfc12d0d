using System.Collections.Generic;
using GrpcServer.Generators.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace GrpcServer.Generators.Analyzers;

/// <summary>One handler added in user code: which RPC, to which server (a symbol, or a syntax node), and where.</summary>
internal sealed record HandlerRegistration(DeclaredRpc Rpc, object Receiver, string ReceiverText, Location Location);

/// <summary>The handlers added in one operation block (a method body); reports an RPC given a second handler on one server.</summary>
internal sealed class HandlerRegistrations
{
    private readonly object _gate = new();
    private List<HandlerRegistration>? _registrations;

    public void Add(HandlerRegistration registration)
    {
        lock (_gate)
        {
            (_registrations ??= []).Add(registration);
        }
    }

    public void ReportDuplicates(OperationBlockAnalysisContext context)
    {
        List<HandlerRegistration>? registrations;
        lock (_gate)
        {
            registrations = _registrations;
        }

        if (registrations is null || registrations.Count < 2)
        {
            return;
        }

        // Source order, so the warning is on the later call whatever order the operations were visited in.
        registrations.Sort(static (a, b) => a.Location.SourceSpan.Start.CompareTo(b.Location.SourceSpan.Start));
        var first = new Dictionary<HandlerRegistration, HandlerRegistration>(SameRpcOnSameServer.Instance);
        foreach (var registration in registrations)
        {
            if (first.TryGetValue(registration, out var earlier))
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.DuplicateHandler,
                    registration.Location,
                    [earlier.Location],
                    registration.Rpc.Description,
                    registration.ReceiverText));
            }
            else
            {
                first.Add(registration, registration);
            }
        }
    }

    private sealed class SameRpcOnSameServer : IEqualityComparer<HandlerRegistration>
    {
        public static readonly SameRpcOnSameServer Instance = new();

        public bool Equals(HandlerRegistration? x, HandlerRegistration? y) =>
            x is not null && y is not null && ReferenceEquals(x.Rpc, y.Rpc) && SameReceiver(x.Receiver, y.Receiver);

        public int GetHashCode(HandlerRegistration obj) =>
            unchecked((System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj.Rpc) * 31)
                + (obj.Receiver is ISymbol symbol ? SymbolEqualityComparer.Default.GetHashCode(symbol) : obj.Receiver.GetHashCode()));

        private static bool SameReceiver(object x, object y) =>
            x is ISymbol a && y is ISymbol b ? SymbolEqualityComparer.Default.Equals(a, b) : Equals(x, y);
    }
}
