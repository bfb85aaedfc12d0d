using System;
using System.Collections.Generic;
using GrpcServer.Generators.Diagnostics;
using GrpcServer.Generators.Helpers;
using GrpcServer.Generators.Model;
using GrpcServer.Internal;

namespace GrpcServer.Generators.Resolution;

/// <summary>
/// Resolves each rpc's request and response to the C# classes protoc generates, and names each service's descriptor
/// class, reporting what would not compile (GRPCSRV004, GRPCSRV005, GRPCSRV007).
/// </summary>
internal sealed class ServiceResolver
{
    private static readonly HashSet<string> s_objectMembers = new(StringComparer.Ordinal)
    {
        "Equals", "GetHashCode", "GetType", "ToString", "MemberwiseClone", "ReferenceEquals", "Finalize",
    };

    private readonly ResolutionContext _context;

    public ServiceResolver(ResolutionContext context) => _context = context;

    /// <summary>
    /// The services of <paramref name="file"/> whose descriptor classes can be generated; the others (named like a class
    /// generated before, or like a message or enum, as <see cref="ProjectNames"/> decided) are reported.
    /// </summary>
    public List<ServiceModel> Resolve(ProtoFileSpec file, EquatableArray<ServiceClash> clashes)
    {
        var services = new List<ServiceModel>(file.Services.Count);
        for (var i = 0; i < file.Services.Count; i++)
        {
            var service = file.Services[i];
            if (FindClash(clashes, i) is { } clash)
            {
                var arguments = new string[clash.Arguments.Count];
                for (var a = 0; a < arguments.Length; a++)
                {
                    arguments[a] = clash.Arguments[a];
                }

                _context.Diagnostics.Add(DiagnosticInfo.Create(clash.DescriptorKey, file.Path, service.NameSpan, arguments));
                continue;
            }

            services.Add(Resolve(file, service));
        }

        return services;
    }

    private static ServiceClash? FindClash(EquatableArray<ServiceClash> clashes, int service)
    {
        foreach (var clash in clashes)
        {
            if (clash.Service == service)
            {
                return clash;
            }
        }

        return null;
    }

    private ServiceModel Resolve(ProtoFileSpec file, ServiceSpec service)
    {
        var className = CSharpNaming.GetDescriptorClassName(service.Name);
        var qualifiedClassName = CSharpNaming.Qualify(file.CSharpNamespace, className);
        var rpcs = new List<RpcModel>();
        foreach (var rpc in service.Rpcs)
        {
            if (rpc.Name == className)
            {
                _context.Report(DiagnosticDescriptors.GeneratedNameClashWithRpc, file, rpc.NameSpan, rpc.Name, className);
                continue;
            }

            var scope = service.FullName + "." + rpc.Name;
            var request = ResolveType(file, rpc, rpc.Request, "request", scope);
            var response = ResolveType(file, rpc, rpc.Response, "response", scope);
            if (request is null || response is null)
            {
                continue;
            }

            var kind = (rpc.Request.Streaming, rpc.Response.Streaming) switch
            {
                (false, false) => RpcKind.Unary,
                (false, true) => RpcKind.ServerStreaming,
                (true, false) => RpcKind.ClientStreaming,
                _ => RpcKind.DuplexStreaming,
            };
            rpcs.Add(new RpcModel(rpc.Name, CSharpNaming.EscapeIdentifier(rpc.Name), kind, request, response, rpc.Comment, s_objectMembers.Contains(rpc.Name)));
        }

        return new ServiceModel(file.Package, service.Name, className, qualifiedClassName, service.Comment, rpcs.ToEquatableArray());
    }

    private string? ResolveType(ProtoFileSpec file, RpcSpec rpc, TypeReferenceSpec reference, string role, string scope)
    {
        var symbol = _context.Lookup(file, reference.Name, scope, typesOnly: false);
        if (symbol is null)
        {
            _context.ReportUnknown(file, reference.Span, reference.Name, $"rpc '{rpc.Name}' {role}", scope, typesOnly: false);
            return null;
        }

        if (symbol.Visibility != TypeVisibility.Exported && symbol.File != file)
        {
            _context.ReportLocal(file, reference.Span, reference.Name, $"rpc '{rpc.Name}' {role}", symbol);
            return null;
        }

        if (symbol.Kind != SymbolKind.Message)
        {
            _context.Report(DiagnosticDescriptors.RpcTypeNotMessage, file, reference.Span, role, rpc.Name, "the " + Symbol.Describe(symbol.Kind), symbol.FullName);
            return null;
        }

        return symbol.CSharpName;
    }
}
