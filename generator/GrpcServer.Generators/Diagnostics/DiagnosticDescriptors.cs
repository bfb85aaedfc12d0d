using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace GrpcServer.Generators.Diagnostics;

/// <summary>Every diagnostic the generator reports. IDs are sequential and never reused; see docs/diagnostics.md.</summary>
internal static class DiagnosticDescriptors
{
    public const string Category = "GrpcServer";

    private const string HelpLinkBase = "https://github.com/grpcserver/grpcserver/blob/main/docs/diagnostics.md#";

    /// <summary>GRPCSRV001: the .proto text does not parse.</summary>
    public static readonly DiagnosticDescriptor ProtoSyntaxError = Create(
        "GRPCSRV001",
        "Invalid .proto syntax",
        "{0}",
        DiagnosticSeverity.Error);

    /// <summary>GRPCSRV002: the .proto parses but breaks a rule of the language.</summary>
    public static readonly DiagnosticDescriptor InvalidProtoDeclaration = Create(
        "GRPCSRV002",
        "Invalid .proto declaration",
        "{0}",
        DiagnosticSeverity.Error);

    /// <summary>GRPCSRV003: an imported file is not among the AdditionalFiles.</summary>
    public static readonly DiagnosticDescriptor ImportNotFound = Create(
        "GRPCSRV003",
        "Imported .proto file not found",
        "import '{0}' not found among the project's .proto files (AdditionalFiles); add it as a Protobuf item or check its ProtoRoot, or types it declares cannot be resolved",
        DiagnosticSeverity.Warning);

    /// <summary>GRPCSRV004: an rpc, a field or an extend names a type that no visible file declares.</summary>
    public static readonly DiagnosticDescriptor UnknownType = Create(
        "GRPCSRV004",
        "Unknown type",
        "unknown type '{0}' in {1}{2}",
        DiagnosticSeverity.Error);

    /// <summary>GRPCSRV005: an rpc's request or response is not a message.</summary>
    public static readonly DiagnosticDescriptor RpcTypeNotMessage = Create(
        "GRPCSRV005",
        "Rpc request or response is not a message",
        "the {0} of rpc '{1}' is {2} '{3}', not a message; rpc requests and responses must be messages",
        DiagnosticSeverity.Error);

    /// <summary>GRPCSRV006: a name is declared twice.</summary>
    public static readonly DiagnosticDescriptor DuplicateName = Create(
        "GRPCSRV006",
        "Duplicate .proto name",
        "'{0}' is already declared {1}",
        DiagnosticSeverity.Error);

    /// <summary>GRPCSRV007: the generated C# would not compile because two names clash.</summary>
    public static readonly DiagnosticDescriptor GeneratedNameClash = Create(
        "GRPCSRV007",
        "Generated C# name clash",
        "{0}",
        DiagnosticSeverity.Error);

    /// <summary>GRPCSRV008: a bug in the generator; the output is incomplete.</summary>
    public static readonly DiagnosticDescriptor InternalError = Create(
        "GRPCSRV008",
        "GrpcServer generator internal error",
        "the GrpcServer generator failed while {0}, so some generated code is missing: {1}",
        DiagnosticSeverity.Error);

    /// <summary>GRPCSRV009: a custom option that does not resolve to an extension of the element's options message, or a value of the wrong type.</summary>
    public static readonly DiagnosticDescriptor UnknownOption = Create(
        "GRPCSRV009",
        "Unknown custom option or wrong option value",
        "{0}",
        DiagnosticSeverity.Error);

    /// <summary>GRPCSRV010: a name protoc accepts but its C# generator turns into code that does not compile.</summary>
    public static readonly DiagnosticDescriptor ProtocCSharpNameProblem = Create(
        "GRPCSRV010",
        "Name breaks protoc's C# output",
        "{0}",
        DiagnosticSeverity.Warning);

    private static readonly Dictionary<string, DiagnosticDescriptor> s_byId = new()
    {
        [ProtoSyntaxError.Id] = ProtoSyntaxError,
        [InvalidProtoDeclaration.Id] = InvalidProtoDeclaration,
        [ImportNotFound.Id] = ImportNotFound,
        [UnknownType.Id] = UnknownType,
        [RpcTypeNotMessage.Id] = RpcTypeNotMessage,
        [DuplicateName.Id] = DuplicateName,
        [GeneratedNameClash.Id] = GeneratedNameClash,
        [InternalError.Id] = InternalError,
        [UnknownOption.Id] = UnknownOption,
        [ProtocCSharpNameProblem.Id] = ProtocCSharpNameProblem,
    };

    /// <summary>All descriptors, in ID order.</summary>
    public static IReadOnlyCollection<DiagnosticDescriptor> All => s_byId.Values;

    public static DiagnosticDescriptor Get(string id) => s_byId[id];

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
