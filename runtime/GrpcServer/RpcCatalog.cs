using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using GrpcServer.Internal;

namespace GrpcServer;

/// <summary>
/// Every RPC declared in a project's .proto files. The source generator emits one per project
/// (<c>GeneratedRpcCatalog.Instance</c>), and the generated <c>AddHandler</c> overloads resolve the
/// service, RPC and package names against it.
/// </summary>
public sealed class RpcCatalog : IReadOnlyList<RpcDescriptor>
{
    private readonly RpcDescriptor[] _rpcs;

    // Built once per project; look-ups happen only while handlers are added, never per call.
    private readonly Dictionary<string, List<RpcDescriptor>> _byService = new(StringComparer.Ordinal);

    /// <summary>Creates a catalogue of RPCs.</summary>
    /// <param name="rpcs">The RPCs; each full method name at most once.</param>
    /// <exception cref="ArgumentException">Two descriptors have the same full name.</exception>
    public RpcCatalog(RpcDescriptor[] rpcs)
    {
        ArgumentNullException.ThrowIfNull(rpcs);
        _rpcs = (RpcDescriptor[])rpcs.Clone();
        var fullNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rpc in _rpcs)
        {
            ArgumentNullException.ThrowIfNull(rpc, nameof(rpcs));
            if (!fullNames.Add(rpc.FullName))
            {
                throw new ArgumentException($"The RPC {rpc.FullName} is listed twice.", nameof(rpcs));
            }

            if (!_byService.TryGetValue(rpc.Service, out var list))
            {
                _byService.Add(rpc.Service, list = []);
            }

            list.Add(rpc);
        }

        foreach (var rpc in _rpcs)
        {
            rpc.ServiceRpcs = ServiceOf(rpc);
        }
    }

    /// <summary>The number of RPCs.</summary>
    public int Count => _rpcs.Length;

    /// <summary>The RPC at an index, in .proto order.</summary>
    /// <param name="index">The index.</param>
    public RpcDescriptor this[int index] => _rpcs[index];

    /// <summary>
    /// Finds an RPC by the names of its .proto declaration, as <c>RpcServer.AddHandler</c> does.
    /// </summary>
    /// <param name="service">The service name, such as <c>Greeter</c>.</param>
    /// <param name="rpc">The RPC name, such as <c>SayHello</c>.</param>
    /// <param name="package">The package, such as <c>helloworld</c>; <see langword="null"/> when the service name is unique.</param>
    /// <returns>The RPC.</returns>
    /// <exception cref="ArgumentException">No such service, RPC or package, or the service name is declared in
    /// more than one package and <paramref name="package"/> is <see langword="null"/>. The message names what exists.</exception>
    public RpcDescriptor Find(string service, string rpc, string? package = null)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(rpc);

        if (!_byService.TryGetValue(service, out var candidates))
        {
            var services = _rpcs.Select(r => r.Service).Distinct(StringComparer.Ordinal).ToList();
            throw new ArgumentException(
                $"No service '{service}' is declared in this project's .proto files.{Suggest(service, services)} Declared services: {List(_rpcs.Select(r => r.ServiceFullName))}.",
                nameof(service));
        }

        if (package is not null)
        {
            var inPackage = candidates.Where(r => r.Package == package).ToList();
            if (inPackage.Count == 0)
            {
                var packages = candidates.Select(r => r.Package).Distinct(StringComparer.Ordinal).ToList();
                throw new ArgumentException(
                    $"Service '{service}' is not declared in package '{package}'.{Suggest(package, packages)} It is declared in: {List(candidates.Select(r => r.ServiceFullName))}.",
                    nameof(package));
            }

            candidates = inPackage;
        }
        else if (candidates.Select(r => r.Package).Distinct(StringComparer.Ordinal).Skip(1).Any())
        {
            throw new ArgumentException(
                $"Service '{service}' is declared in more than one package ({List(candidates.Select(r => r.ServiceFullName))}); pass package: to say which.",
                nameof(package));
        }

        foreach (var candidate in candidates)
        {
            if (candidate.Name == rpc)
            {
                return candidate;
            }
        }

        var names = candidates.Select(r => r.Name).ToList();
        throw new ArgumentException(
            $"Service '{candidates[0].ServiceFullName}' has no RPC '{rpc}'.{Suggest(rpc, names)} Its RPCs: {List(names)}.",
            nameof(rpc));
    }

    /// <summary>
    /// Finds an RPC by name and checks that it is of the descriptor type <typeparamref name="TRpc"/>, that is,
    /// of the kind and message types the handler was written for. Called by the generated <c>AddHandler</c> overloads.
    /// </summary>
    /// <typeparam name="TRpc">The descriptor type the handler fits, such as <c>UnaryRpc&lt;HelloRequest, HelloReply&gt;</c>.</typeparam>
    /// <param name="service">The service name.</param>
    /// <param name="rpc">The RPC name.</param>
    /// <param name="package">The package, or <see langword="null"/> when the service name is unique.</param>
    /// <param name="handler">The handler, for the error message when it does not fit.</param>
    /// <returns>The RPC.</returns>
    /// <exception cref="ArgumentException">As <see cref="Find(string, string, string?)"/>, or the handler does not fit the RPC.</exception>
    public TRpc Find<TRpc>(string service, string rpc, string? package, Delegate handler)
        where TRpc : RpcDescriptor
    {
        ArgumentNullException.ThrowIfNull(handler);
        var found = Find(service, rpc, package);
        if (found is TRpc typed)
        {
            return typed;
        }

        throw new ArgumentException(
            $"The handler does not fit the {found}: the handler is a {TypeNames.Format(handler.GetType())}; this RPC takes a {found.HandlerShapes}.",
            nameof(handler));
    }

    private RpcDescriptor[] ServiceOf(RpcDescriptor rpc) =>
        _byService[rpc.Service].Where(candidate => candidate.Package == rpc.Package).ToArray();

    /// <summary>Returns an enumerator over the RPCs, in .proto order.</summary>
    /// <returns>The enumerator.</returns>
    public IEnumerator<RpcDescriptor> GetEnumerator() => ((IEnumerable<RpcDescriptor>)_rpcs).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static string List(IEnumerable<string> names) => string.Join(", ", names.Distinct(StringComparer.Ordinal));

    private static string Suggest(string wanted, IReadOnlyList<string> names)
    {
        var closest = NameSuggestion.Closest(wanted, names);
        return closest is null ? "" : $" Did you mean '{closest}'?";
    }
}
