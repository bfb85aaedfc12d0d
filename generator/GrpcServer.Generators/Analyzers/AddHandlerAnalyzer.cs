using System;
using System.Collections.Immutable;
using System.Linq;
using GrpcServer.Generators.Diagnostics;
using GrpcServer.Internal;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace GrpcServer.Generators.Analyzers;

/// <summary>
/// Reports at build time the <c>AddHandler(service, rpc, handler, package)</c> mistakes the runtime would throw for:
/// unknown service, RPC or package (GRPCSRV101-103), an ambiguous service name (GRPCSRV104), when the names are
/// compile-time constants; a handler that fits none of the RPC's shapes (GRPCSRV105); a lambda without parameter types
/// (GRPCSRV107, beside the compiler's CS1501 or CS8917); and an RPC given a second handler on the same server in one method
/// (GRPCSRV106), for the named and the descriptor form. The services are read from the symbols the generator added to
/// the compilation (<see cref="DeclaredRpcCatalog"/>); without them the analyzer does nothing.
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
        DiagnosticDescriptors.DuplicateHandler,
        DiagnosticDescriptors.HandlerNeedsParameterTypes);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        // The generated AddHandler overloads call the runtime themselves; only user code is checked.
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
            block.RegisterOperationAction(c => Guard(() => AnalyzeInvocation(c, catalog, registrations)), OperationKind.Invocation);
            block.RegisterOperationAction(c => Guard(() => AnalyzeUnboundCall(c, catalog)), OperationKind.Invalid);
            block.RegisterOperationBlockEndAction(registrations.ReportDuplicates);
        });
    }

    private static void Guard(Action analyze)
    {
        try
        {
            analyze();
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // As above: never fail the user's build because of a bug here.
        }
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, DeclaredRpcCatalog catalog, HandlerRegistrations registrations)
    {
        var invocation = (IInvocationOperation)context.Operation;
        if (invocation.TargetMethod.Name != AddHandler)
        {
            return;
        }

        if (catalog.IsNamedOverload(invocation.TargetMethod))
        {
            AnalyzeNamedForm(context, invocation, catalog, registrations);
        }
        else if (IsDescriptorForm(invocation.TargetMethod, catalog))
        {
            AnalyzeDescriptorForm(invocation, catalog, registrations);
        }
    }

    /// <summary><c>server.AddHandler("Greeter", "SayHello", handler, package: "helloworld")</c>: a generated overload.</summary>
    private static void AnalyzeNamedForm(OperationAnalysisContext context, IInvocationOperation invocation, DeclaredRpcCatalog catalog, HandlerRegistrations registrations)
    {
        var arguments = new NamedArguments();
        foreach (var argument in invocation.Arguments)
        {
            arguments.Add(argument.Parameter?.Name, argument.Value.Syntax, argument.Value.ConstantValue, argument.IsImplicit);
        }

        if (Resolve(context.ReportDiagnostic, arguments, catalog) is not { } rpc)
        {
            return;
        }

        var handler = HandlerOf(invocation);
        if (handler?.Type is { SpecialType: not (SpecialType.System_Delegate or SpecialType.System_MulticastDelegate) } handlerType)
        {
            // A handler typed only as Delegate may be anything; the runtime checks it.
            var fit = new SymbolHandlerFit(catalog.Symbols, rpc);
            if (fit.ShapeOf(handlerType) is null)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.HandlerDoesNotFit, handler.Syntax.GetLocation(), fit.DoesNotFit(handlerType)));
                return;
            }
        }

        Register(invocation, rpc, arguments.Rpc!, catalog, registrations);
    }

    /// <summary>
    /// A named <c>AddHandler</c> call that binds to no overload. The one the analyzer can help with is a lambda without
    /// parameter types, which has no delegate type: the compiler then says CS1501 about RpcServer's own two-parameter
    /// methods (or CS8917), and this says the types the named RPC takes.
    /// </summary>
    private static void AnalyzeUnboundCall(OperationAnalysisContext context, DeclaredRpcCatalog catalog)
    {
        if (context.Operation.Syntax is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: AddHandler } access } call
            || context.Operation.SemanticModel is not { } model
            || model.GetTypeInfo(access.Expression, context.CancellationToken).Type is not { } receiver
            || !SymbolEqualityComparer.Default.Equals(receiver, catalog.Symbols.RpcServer))
        {
            return;
        }

        // The compiler's candidates are RpcServer's own methods; the generated overloads are found by looking them up.
        IMethodSymbol? overload = null;
        foreach (var symbol in model.LookupSymbols(call.SpanStart, receiver, AddHandler, includeReducedExtensionMethods: true))
        {
            if (symbol is IMethodSymbol method && catalog.IsNamedOverload(method))
            {
                overload = method;
                break;
            }
        }

        if (overload is null)
        {
            return;
        }

        // Every generated overload has the parameters service, rpc, handler and package, in that order after the server.
        var parameters = overload.Parameters;
        var arguments = new NamedArguments();
        var position = 0;
        foreach (var argument in call.ArgumentList.Arguments)
        {
            var name = argument.NameColon?.Name.Identifier.ValueText ?? (position < parameters.Length ? parameters[position].Name : null);
            position++;
            arguments.Add(name, argument.Expression, model.GetConstantValue(argument.Expression, context.CancellationToken), isImplicit: false);
        }

        if (arguments.Handler is not LambdaExpressionSyntax lambda || HasParameterTypes(lambda)
            || Resolve(context.ReportDiagnostic, arguments, catalog) is not { } rpc)
        {
            return;
        }

        var request = TypeDisplay.Format(rpc.Request);
        var response = TypeDisplay.Format(rpc.Response);
        var requestForm = HandlerShapes.RequestForm(rpc.Kind);
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.HandlerNeedsParameterTypes,
            lambda.GetLocation(),
            rpc.Description,
            HandlerShapes.Fitting(rpc.Kind, request, response),
            HandlerShapes.Wrap(requestForm, request) + (requestForm == MessageForm.Single ? " request" : " requests")));
    }

    /// <summary>Looks the named RPC up when the service name is a constant; reports a failure at the argument that is wrong.</summary>
    private static DeclaredRpc? Resolve(Action<Diagnostic> report, NamedArguments arguments, DeclaredRpcCatalog catalog)
    {
        if (arguments.Service is null || arguments.Rpc is null || arguments.ServiceName is not { IsKnown: true, Value: { } serviceName })
        {
            return null;
        }

        var lookup = catalog.Find(serviceName, arguments.RpcName, arguments.Package is null ? NameArgument.Of(null) : arguments.PackageName);
        if (lookup.Failure is { } failure)
        {
            var at = failure.Parameter switch
            {
                NameParameter.Rpc => arguments.Rpc,
                // With the package left out, the service name is what is ambiguous.
                NameParameter.Package when arguments.Package is not null && !arguments.PackageIsImplicit => arguments.Package,
                _ => arguments.Service,
            };
            report(Diagnostic.Create(Descriptor(failure.Error), at.GetLocation(), failure.Arguments));
            return null;
        }

        return lookup.Service?.Rpcs[lookup.RpcIndex];
    }

    private static DiagnosticDescriptor Descriptor(RpcLookupError error) => error switch
    {
        RpcLookupError.UnknownService => DiagnosticDescriptors.UnknownService,
        RpcLookupError.UnknownRpc => DiagnosticDescriptors.UnknownRpc,
        RpcLookupError.UnknownPackage => DiagnosticDescriptors.UnknownPackage,
        _ => DiagnosticDescriptors.AmbiguousService,
    };

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
        method.Name == AddHandler && (catalog.IsNamedOverload(method) || IsDescriptorForm(method, catalog));

    private static bool IsDescriptorForm(IMethodSymbol method, DeclaredRpcCatalog catalog) =>
        !method.IsStatic && SymbolEqualityComparer.Default.Equals(method.ContainingType, catalog.Symbols.RpcServer);

    /// <summary>The handler argument as the user wrote it: a lambda, a method group or a variable, with its own delegate type.</summary>
    private static IOperation? HandlerOf(IInvocationOperation invocation)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.Name == "handler")
            {
                return SkipConversions(argument.Value);
            }
        }

        return null;
    }

    private static bool HasParameterTypes(LambdaExpressionSyntax lambda) => lambda switch
    {
        ParenthesizedLambdaExpressionSyntax parenthesized => parenthesized.ParameterList.Parameters.Count > 0
            && parenthesized.ParameterList.Parameters.All(parameter => parameter.Type is not null),
        _ => false,
    };

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

    /// <summary>The name and handler arguments of one call, by parameter name, with the names' constant values.</summary>
    private sealed class NamedArguments
    {
        public SyntaxNode? Service { get; private set; }

        public SyntaxNode? Rpc { get; private set; }

        public SyntaxNode? Package { get; private set; }

        public SyntaxNode? Handler { get; private set; }

        public bool PackageIsImplicit { get; private set; }

        public NameArgument ServiceName { get; private set; }

        public NameArgument RpcName { get; private set; }

        public NameArgument PackageName { get; private set; }

        public void Add(string? parameter, SyntaxNode value, Optional<object?> constant, bool isImplicit)
        {
            var name = constant is { HasValue: true, Value: null or string } ? NameArgument.Of((string?)constant.Value) : NameArgument.Unknown;
            switch (parameter)
            {
                case "service":
                    (Service, ServiceName) = (value, name);
                    break;
                case "rpc":
                    (Rpc, RpcName) = (value, name);
                    break;
                case "package":
                    (Package, PackageName, PackageIsImplicit) = (value, name, isImplicit);
                    break;
                case "handler":
                    Handler = value;
                    break;
            }
        }
    }
}
