using Microsoft.CodeAnalysis;

namespace GrpcServer.Generators.Diagnostics;

// Project setup diagnostics (GRPCSRV2xx): what the project file lacks, said with the lines to add. Reported by the
// generator (Checks/), directly rather than through DiagnosticInfo: the generator's diagnostics are reported even when a
// using directive of the program fails, which stops the compiler before it runs analyzers.
internal static partial class DiagnosticDescriptors
{
#pragma warning disable RS1032 // Define diagnostic message correctly: these say what happened, then what to add, in sentences.

    /// <summary>GRPCSRV201: the message classes a .proto file's services need are not in the compilation (no Grpc.Tools, or not a Protobuf item).</summary>
    public static readonly DiagnosticDescriptor MessageClassesNotFound = Create(
        "GRPCSRV201",
        "Message classes not found",
        "The C# message classes of {0} were not found ({1} missing), so their services are not generated. {2}",
        DiagnosticSeverity.Error);

    /// <summary>GRPCSRV202: a named AddHandler call in a project whose .proto files declare no service (none reached the generator).</summary>
    public static readonly DiagnosticDescriptor NoProtoServices = Create(
        "GRPCSRV202",
        "No .proto service in the project",
        "No .proto file of this project declares a service, so AddHandler has no RPC to add this handler to. {0}",
        DiagnosticSeverity.Error);
#pragma warning restore RS1032
}
