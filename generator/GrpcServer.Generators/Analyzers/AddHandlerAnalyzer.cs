using System;
using System.Collections.Immutable;
using System.Linq;
using GrpcServer.Generators.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace GrpcServer.Generators.Analyzers;

/// <summary>
/// Reports at build time the <c>AddHandler</c> mistakes that the runtime would throw for: unknown service, RPC or
/// package (GRPCSRV101-103), an ambiguous service name (GRPCSRV104), a handler that does not fit the RPC
/// (GRPCSRV105), when the names are compile-time constants; and an RPC given a second handler on the same server in
/// one method (GRPCSRV106), for the named and the descriptor form. The RPCs are read from the catalogue the generator
/// added to the compilation (<see cref="DeclaredRpcCatalog"/>); without one the analyzer does nothing.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class AddHandlerAnalyzer : DiagnosticAnalyzer
{
    private const string AddHandler = "AddHandler";

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.UnknownService,
        DiagnosticDescriptors.UnknownRpc,
        DiagnosticDescriptors.UnknownPackage,
        DiagnosticDescriptors.AmbiguousService,
        DiagnosticDescriptors.HandlerDoesNotFit,
        DiagnosticDescriptors.DuplicateHandler);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        // The generated AddHandler overloads call RpcServer.AddHandler themselves; only user code is checked.
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(OnCompilationStart);
    }

    private static void OnCompilationStart(CompilationStartAnalysisContext context)
    {
        DeclaredRpcCatalog? catalog;
        try
        {
            catalog = DeclaredRpcCatalog.TryRead(context.Compilation, context.CancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // An analyzer exception fails the build (AD0001 as an error); missing a check does not.
            return;
        }

        if (catalog is null)
        {
            return;
        }

        // One block per method (or initializer): registrations are collected per block and compared at its end.
        context.RegisterOperationBlockStartAction(block =>
        {
            var registrations = new HandlerRegistrations();
            block.RegisterOperationAction(c => AnalyzeInvocation(c, catalog, registrations), OperationKind.Invocation);
            block.RegisterOperationBlockEndAction(registrations.ReportDuplicates);
        });
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, DeclaredRpcCatalog catalog, HandlerRegistrations registrations)
    {
        var invocation = (IInvocationOperation)context.Operation;
        if (invocation.TargetMethod.Name != AddHandler)
        {
            return;
        }

        try
        {
            if (IsNamedForm(invocation.TargetMethod, catalog))
            {
                AnalyzeNamedForm(context, invocation, catalog, registrations);
            }
            else if (IsDescriptorForm(invocation.TargetMethod))
            {
                AnalyzeDescriptorForm(invocation, catalog, registrations);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // As above: never fail the user's build because of a bug here.
        }
    }

    /// <summary><c>server.AddHandler("Greeter", "SayHello", handler, package: "helloworld")</c>: a generated overload.</summary>
    private static void AnalyzeNamedForm(OperationAnalysisContext context, IInvocationOperation invocation, DeclaredRpcCatalog catalog, HandlerRegistrations registrations)
    {
        IArgumentOperation? service = null, rpc = null, handler = null, package = null;
        foreach (var argument in invocation.Arguments)
        {
            switch (argument.Parameter?.Name)
            {
                case "service":
                    service = argument;
                    break;
                case "rpc":
                    rpc = argument;
                    break;
                case "handler":
                    handler = argument;
                    break;
                case "package":
                    package = argument;
                    break;
            }
        }

        if (service is null || rpc is null || handler is null || ConstantOf(service) is not { IsConstant: true, Value: { } serviceName })
        {
            return;
        }

        var lookup = catalog.Find(serviceName, ConstantOf(rpc), package is null ? ConstantName.Of(null) : ConstantOf(package));
        if (lookup.Error is { } error)
        {
            var at = lookup.ErrorArgument switch
            {
                NameArgument.Rpc => rpc,
                // With the package left out, the service name is what is ambiguous.
                NameArgument.Package when package is { IsImplicit: false } => package,
                _ => service,
            };
            context.ReportDiagnostic(Diagnostic.Create(error, at.Value.Syntax.GetLocation(), lookup.MessageArguments));
            return;
        }

        if (lookup.Rpc is not { } found || handler.Parameter is not { } handlerParameter)
        {
            return;
        }

        if (HandlerShapes.Fits(handlerParameter.Type, found) == false)
        {
            // Messages of two packages often share names (v1.Item, v2.Item): then only namespaces tell them apart.
            var handlerType = HandlerShapes.Format(handlerParameter.Type);
            var qualified = HandlerShapes.Fitting(found).Split([" or "], StringSplitOptions.None).Contains(handlerType);
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.HandlerDoesNotFit,
                handler.Value.Syntax.GetLocation(),
                found.Describe(qualified),
                qualified ? HandlerShapes.Format(handlerParameter.Type, qualified: true) : handlerType,
                HandlerShapes.Fitting(found, qualified)));
            return;
        }

        Register(invocation, found, rpc.Value.Syntax, catalog, registrations);
    }

    /// <summary><c>server.AddHandler(GreeterRpcs.SayHello, handler)</c>: the compiler checks the handler; only duplicates are left.</summary>
    private static void AnalyzeDescriptorForm(IInvocationOperation invocation, DeclaredRpcCatalog catalog, HandlerRegistrations registrations)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.Name == "rpc"
                && SkipConversions(argument.Value) is IFieldReferenceOperation { Field: var field }
                && catalog.FindByField(field) is { } rpc)
            {
                Register(invocation, rpc, argument.Value.Syntax, catalog, registrations);
                return;
            }
        }
    }

    private static void Register(IInvocationOperation invocation, DeclaredRpc rpc, SyntaxNode at, DeclaredRpcCatalog catalog, HandlerRegistrations registrations)
    {
        // Calls chain (AddHandler returns the server): follow them back to the expression they start from.
        var receiver = ReceiverOf(invocation);
        while (SkipConversions(receiver) is IInvocationOperation inner && IsAddHandler(inner.TargetMethod, catalog))
        {
            receiver = ReceiverOf(inner);
        }

        receiver = SkipConversions(receiver);
        if (receiver is null)
        {
            return;
        }

        // The same variable, parameter, field or property is the same server; any other expression (new RpcServer(),
        // a method call) is the same server only within one chain of calls.
        object key = receiver switch
        {
            ILocalReferenceOperation local => local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } field => field.Field,
            IPropertyReferenceOperation { Instance: null or IInstanceReferenceOperation, Arguments.Length: 0 } property => property.Property,
            _ => receiver.Syntax,
        };
        registrations.Add(new HandlerRegistration(rpc, key, receiver.Syntax.ToString(), at.GetLocation()));
    }

    private static bool IsAddHandler(IMethodSymbol method, DeclaredRpcCatalog catalog) =>
        method.Name == AddHandler && (IsNamedForm(method, catalog) || IsDescriptorForm(method));

    private static bool IsNamedForm(IMethodSymbol method, DeclaredRpcCatalog catalog) =>
        catalog.Extensions is { } extensions
        && SymbolEqualityComparer.Default.Equals((method.ReducedFrom ?? method).ContainingType, extensions);

    private static bool IsDescriptorForm(IMethodSymbol method) =>
        !method.IsStatic
        && method.ContainingType is { Name: "RpcServer" } type
        && HandlerShapes.IsInNamespace(type, "GrpcServer");

    /// <summary>The server an AddHandler call adds to: the instance, or the <c>this</c> argument of the extension method.</summary>
    private static IOperation? ReceiverOf(IInvocationOperation invocation)
    {
        if (invocation.Instance is { } instance)
        {
            return instance;
        }

        if (invocation.TargetMethod.IsExtensionMethod)
        {
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter is { Ordinal: 0 })
                {
                    return argument.Value;
                }
            }
        }

        return null;
    }

    private static IOperation? SkipConversions(IOperation? operation)
    {
        while (operation is IConversionOperation { IsImplicit: true } conversion)
        {
            operation = conversion.Operand;
        }

        return operation;
    }

    private static ConstantName ConstantOf(IArgumentOperation argument) =>
        argument.Value.ConstantValue is { HasValue: true, Value: null or string } constant
            ? ConstantName.Of((string?)constant.Value)
            : ConstantName.NotConstant;
}
