using Microsoft.CodeAnalysis;

namespace GrpcServer.Generators.Analyzers;

/// <summary>The value of a name argument: a compile-time constant (possibly <see langword="null"/>) or not.</summary>
internal readonly struct ConstantName
{
    public static readonly ConstantName NotConstant;

    private ConstantName(string? value)
    {
        IsConstant = true;
        Value = value;
    }

    public bool IsConstant { get; }

    public string? Value { get; }

    public static ConstantName Of(string? value) => new(value);
}

/// <summary>The name argument of <c>AddHandler</c> a look-up failure is about.</summary>
internal enum NameArgument
{
    Service,
    Rpc,
    Package,
}

/// <summary>The outcome of <see cref="DeclaredRpcCatalog.Find"/>: an RPC, a failure to report, or neither (a name is not constant).</summary>
internal sealed class NameLookup
{
    public static readonly NameLookup Unresolved = new(null, null, default, []);

    private NameLookup(DeclaredRpc? rpc, DiagnosticDescriptor? error, NameArgument errorArgument, object[] messageArguments)
    {
        Rpc = rpc;
        Error = error;
        ErrorArgument = errorArgument;
        MessageArguments = messageArguments;
    }

    public DeclaredRpc? Rpc { get; }

    public DiagnosticDescriptor? Error { get; }

    public NameArgument ErrorArgument { get; }

    public object[] MessageArguments { get; }

    public static NameLookup Found(DeclaredRpc rpc) => new(rpc, null, default, []);

    public static NameLookup Failed(DiagnosticDescriptor error, NameArgument argument, params object[] messageArguments) =>
        new(null, error, argument, messageArguments);
}
