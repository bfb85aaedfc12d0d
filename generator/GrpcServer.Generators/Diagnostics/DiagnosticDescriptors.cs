using System.Collections.Generic;
using GrpcServer.Internal;
using Microsoft.CodeAnalysis;

namespace GrpcServer.Generators.Diagnostics;

/// <summary>
/// Every diagnostic the generator and the analyzer report. IDs are sequential and never reused; see docs/diagnostics.md.
/// The .proto diagnostics (GRPCSRV0xx) are in DiagnosticDescriptors.Proto.cs.
/// </summary>
internal static partial class DiagnosticDescriptors
{
    public const string Category = "GrpcServer";


    private static DiagnosticDescriptor Create(string id, string title, string messageFormat, DiagnosticSeverity severity) =>
        new(
            id,
            title,
            messageFormat,
            Category,
            severity,
            isEnabledByDefault: true,
            helpLinkUri: HelpLinks.For(id));

    // Analyzer diagnostics (GRPCSRV1xx): AddHandler calls checked against the services the generator declared.
    // Reported by Analyzers/AddHandlerAnalyzer, not by the generator, so they are not in the generator's table above.
    // GRPCSRV101-105 are the runtime's own messages (Internal/Shared/RpcMessages.cs), so that a mistake reads the same
    // at build time and at run time; they keep its sentences and periods.
#pragma warning disable RS1032 // Define diagnostic message correctly

    /// <summary>GRPCSRV101: AddHandler names a service that no .proto file of the project declares.</summary>
    public static readonly DiagnosticDescriptor UnknownService = Create(
        "GRPCSRV101",
        "Unknown service",
        RpcMessages.UnknownService,
        DiagnosticSeverity.Error);

    /// <summary>GRPCSRV102: AddHandler names an RPC that the service does not declare.</summary>
    public static readonly DiagnosticDescriptor UnknownRpc = Create(
        "GRPCSRV102",
        "Unknown RPC",
        RpcMessages.UnknownRpc,
        DiagnosticSeverity.Error);

    /// <summary>GRPCSRV103: AddHandler names a package that does not declare the service.</summary>
    public static readonly DiagnosticDescriptor UnknownPackage = Create(
        "GRPCSRV103",
        "Service not declared in package",
        RpcMessages.UnknownPackage,
        DiagnosticSeverity.Error);

    /// <summary>GRPCSRV104: AddHandler names a service declared in more than one package and passes no package.</summary>
    public static readonly DiagnosticDescriptor AmbiguousService = Create(
        "GRPCSRV104",
        "Ambiguous service name",
        RpcMessages.AmbiguousService,
        DiagnosticSeverity.Error);

    /// <summary>GRPCSRV105: the handler has none of the shapes the named RPC takes (kind, message types, Context).</summary>
    public static readonly DiagnosticDescriptor HandlerDoesNotFit = Create(
        "GRPCSRV105",
        "Handler does not fit the RPC",
        RpcMessages.HandlerDoesNotFit,
        DiagnosticSeverity.Error);

    /// <summary>GRPCSRV106: the same RPC gets a second handler on the same server in one method.</summary>
    public static readonly DiagnosticDescriptor DuplicateHandler = Create(
        "GRPCSRV106",
        "RPC registered twice",
        "The {0} already has a handler on '{1}' (added earlier in this method). An RPC takes exactly one, so this AddHandler throws at run time.",
        DiagnosticSeverity.Warning);

    /// <summary>
    /// GRPCSRV107: a lambda without parameter types, which binds to no AddHandler overload (the compiler says CS1501
    /// about RpcServer's own two-parameter methods, or CS8917): says the types the named RPC takes.
    /// </summary>
    public static readonly DiagnosticDescriptor HandlerNeedsParameterTypes = Create(
        "GRPCSRV107",
        "Handler lambda needs parameter types",
        "The lambda's parameters need their types: the {0} takes a {1}, so write ({2}, Context context) => ...",
        DiagnosticSeverity.Error);
#pragma warning restore RS1032
}
