using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using GrpcServer.Generators.Diagnostics;
using GrpcServer.Internal;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GrpcServer.Generators.Analyzers;

/// <summary>
/// The RPCs of a compilation, read from the source the generator added to it: the elements of
/// <c>GrpcServer.GeneratedRpcCatalog.Instance</c> are the descriptor fields, and each field's initializer holds the
/// package, service and RPC names as string literals. Reading the generated C# rather than the .proto files keeps
/// the analyzer independent of the parser and exactly in step with what the runtime will look names up in.
/// </summary>
internal sealed class DeclaredRpcCatalog
{
    public const string CatalogTypeName = "GrpcServer.GeneratedRpcCatalog";
    public const string ExtensionsTypeName = "GrpcServer.GeneratedAddHandlerExtensions";

    private static readonly string[] s_descriptorParameters = ["package", "service", "name"];

    private readonly List<DeclaredRpc> _rpcs;
    private readonly Dictionary<string, List<DeclaredRpc>> _byService = new(StringComparer.Ordinal);
    private readonly Dictionary<IFieldSymbol, DeclaredRpc> _byField = new(SymbolEqualityComparer.Default);
    private readonly List<string> _serviceNames = [];

    private DeclaredRpcCatalog(List<DeclaredRpc> rpcs, INamedTypeSymbol? extensions)
    {
        _rpcs = rpcs;
        Extensions = extensions;
        foreach (var rpc in rpcs)
        {
            if (!_byService.TryGetValue(rpc.Service, out var list))
            {
                _byService.Add(rpc.Service, list = []);
                _serviceNames.Add(rpc.Service);
            }

            list.Add(rpc);
            _byField[rpc.Field] = rpc;
        }
    }

    /// <summary>The RPCs, in the catalogue's order.</summary>
    public IReadOnlyList<DeclaredRpc> Rpcs => _rpcs;

    /// <summary>The generated <c>GrpcServer.GeneratedAddHandlerExtensions</c>, or <see langword="null"/>.</summary>
    public INamedTypeSymbol? Extensions { get; }

    /// <summary>
    /// Reads the catalogue the generator added to <paramref name="compilation"/>. <see langword="null"/> when there is
    /// none (no .proto with a service) or when any part of it is not in the shape the generator writes: a partial
    /// catalogue would report declared RPCs as unknown, so it is all or nothing.
    /// </summary>
    public static DeclaredRpcCatalog? TryRead(Compilation compilation, CancellationToken cancellationToken)
    {
        // compilation.Assembly: the project's own generated types, never an internal one of a referenced project.
        var catalogType = compilation.Assembly.GetTypeByMetadataName(CatalogTypeName);
        if (catalogType?.GetMembers("Instance").FirstOrDefault() is not IFieldSymbol instance
            || Initializer(instance, cancellationToken) is not { } initializer
            || initializer.DescendantNodes().OfType<InitializerExpressionSyntax>().FirstOrDefault() is not { } elements)
        {
            return null;
        }

        var globalNamespace = compilation.Assembly.GlobalNamespace;
        var rpcs = new List<DeclaredRpc>(elements.Expressions.Count);
        foreach (var element in elements.Expressions)
        {
            if (Resolve(globalNamespace, element) is not IFieldSymbol field || ReadDescriptor(field, cancellationToken) is not { } rpc)
            {
                return null;
            }

            rpcs.Add(rpc);
        }

        return new DeclaredRpcCatalog(rpcs, compilation.Assembly.GetTypeByMetadataName(ExtensionsTypeName));
    }

    /// <summary>The RPC whose generated descriptor is <paramref name="field"/>, or <see langword="null"/>.</summary>
    public DeclaredRpc? FindByField(IFieldSymbol field) => _byField.TryGetValue(field, out var rpc) ? rpc : null;

    /// <summary>
    /// Looks an RPC up by its names exactly as the runtime's <c>RpcCatalog.Find</c> does, with the same messages.
    /// A name that is not a compile-time constant stops the look-up where the runtime would first need it.
    /// </summary>
    public NameLookup Find(string service, ConstantName rpc, ConstantName package)
    {
        if (!_byService.TryGetValue(service, out var candidates))
        {
            return NameLookup.Failed(
                DiagnosticDescriptors.UnknownService,
                NameArgument.Service,
                service,
                Suggest(service, _serviceNames),
                List(_rpcs.Select(r => r.ServiceFullName)));
        }

        if (!package.IsConstant)
        {
            return NameLookup.Unresolved;
        }

        if (package.Value is not null)
        {
            var inPackage = candidates.Where(r => r.Package == package.Value).ToList();
            if (inPackage.Count == 0)
            {
                return NameLookup.Failed(
                    DiagnosticDescriptors.UnknownPackage,
                    NameArgument.Package,
                    service,
                    package.Value,
                    Suggest(package.Value, candidates.Select(r => r.Package).Distinct(StringComparer.Ordinal).ToList()),
                    List(candidates.Select(r => r.ServiceFullName)));
            }

            candidates = inPackage;
        }
        else if (candidates.Select(r => r.Package).Distinct(StringComparer.Ordinal).Skip(1).Any())
        {
            return NameLookup.Failed(
                DiagnosticDescriptors.AmbiguousService,
                NameArgument.Package,
                service,
                List(candidates.Select(r => r.ServiceFullName)));
        }

        if (!rpc.IsConstant || rpc.Value is null)
        {
            return NameLookup.Unresolved;
        }

        foreach (var candidate in candidates)
        {
            if (candidate.Name == rpc.Value)
            {
                return NameLookup.Found(candidate);
            }
        }

        var names = candidates.Select(r => r.Name).ToList();
        return NameLookup.Failed(
            DiagnosticDescriptors.UnknownRpc,
            NameArgument.Rpc,
            candidates[0].ServiceFullName,
            rpc.Value,
            Suggest(rpc.Value, names),
            List(names));
    }

    private static string List(IEnumerable<string> names) => string.Join(", ", names.Distinct(StringComparer.Ordinal));

    /// <summary>"Did you mean 'Greeter'? " or nothing; the message formats put it between two sentences.</summary>
    private static string Suggest(string wanted, IReadOnlyList<string> names) =>
        NameSuggestion.Closest(wanted, names) is { } closest ? $"Did you mean '{closest}'? " : "";

    private static ExpressionSyntax? Initializer(IFieldSymbol field, CancellationToken cancellationToken) =>
        field.DeclaringSyntaxReferences.Length == 1
        && field.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is VariableDeclaratorSyntax { Initializer.Value: var value }
            ? value
            : null;

    /// <summary>
    /// <c>global::Helloworld.GreeterRpcs.SayHello</c> to its field, through the namespaces and types of the
    /// project's own assembly.
    /// </summary>
    private static ISymbol? Resolve(INamespaceSymbol globalNamespace, ExpressionSyntax name) => name switch
    {
        AliasQualifiedNameSyntax { Alias.Identifier.ValueText: "global" } alias => Member(globalNamespace, alias.Name),
        IdentifierNameSyntax identifier => Member(globalNamespace, identifier),
        MemberAccessExpressionSyntax access when access.IsKind(SyntaxKind.SimpleMemberAccessExpression) =>
            Resolve(globalNamespace, access.Expression) is INamespaceOrTypeSymbol container ? Member(container, access.Name) : null,
        QualifiedNameSyntax qualified =>
            Resolve(globalNamespace, qualified.Left) is INamespaceOrTypeSymbol container ? Member(container, qualified.Right) : null,
        _ => null,
    };

    private static ISymbol? Member(INamespaceOrTypeSymbol container, SimpleNameSyntax name)
    {
        if (name is not IdentifierNameSyntax)
        {
            return null;
        }

        ISymbol? found = null;
        foreach (var member in container.GetMembers(name.Identifier.ValueText))
        {
            if (member is INamedTypeSymbol { Arity: > 0 })
            {
                continue;
            }

            if (found is not null)
            {
                return null;
            }

            found = member;
        }

        return found;
    }

    /// <summary>
    /// A descriptor field: its type (<c>UnaryRpc&lt;TRequest, TResponse&gt;</c> and the three other kinds) and the
    /// string literals of its initializer <c>new("helloworld", "Greeter", "SayHello", ...)</c>.
    /// </summary>
    private static DeclaredRpc? ReadDescriptor(IFieldSymbol field, CancellationToken cancellationToken)
    {
        if (field.Type is not INamedTypeSymbol { TypeArguments.Length: 2 } type
            || !HandlerShapes.IsInNamespace(type, "GrpcServer")
            || KindOf(type.Name) is not { } kind
            || Initializer(field, cancellationToken) is not BaseObjectCreationExpressionSyntax { ArgumentList: { } argumentList })
        {
            return null;
        }

        var values = new string?[s_descriptorParameters.Length];
        var arguments = argumentList.Arguments;
        for (var i = 0; i < arguments.Count; i++)
        {
            var parameter = arguments[i].NameColon is { } nameColon
                ? Array.IndexOf(s_descriptorParameters, nameColon.Name.Identifier.ValueText)
                : i < s_descriptorParameters.Length ? i : -1;
            if (parameter < 0)
            {
                continue;
            }

            if (arguments[i].Expression is not LiteralExpressionSyntax literal || !literal.IsKind(SyntaxKind.StringLiteralExpression))
            {
                return null;
            }

            values[parameter] = literal.Token.ValueText;
        }

        if (values[0] is not { } package || values[1] is not { Length: > 0 } service || values[2] is not { Length: > 0 } name)
        {
            return null;
        }

        return new DeclaredRpc(field, kind, type.TypeArguments[0], type.TypeArguments[1], package, service, name);
    }

    private static RpcKind? KindOf(string descriptorTypeName) => descriptorTypeName switch
    {
        "UnaryRpc" => RpcKind.Unary,
        "ServerStreamingRpc" => RpcKind.ServerStreaming,
        "ClientStreamingRpc" => RpcKind.ClientStreaming,
        "DuplexStreamingRpc" => RpcKind.DuplexStreaming,
        _ => null,
    };
}
