using System;
using System.Collections.Generic;
using System.Linq;

namespace GrpcServer.Internal;

/// <summary>A service as the name look-up sees it: the runtime's <c>RpcService</c>, or the analyzer's view of a generated one.</summary>
internal interface IRpcLookupService
{
    /// <summary>The .proto package, or an empty string.</summary>
    string Package { get; }

    /// <summary>The service name as declared.</summary>
    string Name { get; }

    /// <summary>The package and name, such as <c>helloworld.Greeter</c>.</summary>
    string FullName { get; }

    /// <summary>The names of the service's RPCs, in declaration order.</summary>
    IReadOnlyList<string> RpcNames { get; }
}

/// <summary>A name passed to <c>AddHandler</c>: known (at build time, a constant; possibly <see langword="null"/>) or not known.</summary>
internal readonly struct NameArgument
{
    /// <summary>A name that is not a compile-time constant: the look-up stops where it would first need it.</summary>
    public static readonly NameArgument Unknown = default;

    private NameArgument(string? value)
    {
        IsKnown = true;
        Value = value;
    }

    public bool IsKnown { get; }

    public string? Value { get; }

    public static NameArgument Of(string? value) => new(value);
}

/// <summary>The <c>AddHandler</c> parameter a look-up failure is about.</summary>
internal enum NameParameter
{
    Service,
    Rpc,
    Package,
}

/// <summary>Why a look-up failed; each has its message format in <see cref="RpcMessages"/> and its own diagnostic ID.</summary>
internal enum RpcLookupError
{
    UnknownService,
    UnknownRpc,
    UnknownPackage,
    AmbiguousService,
}

/// <summary>A failed look-up: what went wrong, at which parameter, and the arguments of its message format.</summary>
internal sealed class RpcLookupFailure(RpcLookupError error, NameParameter parameter, object[] arguments)
{
    public RpcLookupError Error => error;

    public NameParameter Parameter => parameter;

    /// <summary>The parameter's name in <c>AddHandler</c>, for <c>ArgumentException.ParamName</c>.</summary>
    public string ParameterName => parameter switch
    {
        NameParameter.Service => "service",
        NameParameter.Rpc => "rpc",
        _ => "package",
    };

    public object[] Arguments => arguments;

    public string MessageFormat => error switch
    {
        RpcLookupError.UnknownService => RpcMessages.UnknownService,
        RpcLookupError.UnknownRpc => RpcMessages.UnknownRpc,
        RpcLookupError.UnknownPackage => RpcMessages.UnknownPackage,
        _ => RpcMessages.AmbiguousService,
    };

    public string Message => RpcMessages.Format(MessageFormat, arguments);
}

/// <summary>The outcome of <see cref="RpcNameIndex{TService}.Find"/>: an RPC (its service and index), a failure, or neither when a name is not known.</summary>
internal readonly struct RpcLookup<TService>
    where TService : class, IRpcLookupService
{
    private RpcLookup(TService? service, int rpcIndex, RpcLookupFailure? failure)
    {
        Service = service;
        RpcIndex = rpcIndex;
        Failure = failure;
    }

    /// <summary>The service of the RPC found; <see langword="null"/> unless <see cref="IsFound"/>.</summary>
    public TService? Service { get; }

    /// <summary>The RPC's index in the service's RPCs.</summary>
    public int RpcIndex { get; }

    public RpcLookupFailure? Failure { get; }

    public bool IsFound => Service is not null;

    public static RpcLookup<TService> Unresolved => default;

    public static RpcLookup<TService> Found(TService service, int rpcIndex) => new(service, rpcIndex, null);

    public static RpcLookup<TService> Failed(RpcLookupError error, NameParameter parameter, params object[] arguments) =>
        new(null, -1, new RpcLookupFailure(error, parameter, arguments));
}

/// <summary>
/// Finds an RPC by the names <c>AddHandler</c> is given: the service as declared (<c>Greeter</c>) or fully qualified
/// (<c>helloworld.Greeter</c>), the RPC, and the package when the service name alone is ambiguous. The one look-up
/// of the runtime's catalogue and of the analyzer; a failure names what exists.
/// </summary>
internal sealed class RpcNameIndex<TService>
    where TService : class, IRpcLookupService
{
    private readonly Dictionary<string, List<TService>> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TService> _byFullName = new(StringComparer.Ordinal);
    private readonly List<string> _names;
    private readonly List<string> _fullNames;

    /// <exception cref="ArgumentException">Two services have the same full name.</exception>
    public RpcNameIndex(IEnumerable<TService> services)
    {
        foreach (var service in services)
        {
            if (_byFullName.ContainsKey(service.FullName))
            {
                throw new ArgumentException("The service " + service.FullName + " is listed twice.", nameof(services));
            }

            _byFullName.Add(service.FullName, service);
            if (!_byName.TryGetValue(service.Name, out var sameName))
            {
                _byName.Add(service.Name, sameName = []);
            }

            sameName.Add(service);
        }

        _names = Sorted(_byName.Keys);
        _fullNames = Sorted(_byFullName.Keys);
    }

    public RpcLookup<TService> Find(string service, NameArgument rpc, NameArgument package)
    {
        TService found;

        // A .proto service name has no dots, so a dotted name can only be a full one.
        if (service.IndexOf('.') >= 0 && _byFullName.TryGetValue(service, out var qualified))
        {
            if (!package.IsKnown)
            {
                return RpcLookup<TService>.Unresolved;
            }

            if (package.Value is not null && package.Value != qualified.Package)
            {
                return UnknownPackage(service, package.Value, [qualified]);
            }

            found = qualified;
        }
        else if (!_byName.TryGetValue(service, out var candidates))
        {
            var suggestion = NameSuggestion.Closest(service, service.IndexOf('.') >= 0 ? _fullNames : _names);
            return RpcLookup<TService>.Failed(
                RpcLookupError.UnknownService, NameParameter.Service, service, Suggest(suggestion), RpcMessages.List(_fullNames));
        }
        else if (!package.IsKnown)
        {
            return RpcLookup<TService>.Unresolved;
        }
        else if (package.Value is not null)
        {
            var inPackage = candidates.FirstOrDefault(c => c.Package == package.Value);
            if (inPackage is null)
            {
                return UnknownPackage(service, package.Value, candidates);
            }

            found = inPackage;
        }
        else if (candidates.Count > 1)
        {
            return RpcLookup<TService>.Failed(
                RpcLookupError.AmbiguousService, NameParameter.Package, service, RpcMessages.List(Sorted(candidates.Select(c => c.FullName))));
        }
        else
        {
            found = candidates[0];
        }

        if (!rpc.IsKnown || rpc.Value is not { } rpcName)
        {
            return RpcLookup<TService>.Unresolved;
        }

        var rpcNames = found.RpcNames;
        for (var i = 0; i < rpcNames.Count; i++)
        {
            if (rpcNames[i] == rpcName)
            {
                return RpcLookup<TService>.Found(found, i);
            }
        }

        return RpcLookup<TService>.Failed(
            RpcLookupError.UnknownRpc, NameParameter.Rpc, found.FullName, rpcName, Suggest(NameSuggestion.Closest(rpcName, rpcNames)), RpcMessages.List(rpcNames));
    }

    private static RpcLookup<TService> UnknownPackage(string service, string package, IReadOnlyList<TService> candidates) =>
        RpcLookup<TService>.Failed(
            RpcLookupError.UnknownPackage,
            NameParameter.Package,
            service,
            package,
            Suggest(NameSuggestion.ClosestPackage(package, Sorted(candidates.Select(c => c.Package)))),
            RpcMessages.List(Sorted(candidates.Select(c => c.FullName))));

    private static string Suggest(string? closest) => closest is null ? "" : RpcMessages.Format(RpcMessages.Suggestion, closest);

    // Sorted, so that messages and suggestions (the first of equally close names) do not depend on the order in which
    // the runtime and the analyzer came to list the services.
    private static List<string> Sorted(IEnumerable<string> names)
    {
        var list = names.ToList();
        list.Sort(StringComparer.Ordinal);
        return list;
    }
}
