using Microsoft.CodeAnalysis;

namespace GrpcServer.Generators.Diagnostics;

/// <summary>
/// Every diagnostic the generator and the analyzer report. IDs are sequential and never reused; see docs/diagnostics.md.
/// The .proto diagnostics (GRPCSRV0xx) are in DiagnosticDescriptors.Proto.cs.
/// </summary>
internal static partial class DiagnosticDescriptors
{
    public const string Category = "GrpcServer";

    private const string HelpLinkBase = "https://github.com/grpcserver/grpcserver/blob/main/docs/diagnostics.md#";

    private static DiagnosticDescriptor Create(string id, string title, string messageFormat, DiagnosticSeverity severity) =>
        new(
            id,
            title,
            messageFormat,
            Category,
            severity,
            isEnabledByDefault: true,
            helpLinkUri: HelpLinkBase + id.ToLowerInvariant());

    // Analyzer diagnostics (GRPCSRV1xx): AddHandler calls checked against the generated catalogue of RPCs.
    // Reported by Analyzers/AddHandlerAnalyzer, not by the generator, so they are not in the generator's table above.

    /// <summary>GRPCSRV101: AddHandler names a service that no .proto file of the project declares.</summary>
    public static readonly DiagnosticDescriptor UnknownService = Create(
        "GRPCSRV101",
        "Unknown service",
        "No service '{0}' is declared in this project's .proto files. {1}Declared services: {2}.",
        DiagnosticSeverity.Error);

    /// <summary>GRPCSRV102: AddHandler names an RPC that the service does not declare.</summary>
    public static readonly DiagnosticDescriptor UnknownRpc = Create(
        "GRPCSRV102",
        "Unknown RPC",
        "Service '{0}' has no RPC '{1}'. {2}Its RPCs: {3}.",
        DiagnosticSeverity.Error);

    /// <summary>GRPCSRV103: AddHandler names a package that does not declare the service.</summary>
    public static readonly DiagnosticDescriptor UnknownPackage = Create(
        "GRPCSRV103",
        "Service not declared in package",
        "Service '{0}' is not declared in package '{1}'. {2}It is declared in: {3}.",
        DiagnosticSeverity.Error);

    // GRPCSRV101-105 say word for word what the runtime's ArgumentException says for the same call (the analyzer
    // tests compare them), so these two keep its one sentence with a period.
#pragma warning disable RS1032 // Define diagnostic message correctly

    /// <summary>GRPCSRV104: AddHandler names a service declared in more than one package and passes no package.</summary>
    public static readonly DiagnosticDescriptor AmbiguousService = Create(
        "GRPCSRV104",
        "Ambiguous service name",
        "Service '{0}' is declared in more than one package ({1}); pass package: to say which.",
        DiagnosticSeverity.Error);

    /// <summary>GRPCSRV105: the AddHandler overload chosen for the handler does not fit the named RPC's kind or message types.</summary>
    public static readonly DiagnosticDescriptor HandlerDoesNotFit = Create(
        "GRPCSRV105",
        "Handler does not fit the RPC",
        "The handler does not fit the {0}: the handler is a {1}; this RPC takes a {2}.",
        DiagnosticSeverity.Error);
#pragma warning restore RS1032

    /// <summary>GRPCSRV106: the same RPC gets a second handler on the same server in one method.</summary>
    public static readonly DiagnosticDescriptor DuplicateHandler = Create(
        "GRPCSRV106",
        "RPC registered twice",
        "The {0} already has a handler on '{1}' (added earlier in this method). An RPC takes exactly one, so this AddHandler throws at run time.",
        DiagnosticSeverity.Warning);
}
