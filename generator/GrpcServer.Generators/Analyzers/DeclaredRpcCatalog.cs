using System.Collections.Generic;
using System.Threading;
using GrpcServer.Internal;
using Microsoft.CodeAnalysis;

namespace GrpcServer.Generators.Analyzers;

/// <summary>
/// The services of a compilation, read from the symbols the generator added to it: an assembly attribute
/// <c>[ProtoServiceClass(typeof(GreeterRpcs))]</c> per service, <c>[ProtoService(package, name)]</c> on the class and
/// <c>[ProtoRpc(name)]</c> on each descriptor field, whose type gives the kind and the message types. Names are looked
/// up with the runtime's own look-up (<see cref="RpcNameIndex{TService}"/>).
/// </summary>
internal sealed class DeclaredRpcCatalog
{
    private readonly RpcNameIndex<DeclaredService> _index;
    private readonly Dictionary<IFieldSymbol, DeclaredRpc> _byField = new(SymbolEqualityComparer.Default);

    private DeclaredRpcCatalog(GrpcServerSymbols symbols, List<DeclaredService> services)
    {
        Symbols = symbols;
        Services = services;
        _index = new RpcNameIndex<DeclaredService>(services);
        foreach (var service in services)
        {
            foreach (var rpc in service.Rpcs)
            {
                _byField[rpc.Field] = rpc;
            }
        }
    }

    public GrpcServerSymbols Symbols { get; }

    /// <summary>The services, in the order of the assembly's attributes.</summary>
    public IReadOnlyList<DeclaredService> Services { get; }

    /// <summary>
    /// Reads the services the generator added to the compilation. <see langword="null"/> when there are none, or when
    /// any is not in the shape the generator writes: a partial catalogue would report declared RPCs as unknown, so it
    /// is all or nothing.
    /// </summary>
    public static DeclaredRpcCatalog? TryRead(Compilation compilation, CancellationToken cancellationToken)
    {
        if (GrpcServerSymbols.TryCreate(compilation) is not { } symbols)
        {
            return null;
        }

        var services = new List<DeclaredService>();

        // compilation.Assembly: the project's own generated classes, never the internal ones of a referenced project.
        foreach (var attribute in compilation.Assembly.GetAttributes())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, symbols.ProtoServiceClassAttribute))
            {
                continue;
            }

            if (attribute.ConstructorArguments is not [{ Value: INamedTypeSymbol type }]
                || !SymbolEqualityComparer.Default.Equals(type.ContainingAssembly, compilation.Assembly)
                || ReadService(symbols, type) is not { } service)
            {
                return null;
            }

            services.Add(service);
        }

        return services.Count == 0 ? null : new DeclaredRpcCatalog(symbols, services);
    }

    /// <summary>The RPC whose generated descriptor is <paramref name="field"/>, or <see langword="null"/>.</summary>
    public DeclaredRpc? FindByField(IFieldSymbol field) => _byField.TryGetValue(field, out var rpc) ? rpc : null;

    /// <summary>Looks an RPC up by its names exactly as the runtime's <c>RpcCatalog.Find</c> does.</summary>
    public RpcLookup<DeclaredService> Find(string service, NameArgument rpc, NameArgument package) => _index.Find(service, rpc, package);

    /// <summary>Whether <paramref name="method"/> is one of the project's generated <c>AddHandler(service, rpc, handler, package)</c> overloads.</summary>
    public bool IsNamedOverload(IMethodSymbol method) =>
        (method.ReducedFrom ?? method).ContainingType is { } type
        && SymbolEqualityComparer.Default.Equals(type.ContainingAssembly, Symbols.Compilation.Assembly)
        && GrpcServerSymbols.HasAttribute(type, Symbols.AddHandlerOverloadsAttribute, out _);

    private static DeclaredService? ReadService(GrpcServerSymbols symbols, INamedTypeSymbol type)
    {
        if (!GrpcServerSymbols.HasAttribute(type, symbols.ProtoServiceAttribute, out var names)
            || names.ConstructorArguments is not [{ Value: string package }, { Value: string name }])
        {
            return null;
        }

        var service = new DeclaredService(type, package, name);
        foreach (var member in type.GetMembers())
        {
            if (member is not IFieldSymbol field || !GrpcServerSymbols.HasAttribute(field, symbols.ProtoRpcAttribute, out var rpc))
            {
                continue;
            }

            if (rpc.ConstructorArguments is not [{ Value: string rpcName }]
                || field.Type is not INamedTypeSymbol { TypeArguments: [var request, var response] } descriptor
                || symbols.KindOfDescriptor(descriptor) is not { } kind)
            {
                return null;
            }

            service.Add(new DeclaredRpc(service, field, rpcName, kind, request, response));
        }

        return service;
    }
}
